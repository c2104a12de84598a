"""Realistic party numbers for generated requests.

The schema only says "digits with a country code", so schemathesis happily generates numbers that
no country has. A provider rightly refuses those, which would make "schema-valid data is accepted"
cry wolf. Here every pattern-valid but impossible party number is swapped for a possible one, and
the two parties of a session are kept apart (both are preconditions a schema cannot state).
Values that break the pattern are left alone, so negative tests keep their teeth.
"""

from __future__ import annotations

import re
from typing import Any

import phonenumbers
import schemathesis
from hypothesis import strategies as st

from telecontract import phone

REGIONS = ("US", "GB", "RS", "DE", "FR", "IN", "BR", "JP", "NG", "AU")
PATTERN = re.compile(r"\+?[1-9][0-9]{6,14}")
AUTH_ID = re.compile(r"[A-Za-z0-9]{1,64}")
# Where party numbers sit in request bodies, top level or under JSON-RPC `params`.
PHONE_FIELDS = (
    "phone_number_1",
    "phone_number_2",
    "phone_number",
    "caller_id",
    "to",
    "caller_id_number",
    "first_party",
    "second_party",
)
PAIRS = (("phone_number_1", "phone_number_2"), ("first_party", "second_party"))


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


@st.composite
def _realistic(draw: st.DrawFn, body: dict[str, Any]) -> dict[str, Any]:
    body = dict(body)
    fields = body
    if isinstance(body.get("params"), dict):
        fields = body["params"] = dict(body["params"])
    for name in PHONE_FIELDS:
        value = fields.get(name)
        if isinstance(value, str) and PATTERN.fullmatch(value) and not _is_possible(value):
            fields[name] = ("+" if value.startswith("+") else "") + draw(possible_numbers())
    for first, second in PAIRS:
        a, b = fields.get(first), fields.get(second)
        if isinstance(a, str) and isinstance(b, str) and a.lstrip("+") == b.lstrip("+"):
            other = draw(possible_numbers().filter(lambda n, a=a: n != a.lstrip("+")))
            fields[second] = ("+" if b.startswith("+") else "") + other
    return body


def realistic_parties(context: schemathesis.HookContext, body: Any) -> st.SearchStrategy[Any]:
    if not isinstance(body, dict):
        return st.just(body)
    return _realistic(body)


def install(schema: schemathesis.BaseSchema, *, vts_auth_id: str) -> None:
    """Register the generation hooks on one schema (not globally)."""
    schema.hook("flatmap_body")(realistic_parties)

    # The VTS path names the account; any other than the authenticated one is (rightly) a 403.
    # Config-level `parameters` do not reach stateful runs, so this is a hook.
    def own_account(context: schemathesis.HookContext, path_parameters: dict[str, Any]) -> dict[str, Any]:
        value = path_parameters.get("auth_id") if isinstance(path_parameters, dict) else None
        if isinstance(value, str) and AUTH_ID.fullmatch(value):  # leave deliberately invalid ids alone
            return {**path_parameters, "auth_id": vts_auth_id}
        return path_parameters

    schema.hook("map_path_parameters")(own_account)
