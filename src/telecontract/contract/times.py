"""One reading of the providers' times, for every check that compares them.

The providers write a moment several ways: TeleSign's `updated_on` as RFC 3339 with or without
fractions (`2018-02-12T14:57:11.765723Z`, `...:11Z`), its `session_end_on` with a space and no zone
(`2018-03-05 10:59:13.761245`), VTS whole seconds (`2023-08-17 21:26:44`), and the Plivo-compatible
API Go's form (`2023-07-06 10:53:45.106122 +0000 UTC`, once `+0000 +0000`, up to nine fraction
digits). Checks that parsed only some of these switched themselves off for the others.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

_MOMENT = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})[ T](?P<time>\d{2}:\d{2}:\d{2})(?:\.(?P<fraction>\d{1,9}))?"
    r"\s*(?P<zone>Z|[+-]\d{2}:?\d{2})?(?:\s+(?:UTC|[+-]\d{4}))?$"
)


def provider_time(text: Any) -> datetime | None:
    """The moment `text` names, in UTC without a zone; None for anything that is not a time
    (`null`, `""`, `"null"`: unset), so callers leave shape problems to the schema checks."""
    if not isinstance(text, str):
        return None
    match = _MOMENT.match(text.strip())
    if match is None:
        return None
    fraction = (match["fraction"] or "").ljust(6, "0")[:6]  # Go prints nanoseconds; datetime keeps micro
    try:
        moment = datetime.fromisoformat(f"{match['date']}T{match['time']}.{fraction}")
    except ValueError:
        return None
    zone = match["zone"]
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        hours, minutes = int(zone[1:3]), int(zone[-2:])
        moment -= sign * timedelta(hours=hours, minutes=minutes)
    return moment.replace(tzinfo=None)
