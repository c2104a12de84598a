"""Phone numbers: parsing, country facts, and masking for logs. Backed by `phonenumbers`."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import phonenumbers
import pycountry


@dataclass(frozen=True, slots=True)
class Country:
    calling_code: str
    iso2: str
    iso3: str
    name: str


class InvalidNumber(ValueError):
    """Not a possible phone number (wrong length for its country, unknown calling code)."""


def parse(digits: str) -> phonenumbers.PhoneNumber:
    """Parse an E.164 number given with or without its `+`."""
    try:
        number = phonenumbers.parse("+" + digits.lstrip("+"))
    except phonenumbers.NumberParseException as exc:
        raise InvalidNumber(str(exc)) from None
    if not phonenumbers.is_possible_number(number):
        raise InvalidNumber(f"{redact_number(digits)} is not a possible phone number")
    return number


@functools.lru_cache(maxsize=200_000)
def country_of(digits: str) -> Country:
    """The country a number belongs to; for shared calling codes, the exact region when known.

    Cached: parties recur (a driver takes many rides), and phonenumbers' region lookup for a
    shared calling code such as +1 is the most expensive step of creating a masked session.
    """
    number = parse(digits)
    regions = phonenumbers.region_codes_for_country_code(number.country_code)
    # One region per calling code is the common case, and needs no pattern matching.
    region = regions[0] if len(regions) == 1 else _shared_code_region(number)
    if not region or region == "ZZ":
        region = phonenumbers.region_code_for_country_code(number.country_code)
    if not region or region in ("ZZ", "001"):  # 001: non-geographic codes (+800, +883, ...)
        raise InvalidNumber(f"no country has calling code {number.country_code}")
    return _country(str(number.country_code), region)


def _shared_code_region(number: phonenumbers.PhoneNumber) -> str | None:
    national = str(number.national_number)
    if number.country_code == 1 and len(national) == 10:
        prefix = national[:7]
        if prefix not in _NANP_PREFIXES:
            if len(_NANP_PREFIXES) >= 100_000:
                _NANP_PREFIXES.clear()  # bounded; refilled from what traffic brings
            _NANP_PREFIXES[prefix] = phonenumbers.region_code_for_number(number)
        return _NANP_PREFIXES[prefix]
    return phonenumbers.region_code_for_number(number)


# A NANP (+1) number's region is fixed by its area code and exchange (phonenumbers' patterns
# look at most 7 digits deep): one pattern match answers for every number sharing the prefix,
# valid or not. Matching is the costliest step of creating a masked session otherwise.
_NANP_PREFIXES: dict[str, str | None] = {}


@functools.cache
def _country(calling_code: str, iso2: str) -> Country:
    record = pycountry.countries.get(alpha_2=iso2)
    if record is None:  # territories phonenumbers knows but ISO 3166 does not (e.g. "AC")
        return Country(calling_code, iso2, iso2 + "X", iso2)
    return Country(calling_code, iso2, record.alpha_3, record.name)


def redact_number(digits: str) -> str:
    """Keep the country code's first digits and the last two; enough to tell numbers apart."""
    raw = digits.lstrip("+")
    if len(raw) <= 4:
        return "*" * len(raw)
    return raw[:2] + "*" * (len(raw) - 4) + raw[-2:]
