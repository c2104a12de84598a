"""Redaction for everything that leaves the process: logs, reports, recorded traffic.

Secrets (auth headers, signatures, API keys, tokens) are replaced whole, also percent-encoded or
written as a header in text (a curl line, a dict repr in a traceback); phone numbers keep only
enough digits to tell them apart, however they are written: E.164 digits, formatted for people
(`+1 415-555-0142`, `(415) 555-0142`), percent-encoded in a form body or a query filter
(`%2B15555551212`), or a JSON integer in a field that holds a number. A run's own listed numbers
are masked wherever they appear, even inside a longer token.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, quote_plus, unquote_plus

import phonenumbers

from telecontract.phone import redact_number

SECRET_HEADERS = frozenset(
    {
        "authorization",
        "x-ts-authorization",  # a TeleSign callback's copy of its Authorization
        "x-plivo-signature-v3",
        "x-plivo-signature-v3-nonce",
        "x-vts-signature-v3",
        "x-vts-signature-v3-nonce",
        "x-ts-nonce",
        "cookie",
        "set-cookie",
        "proxy-authorization",
    }
)
REDACTED = "[REDACTED]"
# Fields whose value is a phone number (the spec's TelesignPhoneNumber and VtsPhoneNumber, in
# requests, answers, query filters and callbacks; a test keeps this in step with the spec). A
# JSON integer in one of them is masked too: nothing else tells it from a count or a duration.
NUMBER_FIELDS = frozenset(
    {
        "caller_id",
        "caller_id_number",
        "complete_phone_number",
        "first_party",
        "from",
        "masked_id",
        "phone_number",
        "phone_number_1",
        "phone_number_2",
        "second_party",
        "to",
        "virtual_number",
    }
)
_HEADER_NAMES = "|".join(re.escape(name) for name in sorted(SECRET_HEADERS, key=len, reverse=True))
# A secret header written as text: `X-TS-Nonce: 0b93...` (curl -H, an HTTP dump) up to the line's
# end or a quote, or quoted as in a dict or tuple repr: `'authorization': 'TSA ...'`, `(b'cookie', b'...')`.
HEADER_LINE = re.compile(rf"(?i)(?<![\w-])((?:{_HEADER_NAMES}):[ \t]*)[^'\"\r\n]+")
HEADER_QUOTED = re.compile(rf"""(?i)(b?(['"])(?:{_HEADER_NAMES})\2\s*[:,]\s*b?(['"]))(?:\\.|(?!\3).)*(?=\3)""")
# Where a repr cuts a long value short (pytest's saferepr, reprlib, rich): a secret's parts either
# side of one still show it. Fewer characters than a fragment are no part of a secret to hide.
CUT_MARKS = ("...", "\u2026")
MIN_FRAGMENT = 4
# user:password@ in a URL (a proxy's credentials written into --target-url or a config file).
URL_USERINFO = re.compile(r"(?<=://)[^/@\s]+@")
# A run of 7 to 15 digits, optionally after a +, not inside a longer alphanumeric token
# (so 32-hex reference ids survive).
PHONE_NUMBER = re.compile(r"(?<![0-9A-Za-z])\+?[1-9][0-9]{6,14}(?![0-9A-Za-z])")
# A uuid's last group can be all digits: it is an id, never a number.
UUID = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")
DIGIT = re.compile(r"[0-9]")
# A token with a percent-escape (a form value, a query filter): decoded, a number in it shows.
PERCENT_TOKEN = re.compile(r"[^\s&=?#/\"'<>]*%[0-9A-Fa-f]{2}[^\s&=?#/\"'<>]*")
# What a number formatted for people starts with: a `+` or `(` before a digit, or three groups of
# digits apart. Cheap, so that phonenumbers' matcher (some 100 µs a string) reads only such text.
FORMATTED_HINT = re.compile(r"[+(]\s*\d|\d[\s.\-]+\d+[\s.\-)]+\d")
# ISO dates and times meet the hint but are never numbers; a string that is only those skips the matcher.
DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?")
# National formats are read as NANP's, the only national form the providers' documents write.
DEFAULT_REGION = "US"


@dataclass(frozen=True, slots=True)
class Redaction:
    """One run's redaction: the secrets and the listed numbers it must never print."""

    # Out of the repr, or the redaction itself would print what it hides.
    secrets: tuple[str, ...] = field(default=(), repr=False)
    numbers: tuple[str, ...] = field(default=(), repr=False)

    def text(self, text: str) -> str:
        return redact_text(text, self.secrets, self.numbers)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Hypothesis's pretty printer lists a dataclass's fields itself, repr=False or not."""
        printer.text(repr(self))


def redact_headers(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    items = headers.items() if isinstance(headers, Mapping) else headers
    return {name: REDACTED if name.lower() in SECRET_HEADERS else value for name, value in items}


def redact_url_credentials(text: str) -> str:
    """Only user:password@ in URLs: for commands a user copies, whose numbers (seeds) must survive."""
    return URL_USERINFO.sub(REDACTED + "@", text)


def redact_text(text: str, secrets: Iterable[str] = (), numbers: Iterable[str] = ()) -> str:
    """Phone numbers masked; credentials in URLs, secret headers and every known secret value replaced.

    `secrets`: values to replace wherever they appear (also percent-encoded); `numbers`: the run's
    listed numbers (digits), masked even where no number is expected (inside a longer token).
    """
    forms = secret_forms(tuple(secrets))
    for secret in forms:
        text = text.replace(secret, REDACTED)
    if forms and any(mark in text for mark in CUT_MARKS):
        text = _redact_cut_secrets(text, forms)
    text = redact_url_credentials(text)
    text = redact_header_text(text)
    if not DIGIT.search(text):
        return text  # most strings of a body ("active", a URL without a port): no number to look for
    text = PERCENT_TOKEN.sub(_redact_percent_encoded, text)
    text = _outside(UUID, text, _redact_numbers)
    return _redact_listed(text, tuple(numbers)) if numbers else text


def _redact_cut_secrets(text: str, secrets: tuple[str, ...]) -> str:
    """A secret cut short by a repr (pytest writes a long string as `'vts-sekrit-t...f-the-team-77'`):
    its start before the cut and its end after it are replaced, or most of it would still show."""
    for mark in CUT_MARKS:
        if mark not in text:
            continue
        pieces = text.split(mark)
        for i in range(len(pieces) - 1):
            for secret in secrets:
                if head := _shared_start(pieces[i], secret):
                    pieces[i] = pieces[i][:-head] + REDACTED
                if tail := _shared_end(pieces[i + 1], secret):
                    pieces[i + 1] = REDACTED + pieces[i + 1][tail:]
        text = mark.join(pieces)
    return text


def _shared_start(before: str, secret: str) -> int:
    """How much of the secret's start `before` ends with (0 when less than a fragment)."""
    tail, opening = before[-(len(secret) - 1) :], secret[:MIN_FRAGMENT]
    at = tail.find(opening)  # leftmost first: the longest share
    while at != -1:
        if secret.startswith(tail[at:]):
            return len(tail) - at
        at = tail.find(opening, at + 1)
    return 0


def _shared_end(after: str, secret: str) -> int:
    """How much of the secret's end `after` starts with (0 when less than a fragment)."""
    head, closing = after[: len(secret) - 1], secret[-MIN_FRAGMENT:]
    at = head.rfind(closing)  # rightmost first: the longest share
    while at != -1:
        if secret.endswith(head[: at + MIN_FRAGMENT]):
            return at + MIN_FRAGMENT
        at = head.rfind(closing, 0, at + MIN_FRAGMENT - 1)
    return 0


def redact_header_text(text: str) -> str:
    """The values of secret headers written in text (curl's -H, a dict repr) replaced whole."""
    if ":" not in text and "," not in text:
        return text
    text = HEADER_QUOTED.sub(lambda m: m.group(1) + REDACTED, text)
    return HEADER_LINE.sub(lambda m: m.group(1) + REDACTED, text)


@functools.lru_cache(maxsize=32)
def secret_forms(secrets: tuple[str, ...]) -> tuple[str, ...]:
    """Each secret raw, percent-encoded (a form body, a query, a path: base64's `+/=` are escaped
    there, `/` not always) and JSON-escaped; longest first, so one that holds another goes whole."""
    forms: set[str] = set()
    for secret in secrets:
        if secret:
            encoded = {quote(secret, safe=""), quote(secret, safe="/"), quote_plus(secret)}
            forms |= {secret, secret.replace("/", "\\/"), *encoded}
    return tuple(sorted(forms, key=len, reverse=True))


def redact_body(text: str, secrets: Iterable[str] = (), numbers: Iterable[str] = ()) -> str:
    """Like `redact_text`, but a JSON body stays valid JSON: only its strings and number fields are touched."""
    secrets, numbers = tuple(secrets), tuple(numbers)
    try:
        document = json.loads(text)
    except ValueError:
        return redact_text(text, secrets, numbers)

    def walk(node: object, number_field: bool = False) -> object:
        if isinstance(node, str):
            return redact_text(node, secrets, numbers)
        if isinstance(node, int) and not isinstance(node, bool) and number_field:
            return redact_number(str(node))  # a string now: a masked number is no number
        if isinstance(node, dict):
            return {redact_text(str(k), secrets, numbers): walk(v, k in NUMBER_FIELDS) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, number_field) for v in node]
        return node  # counts, durations, flags: elsewhere an integer is not a number to hide

    return json.dumps(walk(document), ensure_ascii=False, separators=(",", ":"))


def mask_digits(written: str) -> str:
    """`written` with its digits masked as `redact_number` masks them, its formatting kept."""
    where = [i for i, c in enumerate(written) if c.isdigit()]
    kept = set(where[:2] + where[-2:]) if len(where) > 4 else set()
    return "".join("*" if c.isdigit() and i not in kept else c for i, c in enumerate(written))


def _redact_numbers(text: str) -> str:
    text = _redact_formatted(text)
    return PHONE_NUMBER.sub(lambda m: ("+" if m.group().startswith("+") else "") + redact_number(m.group()), text)


def _redact_listed(text: str, numbers: tuple[str, ...]) -> str:
    """What the generic patterns left of a listed number (digits glued to letters, its national form)."""
    for written in listed_forms(numbers):
        text = text.replace(written, redact_number(written))
    return text


@functools.lru_cache(maxsize=32)
def listed_forms(numbers: tuple[str, ...]) -> tuple[str, ...]:
    """Each listed number's digits with and without its country code; longest first."""
    forms: set[str] = set()
    for number in numbers:
        digits = re.sub(r"\D", "", number)
        if len(digits) < 7:
            continue  # no phone number: a short run of digits is a count, never one of these
        forms.add(digits)
        try:
            national = str(phonenumbers.parse("+" + digits).national_number)
        except phonenumbers.NumberParseException:
            continue
        if len(national) >= 7:
            forms.add(national)
    return tuple(sorted(forms, key=len, reverse=True))


def _redact_formatted(text: str) -> str:
    """Numbers written for people, found by phonenumbers; plain digit runs are PHONE_NUMBER's."""
    if not FORMATTED_HINT.search(DATE_TIME.sub("", text)):
        return text
    spans = []
    for match in phonenumbers.PhoneNumberMatcher(text, DEFAULT_REGION, leniency=phonenumbers.Leniency.POSSIBLE):
        written = match.raw_string
        before = text[match.start - 1 : match.start]
        after = text[match.end : match.end + 1]
        if before.isalnum() or after.isalnum():
            continue  # digits inside a longer token (a hex id): not a number
        # Formatted for sure: a `+`, an area code in brackets, or three groups (a lone `.` is a figure).
        groups = len(re.findall(r"\d+", written))
        if written.startswith("+") or "(" in written or groups >= 3:
            spans.append((match.start, match.end))
    for start, end in reversed(spans):
        text = text[:start] + mask_digits(text[start:end]) + text[end:]
    return text


def _redact_percent_encoded(token: re.Match[str]) -> str:
    """A percent-encoded token, decoded, redacted and encoded again if it held a number (else as it was)."""
    written = token.group()
    decoded = unquote_plus(written)
    redacted = _outside(UUID, decoded, _redact_numbers)
    if redacted == decoded:
        return written
    # Encoded as it came: a literal `+` in a token means a form's space.
    return quote_plus(redacted, safe="*") if "+" in written else quote(redacted, safe="*")


def _outside(pattern: re.Pattern[str], text: str, redact: Callable[[str], str]) -> str:
    """`redact` applied to the text between the matches of `pattern`, which stay as they are."""
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts += [redact(text[last : match.start()]), match.group()]
        last = match.end()
    parts.append(redact(text[last:]))
    return "".join(parts)
