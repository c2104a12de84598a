"""Named, deliberate contract violations the mock can switch on, to prove the suite catches them.

Each defect declares the finding it must produce: the rule (a schemathesis check, one of our
domain checks, or a rule of our own tests), where (the operation as the spec writes it, or the
webhook) and a detail of its own (the field, the value) that its message must contain. The
self-test counts a defect as caught only when that finding appears, so a stray failure of the
same rule elsewhere, or for another cause, proves nothing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Expected:
    """The finding that proves a defect was caught."""

    rule: str
    where: str  # the operation's label ("POST /v1/voice") or the webhook's name ("voiceEvent")
    detail: str  # text the finding's message contains

    def __str__(self) -> str:
        return f"{self.rule} on {self.where}: {self.detail}"


@dataclass(frozen=True, slots=True)
class Defect:
    name: str
    description: str
    expected: Expected
    # Where it shows: the operations (operationId texts, as `gate --operation` takes them) whose
    # tests meet it. Empty: everywhere. Lets a self-test run only what can see the defect.
    operations: tuple[str, ...] = ()

    @property
    def caught_by(self) -> str:
        return self.expected.rule


# The scopes defects run in: few, so that few faithful runs (one per scope) are their controls.
MASKING = ("MaskedSession",)
VOICE_V1 = ("sendVoiceMessage", "getVoiceCallStatus")
VOICE_V2 = ("controlVoiceCall",)
VTS = ("VtsMaskingSession",)

MASKING_SMS = "POST /v1/anonymous/session/sms"
VOICE_POST = "POST /v1/voice"
VOICE_GET = "GET /v1/voice/{reference_id}"
VTS_CREATE = "POST /v1/Account/{auth_id}/Masking/Session"
VTS_GET = "GET /v1/Account/{auth_id}/Masking/Session/{session_uuid}"
VOICE_CALLBACK = "voiceTransactionCallback"


def _catalogue(*defects: Defect) -> dict[str, Defect]:
    return {defect.name: defect for defect in defects}


DEFECTS = _catalogue(
    Defect(
        "masking_missing_field",
        "masking sessions lack the required country_name of party 2",
        Expected("response_schema_conformance", MASKING_SMS, '"country_name" is a required property'),
        operations=MASKING,
    ),
    Defect(
        "voice_status_code_as_string",
        "Voice v1 POST sends status.code as a string",
        Expected("response_schema_conformance", VOICE_POST, '"103" is not of type "integer"'),
        operations=VOICE_V1,
    ),
    Defect(
        "voice_in_progress_as_200",
        "a call in progress is answered HTTP 200 instead of 201",
        Expected("status_code_agrees_with_status_code", VOICE_POST, "HTTP 200 came with status.code 103"),
        operations=VOICE_V1,
    ),
    Defect(
        "masking_text_content_type",
        "masking sessions are served as text/plain",
        Expected("content_type_conformance", MASKING_SMS, "Received: text/plain"),
        operations=MASKING,
    ),
    Defect(
        "auth_ignored",
        "accepts requests with missing or wrong credentials",
        Expected("ignored_auth", VOICE_POST, "accepts requests without authentication"),
        operations=VOICE_V1,
    ),
    Defect(
        "masked_id_is_real_number",
        "party 1's masked id is its own real number",
        Expected("masked_id_differs_from_real_number", MASKING_SMS, "a masked_id equals a party's real number"),
        operations=MASKING,
    ),
    Defect(
        "masked_id_reused",
        "masked ids are handed out without regard to active sessions of the same party",
        Expected(
            "masked_id_serves_one_session_per_party",
            MASKING_SMS,
            "already serves an active session with the same party",
        ),
        operations=MASKING,
    ),
    Defect(
        "session_end_on_wrong",
        "session_end_on counts validity_period in minutes instead of the account's unit (hours)",
        Expected("session_end_on_is_creation_plus_validity", MASKING_SMS, "in the account's unit is"),
        operations=MASKING,
    ),
    Defect(
        "masking_session_outlives_validity",
        "a masking session lasts twice the validity_period asked, and its answer says so consistently",
        Expected(
            "session_lasts_as_long_as_asked", MASKING_SMS, "validity is 4; the request asked for validity_period 2"
        ),
        operations=MASKING,
    ),
    Defect(
        "country_fields_wrong",
        "country fields always say US/USA",
        Expected("country_fields_agree_with_number", MASKING_SMS, "the response says US/USA (+1)"),
        operations=MASKING,
    ),
    Defect(
        "reference_id_reused",
        "every Voice v1 call gets the same reference_id",
        Expected("reference_id_is_unique", VOICE_POST, "was already issued"),
        operations=VOICE_V1,
    ),
    Defect(
        "vts_get_swaps_parties",
        "a VTS session is read back with its parties swapped",
        Expected("get_returns_what_post_created", VTS_GET, "by GET with a different first_party, second_party"),
        operations=VTS,
    ),
    Defect(
        "vts_create_ignores_settings",
        "a VTS create keeps and answers the default settings, whatever the request set",
        Expected("answer_honours_the_request", VTS_CREATE, "record was asked as true, the answer says false"),
        operations=VTS,
    ),
    Defect(
        "vts_update_ignored",
        "a VTS update answers with the new settings but keeps none of them",
        Expected("read_shows_the_update", VTS_GET, "with call_time_limit 7200; the update set 1800"),
        operations=VTS,
    ),
    Defect(
        "vts_deleted_session_readable",
        "a deleted VTS session stays readable, listed and routing",
        Expected("deleted_session_is_gone", VTS_GET, "was deleted, yet GET answered 200 with it active"),
        operations=VTS,
    ),
    Defect(
        "vts_session_outlives_expiry",
        "a VTS session lasts twice the session_expiry asked, and its answers say so consistently",
        Expected("session_lasts_as_long_as_asked", VTS_CREATE, "session_expiry is 1200; it was asked to last 600 s"),
        operations=VTS,
    ),
    Defect(
        "expired_session_routes",
        "the carrier simulator still routes expired sessions",
        Expected("expired_session_stops_routing", MASKING_SMS, "through an expired session was routed"),
        operations=MASKING,
    ),
    Defect(
        "callback_retry_schedule_off",
        "failed callbacks are retried after 5 s and 5 s, not 10 s and 30 s",
        Expected("callback_retry_schedule", VOICE_CALLBACK, "came early"),
        operations=VOICE_V1,
    ),
    Defect(
        "callback_unsigned",
        "callbacks and events carry no signature",
        Expected("callback_signature_valid", VOICE_CALLBACK, "carries no signature"),
        operations=VOICE_V1,
    ),
    Defect(
        "callback_bad_signature",
        "callbacks and events are signed with the wrong key",
        Expected("callback_signature_valid", VOICE_CALLBACK, "carries a signature that does not verify"),
        operations=VOICE_V1,
    ),
    Defect(
        "callback_off_schema",
        "callback payloads lack a required field",
        Expected("webhook_payload_conformance", VOICE_CALLBACK, '"status" is a required property'),
        operations=VOICE_V1,
    ),
    Defect(
        "server_error_on_bad_json",
        "a VTS create with a malformed JSON body answers 500",
        Expected("not_a_server_error", VTS_CREATE, "with a truncated JSON body answered 500"),
        operations=VTS,
    ),
    Defect(
        "error_body_wrong_shape",
        'TeleSign 400 errors come as {"error": ...} without status and errors',
        Expected("response_schema_conformance", VOICE_POST, '400 error body: "status" is a required property'),
        operations=VOICE_V1,
    ),
    Defect(
        "voice_status_names_other_call",
        "GET /v1/voice/{reference_id} answers with another call's reference_id",
        Expected("read_names_the_requested_resource", VOICE_GET, "answered for"),
        operations=VOICE_V1,
    ),
    Defect(
        "voice_description_of_other_code",
        "a call in progress (103) is described with the text of another code (Call answered)",
        Expected("status_description_matches_code", VOICE_POST, "status 103 came as 'Call answered'"),
        operations=VOICE_V1,
    ),
    Defect(
        "v2_events_out_of_order",
        "call_completed is posted before play_completed",
        Expected("v2_event_order", "voiceEvent", "dial_completed -> call_completed -> play_completed"),
        operations=VOICE_V2,
    ),
)
