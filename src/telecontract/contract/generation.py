"""Party numbers for generated requests: realistic on the embedded mock, listed ones on a live target.

The schema only says "digits with a country code", so schemathesis happily generates numbers that
no country has. A provider rightly refuses those, which would make "schema-valid data is accepted"
cry wolf. On the embedded mock every pattern-valid but impossible party number is swapped for a
possible one, and the two parties of a session are kept apart (both are preconditions a schema
cannot state). Values that break the pattern are left alone, so negative tests keep their teeth.

Against a live target a generated number would ring a stranger's phone: every pattern-valid party
number is drawn from the user's list instead, and any other value a provider might still dial is
replaced by one no country can have. The spec's own examples get listed numbers too. A URL the
provider would call back is the user's receiver (`--callback-url`) or left out, and without
`--allow-calls` no request asks for a call. (The live-run guard refuses whatever slips through:
this only keeps the cases worth sending.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import phonenumbers
import schemathesis
from hypothesis import strategies as st

from telecontract import phone
from telecontract.contract.sending import FRAMING_HEADERS
from telecontract.numbers import PARTY_FIELDS, UNDIALABLE, dialable

REGIONS = ("US", "GB", "RS", "DE", "FR", "IN", "BR", "JP", "NG", "AU")
PATTERN = re.compile(r"\+?[1-9][0-9]{6,14}")
AUTH_ID = re.compile(r"[A-Za-z0-9]{1,64}")
PAIRS = (("phone_number_1", "phone_number_2"), ("first_party", "second_party"))
# Fields the provider fetches or posts to. A generated host is somebody's server (or a DNS lookup
# from a test that must stay on loopback), so on the embedded mock valid URLs point at loopback.
URL_FIELDS = (  # the spec's x-telecontract-calls-back fields (tests/unit/test_wire.py keeps them in step)
    "callback_url",
    "recording_callback_url",
    "first_party_play_url",
    "second_party_play_url",
    "url",
    "pin_prompt_play",
    "incorrect_pin_play",
    "unknown_caller_play",
)
LOOPBACK_URL = "http://127.0.0.1:9/telecontract"  # the discard port: refused at once, never leaves the host
CALL_SWITCHES = ("initiate_call_to_first_party",)  # the spec marks them x-telecontract-places-call


def _templates() -> list[str]:
    templates = []
    for region in REGIONS:
        example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
        if example is not None:
            templates.append(f"{example.country_code}{phonenumbers.national_significant_number(example)}")
    return templates


TEMPLATES = _templates()


def possible_numbers() -> st.SearchStrategy[str]:
    """Digits of mobile numbers from several countries, varied in their last four digits."""
    return st.builds(
        lambda template, tail: f"{template[:-4]}{tail:04d}", st.sampled_from(TEMPLATES), st.integers(0, 9999)
    )


def _is_possible(value: str) -> bool:
    """What a provider accepts as a party: a possible number of some country."""
    try:
        phone.country_of(value)
    except phone.InvalidNumber:
        return False
    return True


@dataclass(frozen=True, slots=True)
class LiveLimits:
    """What a live run's cases may ask for; None for the embedded mock."""

    listed: tuple[str, ...]
    callback_url: str | None
    allow_calls: bool


@st.composite
def _realistic(draw: st.DrawFn, body: dict[str, Any], live: LiveLimits | None) -> dict[str, Any]:
    listed = live.listed if live else None
    body = dict(body)
    fields = body
    if isinstance(body.get("params"), dict):
        fields = body["params"] = dict(body["params"])
    parties = possible_numbers() if listed is None else st.sampled_from(listed) if listed else st.just(UNDIALABLE)
    for name in PARTY_FIELDS:
        if name in fields:
            fields[name] = _party_value(draw, fields[name], parties, live=listed is not None)
    for container in (body, fields):
        _own_urls_and_no_calls(container, live)
    for first, second in PAIRS:
        a, b = fields.get(first), fields.get(second)
        if isinstance(a, str) and isinstance(b, str) and a.lstrip("+") == b.lstrip("+"):
            if listed is not None and len(listed) < 2:
                continue  # one listed number: the provider answers "parties must differ", as documented
            other = draw(parties.filter(lambda n, a=a: n != a.lstrip("+")))
            fields[second] = ("+" if b.startswith("+") else "") + other
    return body


def _own_urls_and_no_calls(container: dict[str, Any], live: LiveLimits | None) -> None:
    """In place: URLs the provider would call point at loopback (the mock) or the user's receiver
    (live; without one they are left out), and without --allow-calls no session rings anyone."""
    for name in URL_FIELDS:
        value = container.get(name)
        if not isinstance(value, str) or not value.startswith(("http://", "https://")):
            continue  # invalid ones stay negative
        if live is None:
            container[name] = LOOPBACK_URL
        elif live.callback_url:
            container[name] = f"{live.callback_url}/{name}"
        else:
            del container[name]  # no receiver given: the provider gets no URL of anybody's
    if live is not None and not live.allow_calls:
        for name in CALL_SWITCHES:
            if container.get(name) is True:
                container[name] = False


