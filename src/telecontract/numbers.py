"""The numbers a live run may use, and which party fields generation fills from them.

Against a real provider a generated case places real calls and opens real sessions, so only the
numbers the user listed (`--numbers FILE`) ever go into a party field; the live-run guard
(`telecontract.wire`) refuses any other number wherever a request carries it. The file has one number per
line, digits with the country code (a leading `+` is allowed); `#` starts a comment.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from telecontract import phone
from telecontract.errors import UsageError

# Request fields that name a party or caller id, top level or under JSON-RPC `params`.
PARTY_FIELDS = (
    "phone_number_1",
    "phone_number_2",
    "phone_number",
    "caller_id",
    "to",
    "caller_id_number",
    "first_party",
    "second_party",
)
# A value no country can have: calling codes never start with 0.
UNDIALABLE = "0000000"


def read_numbers(path: Path) -> tuple[str, ...]:
    """The listed numbers, as digits without `+`; a bad line is a usage error naming it."""
    try:
        # utf-8-sig: Excel and Notepad start a UTF-8 file with a byte order mark, which is not a character of line 1.
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        raise UsageError(f"Numbers file not found: {path}", hint="One number per line, e.g. 14155550123.") from None
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise UsageError(
            f"{path}:{line}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x}).",
            hint="Save the file as UTF-8 (or plain ASCII): digits with the country code, one number per line.",
        ) from None
    except OSError as exc:
        raise UsageError(f"Cannot read numbers file {path}: {exc.strerror}") from None
    numbers: list[str] = []
    for line_number, line in enumerate(lines, start=1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        digits = text.removeprefix("+")
        if not digits.isdigit():
            raise UsageError(
                f"{path}:{line_number}: {phone.redact_number(text)} is not digits with a country code.",
                hint="Write each number as digits with its country code, e.g. 14155550123 or +14155550123.",
            )
        try:
            phone.parse(digits)
        except phone.InvalidNumber:
            raise UsageError(
                f"{path}:{line_number}: {phone.redact_number(digits)} is not a possible phone number.",
                hint="Check the country code and length.",
            ) from None
        if digits not in numbers:
            numbers.append(digits)
    if not numbers:
        raise UsageError(f"{path} lists no numbers.", hint="One number per line, digits with the country code.")
    return tuple(numbers)


def dialable(value: Any) -> str | None:
    """The digits of `value` if some provider could dial them (after stripping formatting), else None."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    digits = re.sub(r"\D", "", str(value))
    if not 7 <= len(digits) <= 15 or digits.startswith("0"):
        return None
    try:
        phone.parse(digits)
    except phone.InvalidNumber:
        return None
    return digits


def party_values(body: Any) -> list[tuple[str, Any]]:
    """(field, value) of every party field in a JSON or form body, top level or under `params`."""
    if not isinstance(body, dict):
        return []
    found = [(name, body[name]) for name in PARTY_FIELDS if name in body]
    params = body.get("params")
    if isinstance(params, dict):
        found += [(f"params.{name}", params[name]) for name in PARTY_FIELDS if name in params]
    return found
