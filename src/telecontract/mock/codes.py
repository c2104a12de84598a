"""Provider status codes the mock answers with, and the Voice API page's text for each code.

The spec says where each comes from; the contract checks read the documented texts from here too.
"""

# TeleSign, generic
INVALID_PARAMETER = -10001
# TeleSign Number Masking
SESSION_CREATED = 2700
SESSION_CREATED_OTHER_COUNTRY = 2701
NO_MASKED_ID = 2702
INVALID_SESSION_TYPE = 2703
INTERNAL_ERROR = 2704
BAD_VALIDITY = 2705
BLOCKED_BY_PROVIDER = 2706
BLOCKED_BY_CUSTOMER = 2707
SAME_NUMBERS = 2708
# TeleSign Voice v1
CALL_ANSWERED = 100
NOT_ANSWERED = 101
CALL_IN_PROGRESS = 103
INVALID_NUMBER = 104
CALL_FAILED = 106
LINE_BUSY = 107
CALL_BLOCKED = 130

VOICE_DESCRIPTIONS = {
    CALL_ANSWERED: "Call answered",
    NOT_ANSWERED: "Not answered",
    CALL_IN_PROGRESS: "Call in progress",
    INVALID_NUMBER: "Wrong/invalid phone number",
    CALL_FAILED: "Call failed",
    LINE_BUSY: "Line busy",
    CALL_BLOCKED: "Call blocked by TeleSign",
}
