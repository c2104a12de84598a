"""Named, deliberate contract violations the mock can switch on, to prove the suite catches them.

Each defect names the rule meant to catch it: a schemathesis check, one of our domain checks
(`telecontract.contract.checks`), or a rule of our own tests (callbacks, routing, event order).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Defect:
    name: str
    description: str
    caught_by: str
    # Where it shows: the operations (operationId texts, as `gate --operation` takes them) whose
    # tests meet it. Empty: everywhere. Lets a self-test run only what can see the defect.
    operations: tuple[str, ...] = ()


MASKING = ("MaskedSession",)
VOICE_V1 = ("sendVoiceMessage", "getVoiceCallStatus")
CALLBACKS = ("sendVoiceMessage", "createVtsMaskingSession", "controlVoiceCall")


def _catalogue(*defects: Defect) -> dict[str, Defect]:
    return {defect.name: defect for defect in defects}


DEFECTS = _catalogue(
    Defect(
        "masking_missing_field",
        "masking sessions lack the required country_name of party 2",
        "response_schema_conformance",
        operations=MASKING,
    ),
    Defect(
        "voice_status_code_as_string",
        "Voice v1 POST sends status.code as a string",
        "response_schema_conformance",
        operations=VOICE_V1,
    ),
    Defect(
        "voice_in_progress_as_200",
        "a call in progress is answered HTTP 200 instead of 201",
        "status_code_agrees_with_status_code",
        operations=VOICE_V1,
    ),
    Defect(
        "masking_text_content_type",
        "masking sessions are served as text/plain",
        "content_type_conformance",
        operations=MASKING,
    ),
    Defect("auth_ignored", "accepts requests with missing or wrong credentials", "ignored_auth"),
    Defect(
        "masked_id_is_real_number",
        "party 1's masked id is its own real number",
        "masked_id_differs_from_real_number",
        operations=MASKING,
    ),
    Defect(
        "masked_id_reused",
        "masked ids are handed out without regard to active sessions of the same party",
        "masked_id_serves_one_session_per_party",
        operations=MASKING,
    ),
    Defect(
        "session_end_on_wrong",
        "session_end_on counts validity_period in minutes instead of the account's unit (hours)",
        "session_end_on_is_creation_plus_validity",
        operations=MASKING,
    ),
    Defect(
        "country_fields_wrong",
        "country fields always say US/USA",
        "country_fields_agree_with_number",
        operations=MASKING,
    ),
    Defect(
        "reference_id_reused",
        "every Voice v1 call gets the same reference_id",
        "reference_id_is_unique",
        operations=VOICE_V1,
    ),
    Defect(
        "vts_get_swaps_parties",
        "a VTS session is read back with its parties swapped",
        "get_returns_what_post_created",
        operations=("VtsMaskingSession",),
    ),
    Defect(
        "expired_session_routes",
        "the carrier simulator still routes expired sessions",
        "expired_session_stops_routing",
        operations=MASKING,
    ),
    Defect(
        "callback_retry_schedule_off",
        "failed callbacks are retried after 5 s and 5 s, not 10 s and 30 s",
        "callback_retry_schedule",
        operations=("sendVoiceMessage",),
    ),
    Defect(
        "callback_unsigned", "callbacks and events carry no signature", "callback_signature_valid", operations=CALLBACKS
    ),
    Defect(
        "callback_bad_signature",
        "callbacks and events are signed with the wrong key",
        "callback_signature_valid",
        operations=CALLBACKS,
    ),
    Defect(
        "callback_off_schema",
        "callback payloads lack a required field",
        "webhook_payload_conformance",
        operations=CALLBACKS,
    ),
    Defect(
        "server_error_on_bad_json",
        "a VTS create with a malformed JSON body answers 500",
        "not_a_server_error",
        operations=("createVtsMaskingSession",),
    ),
    Defect(
        "error_body_wrong_shape",
        'TeleSign 400 errors come as {"error": ...} without status and errors',
        "response_schema_conformance",
        operations=MASKING + VOICE_V1,
    ),
    Defect(
        "voice_status_names_other_call",
        "GET /v1/voice/{reference_id} answers with another call's reference_id",
        "read_names_the_requested_resource",
        operations=VOICE_V1,
    ),
    Defect(
        "v2_events_out_of_order",
        "call_completed is posted before play_completed",
        "v2_event_order",
        operations=("controlVoiceCall",),
    ),
)
