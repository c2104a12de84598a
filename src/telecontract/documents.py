"""The providers' documents' tables: status codes with their texts and HTTP statuses, validity units.

One neutral home, so the mock (which answers from these tables) and the contract (which judges
answers against them) read the same documents without either importing the other. The spec says
where each value comes from; a table here only copies what those pages list.
"""

from __future__ import annotations

# TeleSign, generic
INVALID_PARAMETER = -10001
# TeleSign Number Masking (the Number Masking pages; 2701-2708 from TeleSign's published definition)
SESSION_CREATED = 2700
SESSION_CREATED_OTHER_COUNTRY = 2701
NO_MASKED_ID = 2702
INVALID_SESSION_TYPE = 2703
INTERNAL_ERROR = 2704
BAD_VALIDITY = 2705
BLOCKED_BY_PROVIDER = 2706
BLOCKED_BY_CUSTOMER = 2707
SAME_NUMBERS = 2708
# TeleSign Voice v1 (Standard Voice API, Success Status Codes)
CALL_ANSWERED = 100
NOT_ANSWERED = 101
CALL_IN_PROGRESS = 103
INVALID_NUMBER = 104
CALL_FAILED = 106
LINE_BUSY = 107
CALL_BLOCKED = 130

# The Voice API page's text for each code.
VOICE_DESCRIPTIONS: dict[int, str] = {
    CALL_ANSWERED: "Call answered",
    NOT_ANSWERED: "Not answered",
    CALL_IN_PROGRESS: "Call in progress",
    INVALID_NUMBER: "Wrong/invalid phone number",
    CALL_FAILED: "Call failed",
    LINE_BUSY: "Line busy",
    CALL_BLOCKED: "Call blocked by TeleSign",
}

MASKING_PATHS = ("/v1/anonymous/session/sms", "/v1/anonymous/session/sms_voice")
# (method, path) -> HTTP status -> the status.code values the documents pair with it.
STATUS_PAIRS: dict[tuple[str, str], dict[int, frozenset[int]]] = {
    ("POST", "/v1/voice"): {201: frozenset({CALL_IN_PROGRESS}), 200: frozenset({INVALID_NUMBER, CALL_BLOCKED})},
    **{
        ("POST", path): {
            200: frozenset({SESSION_CREATED, SESSION_CREATED_OTHER_COUNTRY}),
            503: frozenset({INTERNAL_ERROR}),
        }
        for path in MASKING_PATHS
    },
}
# A Number Masking 400 carries one of these (TeleSign's published definition).
MASKING_400_CODES = frozenset(
    {NO_MASKED_ID, INVALID_SESSION_TYPE, BAD_VALIDITY, BLOCKED_BY_PROVIDER, BLOCKED_BY_CUSTOMER, SAME_NUMBERS}
)

# Seconds per unit of validity_period. The documents' example (500 -> 500 hours) makes hours the default.
VALIDITY_UNITS: dict[str, int] = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
DEFAULT_VALIDITY_UNIT = "hours"
