"""`--receiver-url [KIND=]URL`: which URL receives which kind, and what is refused before a run."""

from __future__ import annotations

import pytest

from telecontract import webhooks
from telecontract.errors import UsageError
from telecontract.receiver_urls import check_reachable, parse_receiver_urls
from telecontract.server import free_port
from telecontract.spec import load_spec

KINDS = webhooks.kinds(load_spec())


def test_a_bare_url_receives_every_kind_a_named_one_does_not_claim() -> None:
    urls = parse_receiver_urls(["http://h/all", "voiceEvent=http://h/events"], KINDS)
    assert urls == {kind: "http://h/events" if kind == "voiceEvent" else "http://h/all" for kind in KINDS}


def test_named_urls_alone_receive_only_their_kinds() -> None:
    assert parse_receiver_urls(["voiceEvent=http://h/e?x=1"], KINDS) == {"voiceEvent": "http://h/e?x=1"}


@pytest.mark.parametrize(
    ("values", "says"),
    [
        (["smsEvent=http://h/"], "no webhook named 'smsEvent'"),
        (["voiceEvent=ftp://h/"], "not an http(s) URL"),
        (["http://a/", "http://b/"], "Two receiver URLs without a kind"),
        (["localhost:8000"], "not an http(s) URL"),
    ],
)
def test_mistakes_are_usage_errors_that_say_what_to_do(values: list[str], says: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse_receiver_urls(values, KINDS)
    assert says in str(raised.value)
    assert raised.value.hint


def test_a_receiver_nothing_listens_on_is_a_usage_error() -> None:
    url = f"http://127.0.0.1:{free_port()}/callbacks"
    with pytest.raises(UsageError, match="Receiver not reachable"):
        check_reachable({"voiceEvent": url})
