"""Every phone number a request carries, wherever it is: JSON values, form and query values, path.

No field list: a value is a number if it is written as one (digits, optionally `+`, spaces,
dashes, dots and brackets) and `phonenumbers` finds it possible, or if free text contains a
`+`-prefixed number. Percent-encoding is undone first (`%2B1415...` in a form or a query filter).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, unquote

import orjson
import phonenumbers

from telecontract import phone

# A whole value written as a number: 7 to 15 digits with the usual separators, nothing else.
WRITTEN_AS_NUMBER = re.compile(r"\+?[\d\s().\-]{7,24}")
# Written like a number, yet something else: a date (2024-02-01), a decimal (252284.5), an IPv4
# address (203.0.113.7).
NOT_A_NUMBER = re.compile(r"\d{4}-\d{2}-\d{2}|\d+\.\d+|\d{1,3}(\.\d{1,3}){3}")


def as_number(value: Any) -> str | None:
    """The digits (country code first) of `value` if it is a possible phone number, else None."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value).strip()
    if not WRITTEN_AS_NUMBER.fullmatch(text) or NOT_A_NUMBER.fullmatch(text):
        return None
    if text.startswith("("):  # "(415) 555-0142": a national number, written the North American way
        return _national(text)
    digits = re.sub(r"\D", "", text)
    if not 7 <= len(digits) <= 15 or digits.startswith("0"):
        return None
    try:
        phone.parse(digits)
    except phone.InvalidNumber:
        return None
    return digits


def _national(text: str) -> str | None:
    try:
        number = phonenumbers.parse(text, "US")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return f"{number.country_code}{phonenumbers.national_significant_number(number)}"


def numbers_in_text(text: str) -> Iterator[str]:
    """`+`-prefixed numbers inside free text ("call +1 415 555 0142 now")."""
    if "+" not in text:
        return
    for match in phonenumbers.PhoneNumberMatcher(text, None, leniency=phonenumbers.Leniency.POSSIBLE):
        number = match.number
        yield f"{number.country_code}{phonenumbers.national_significant_number(number)}"


def numbers_in_value(value: Any, where: str) -> Iterator[tuple[str, str]]:
    """(where, digits) for each number in a decoded JSON value, nested to any depth."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from numbers_in_value(key, f"{where} (a key)")  # a number can hide in a key too
            yield from numbers_in_value(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from numbers_in_value(item, f"{where}[{index}]")
    elif (digits := as_number(value)) is not None:
        yield where, digits
    elif isinstance(value, str):
        for digits in numbers_in_text(value):
            yield where, digits


def numbers_in_request(path: str, query: str, content_type: str, body: bytes) -> list[tuple[str, str]]:
    """(where, digits) for every number in a request: path segments, query values, the body."""
    found: list[tuple[str, str]] = []
    for index, segment in enumerate(path.split("/")):
        found += numbers_in_value(unquote(segment), f"path segment {index}")
    for name, value in parse_qsl(query, keep_blank_values=True):
        found += numbers_in_value(value, f"query {name}")
    found += numbers_in_value(decoded_body(content_type, body), "body")
    return found


def decoded_body(content_type: str, body: bytes) -> Any:
    """A JSON or form body as values; any other body as its text (which may still hold a number)."""
    if not body:
        return None
    if "json" in content_type:
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError:
            pass
    text = body.decode("utf-8", "replace")
    if "x-www-form-urlencoded" in content_type:
        return {name: value for name, value in parse_qsl(text, keep_blank_values=True)}
    return text