def live_body(body: Any, live: LiveLimits) -> Any:
    """A case's body as a live run may send it (also for the spec's examples and coverage cases,
    which no generation hook sees)."""
    if not isinstance(body, dict):
        return body
    body = dict(body)
    _own_urls_and_no_calls(body, live)
    if isinstance(body.get("params"), dict):
        body["params"] = dict(body["params"])
        _own_urls_and_no_calls(body["params"], live)
    return body


LIVE_LIMITS = "x-telecontract-live-limits"  # on a live run's document: what its cases may ask for


@schemathesis.hook
def before_call(context: schemathesis.HookContext, case: schemathesis.Case, kwargs: dict[str, Any]) -> None:
    """The spec's examples, coverage cases and stateful steps of a live run get its limits too.

    A global hook (schemathesis has `before_call` at no other scope) that acts only on a document
    `install` marked live; schemathesis revalidates a case a `before_call` hook edited, so a
    negative case whose invalid part was left out is judged as what it became.
    """
    limits = case.operation.schema.raw_schema.get(LIVE_LIMITS)
    if isinstance(limits, LiveLimits):
        case.body = live_body(case.body, limits)


def _party_value(draw: st.DrawFn, value: Any, parties: st.SearchStrategy[str], *, live: bool) -> Any:
    if isinstance(value, list):
        return [_party_value(draw, item, parties, live=live) for item in value]
    if isinstance(value, str) and PATTERN.fullmatch(value) and (live or not _is_possible(value)):
        return ("+" if value.startswith("+") else "") + draw(parties)
    if live and dialable(value) is not None:
        return 0 if isinstance(value, int) else UNDIALABLE  # negative data, and nobody's number
    return value


def _listed_or_undialable(value: Any, listed: tuple[str, ...]) -> Any:
    digits = dialable(value)
    if digits is None or digits in listed:
        return value
    if listed and PATTERN.fullmatch(str(value)):
        return ("+" if str(value).startswith("+") else "") + listed[0]
    return UNDIALABLE


def realistic_parties(live: LiveLimits | None) -> Any:
    def hook(context: schemathesis.HookContext, body: Any) -> st.SearchStrategy[Any]:
        if not isinstance(body, dict):
            return st.just(body)
        return _realistic(body, live)

    return hook


def with_listed_numbers(document: dict[str, Any], listed: tuple[str, ...]) -> dict[str, Any]:
    """The request examples of `document` (in place) with their party numbers taken from `listed`."""
    for item in document.get("paths", {}).values():
        for operation in item.values():
            body = operation.get("requestBody") if isinstance(operation, dict) else None
            for media in (body or {}).get("content", {}).values():
                for example in media.get("examples", {}).values():
                    if isinstance(example.get("value"), dict):
                        example["value"] = listed_example(example["value"], listed)
    return document


def listed_example(value: dict[str, Any], listed: tuple[str, ...]) -> dict[str, Any]:
    """An example request with each party field given the next listed number."""
    value = dict(value)
    fields = value
    if isinstance(value.get("params"), dict):
        fields = value["params"] = dict(value["params"])
    index = 0
    for name in PARTY_FIELDS:
        if isinstance(fields.get(name), str):
            fields[name] = ("+" if fields[name].startswith("+") else "") + listed[index % len(listed)]
            index += 1
    return value


def install(
    schema: schemathesis.BaseSchema,
    *,
    vts_auth_id: str,
    live: bool = False,
    listed: tuple[str, ...] | None = None,
    callback_url: str | None = None,
    allow_calls: bool = False,
) -> None:
    """Register the generation hooks on one schema (not globally). `listed`: a live run's numbers."""
    limits = LiveLimits(listed or (), callback_url, allow_calls) if live else None
    schema.hook("flatmap_body")(realistic_parties(limits))
    if limits is not None:  # read by `_live_cases`, for the cases no generation hook sees
        schema.raw_schema[LIVE_LIMITS] = limits

    def no_framing_headers(context: schemathesis.HookContext, headers: dict[str, Any] | None) -> Any:
        if not isinstance(headers, dict):
            return headers
        return {k: v for k, v in headers.items() if k.lower() not in FRAMING_HEADERS}

    schema.hook("map_headers")(no_framing_headers)

    if live:
        # Filters such as ?first_party= name people too: on a live target, listed numbers only.
        allowed = listed or ()

        def listed_query(context: schemathesis.HookContext, query: dict[str, Any] | None) -> Any:
            if not isinstance(query, dict):
                return query
            return {k: _listed_or_undialable(v, allowed) if k in PARTY_FIELDS else v for k, v in query.items()}

        schema.hook("map_query")(listed_query)

    # The VTS path names the account; any other than the authenticated one is (rightly) a 403.
    # Config-level `parameters` do not reach stateful runs, so this is a hook.
    def own_account(context: schemathesis.HookContext, path_parameters: dict[str, Any]) -> dict[str, Any]:
        value = path_parameters.get("auth_id") if isinstance(path_parameters, dict) else None
        if isinstance(value, str) and AUTH_ID.fullmatch(value):  # leave deliberately invalid ids alone
            return {**path_parameters, "auth_id": vts_auth_id}
        return path_parameters

    schema.hook("map_path_parameters")(own_account)
