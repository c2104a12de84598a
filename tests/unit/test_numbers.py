"""Live runs use only listed numbers: the file, the guard, and generation under hypothesis."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from telecontract.contract.generation import LOOPBACK_URL, LiveLimits, _realistic, listed_example
from telecontract.errors import UsageError
from telecontract.numbers import PARTY_FIELDS, dialable, read_numbers
from telecontract.wire.scan import numbers_in_request

LISTED = ("14155550123", "447700900123")


def test_the_numbers_file_takes_comments_and_plus_signs(tmp_path: Path) -> None:
    path = tmp_path / "numbers.txt"
    path.write_text("# ours\n+14155550123\n\n447700900123  # second\n14155550123\n")
    assert read_numbers(path) == LISTED


@pytest.mark.parametrize(
    ("text", "error"),
    [("1415555O123\n", "not digits"), ("123\n", "not a possible phone number"), ("# nothing\n", "lists no numbers")],
)
def test_a_bad_numbers_file_names_the_line(tmp_path: Path, text: str, error: str) -> None:
    path = tmp_path / "numbers.txt"
    path.write_text(text)
    with pytest.raises(UsageError, match=error):
        read_numbers(path)


def test_a_missing_numbers_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not found"):
        read_numbers(tmp_path / "nope.txt")


def unlisted(body: Any) -> set[str]:
    """Numbers outside the list anywhere in a JSON body, read as the live-run guard reads it."""
    sent = json.dumps(body).encode()  # as a client sends it (orjson refuses integers beyond 64 bits)
    return {digits for _, digits in numbers_in_request("", "", "application/json", sent)} - set(LISTED)


def test_values_no_provider_could_dial_are_not_numbers() -> None:
    assert dialable("0000000") is None and dialable("abc") is None and dialable(True) is None
    assert dialable("+1 415 555 0123") == "14155550123"


party_value = st.one_of(
    st.from_regex(r"\+?[1-9][0-9]{6,14}", fullmatch=True),
    st.text(max_size=20),
    st.integers(),
    st.lists(st.from_regex(r"[1-9][0-9]{9,11}", fullmatch=True), max_size=3),
    st.none(),
)
bodies = st.dictionaries(st.sampled_from(PARTY_FIELDS), party_value, max_size=4)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), body=bodies, nested=st.booleans())
def test_generated_bodies_carry_only_listed_numbers(data: st.DataObject, body: dict[str, Any], nested: bool) -> None:
    request = {"jsonrpc": "2.0", "method": "dial", "params": body} if nested else body
    out = data.draw(_realistic(request, LiveLimits(LISTED, None, allow_calls=False)))
    assert not unlisted(out)


def test_the_documents_examples_get_listed_numbers() -> None:
    example = {"jsonrpc": "2.0", "method": "dial", "params": {"to": "15555551212", "caller_id_number": "15558675309"}}
    assert listed_example(example, LISTED)["params"] == {"to": LISTED[0], "caller_id_number": LISTED[1]}


@settings(max_examples=100, deadline=None)
@given(
    data=st.data(),
    url=st.from_regex(r"https?://[a-z0-9]{1,12}\.(com|info|dev)/[a-z]{0,8}", fullmatch=True),
    live=st.booleans(),
)
def test_generated_callback_urls_never_name_a_strangers_host(data: st.DataObject, url: str, live: bool) -> None:
    body = {"first_party": "+14155550123", "callback_url": url, "params": {"url": url}}
    receiver = "https://hooks.team.example/tc"
    out = data.draw(_realistic(body, LiveLimits(LISTED, receiver, allow_calls=False) if live else None))
    assert {out["callback_url"], out["params"]["url"]} <= {f"{receiver}/callback_url", f"{receiver}/url", LOOPBACK_URL}
    assert (out["callback_url"] == LOOPBACK_URL) is not live
    # A live run without --callback-url sends no callback URL at all.
    bare = data.draw(_realistic(body, LiveLimits(LISTED, None, allow_calls=False)))
    assert "callback_url" not in bare and "url" not in bare["params"]


@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_without_allow_calls_no_generated_session_rings_its_first_party(data: st.DataObject) -> None:
    body = {"first_party": "+14155550123", "initiate_call_to_first_party": True}
    drawn = data.draw(_realistic(body, LiveLimits(LISTED, None, allow_calls=False)))
    assert drawn["initiate_call_to_first_party"] is False
    allowed = data.draw(_realistic(body, LiveLimits(LISTED, None, allow_calls=True)))
    assert allowed["initiate_call_to_first_party"] is True
