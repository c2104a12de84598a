"""Every rule the gate can report, with its source: the catalogue behind `telecontract gate --list-rules`.

Rules that judge a response against the spec (status, content type, schema, headers) take their
source from the constraint broken: the spec's `x-provenance`. Every other rule (schemathesis's
behavioural checks, our domain checks, the rules our tests assert) has one source, named here.
Provider pages are cited by title and section, with a short quote.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace

from telecontract.errors import UsageError
from telecontract.findings import Finding, Severity
from telecontract.provenance import Provenance
from telecontract.redaction import redact_text

NUMBER_MASKING = "Get Started with the Number Masking API (TeleSign)"
VOICE_SESSION = "Set up an Anonymous Voice Session (TeleSign)"
VOICE_V1 = "Standard Voice API (TeleSign)"
VOICE_V2 = "Stream Audio and Collect Digits with TeleSign's Voice API"
TELESIGN_OPENAPI = (
    'TeleSign\'s published "Engage API (Number Masking)" definition (api-evangelist/telesign, '
    "openapi/_original/telesign-engage-api-number-masking-openapi.yml, commit 6369d894781cb99011d9455d9a0043c06e40a41e)"
)
MUST_SIGN = "you must digitally sign your request message with valid credentials"
PLIVO = (
    "the plivo SDK, VTS being Plivo-compatible (plivo/plivo-python, plivo/resources/maskingsession.py and "
    "tests/resources/test_maskingsessions.py, commit a0cd3237d2ce1dc46434572997f9ccf380502af0)"
)
TELESIGN_CALLBACK_AUTH = (
    "Authenticate callbacks (TeleSign), https://developer.telesign.com/enterprise/docs/authenticate-callbacks"
)
TELESIGN_CALLBACK_SERVICE = "Transaction Callback Service (TeleSign), https://developer.telesign.com/enterprise/docs/transaction-callback-service"
# VTS publishes no callback signature; it is Plivo-compatible, and Plivo's SDK says how Plivo signs.
PLIVO_V3 = "VTS: Plivo's V3 signature, plivo/plivo-python plivo/utils/signature_v3.py (validate_v3_signature)"
SET_UP_CALLBACKS = VOICE_V1 + ", Set up the Transaction Callback Service"
VTS_PAGE = "Create a masking session (VTS)"
PLIVO_UPDATE = (
    "Plivo's API reference, Update a number masking session, "
    "https://www.plivo.com/docs/number-masking/api/session-object/update-a-number-masking-session/"
)
PLIVO_EXPIRE = (
    "Plivo's API reference, Expire a number masking session, "
    "https://plivo.com/docs/number-masking/api/session-object/expire-a-number-masking-session"
)


def documented(page: str, quote: str) -> Provenance:
    return Provenance("documented", f'{page}: "{quote}"')


def reference(name: str) -> Provenance:
    return Provenance("provider-reference", name)


def inferred(why: str) -> Provenance:
    return Provenance("inferred", why)


# Sources of findings about TeleSign masking sessions, for rules whose own source is the VTS one.
MASKING_PARTIES = documented(
    NUMBER_MASKING + ", Example",
    '"phone_number_1": "381555555555" ... "phone_number_1": {"complete_phone_number": "381555555555"',
)
MASKING_LIFETIME = documented(
    VOICE_SESSION + ", Example 1",
    '"validity_period": 500 ... "session_end_on": "2018-03-05 10:59:13.761245" ... "validity": 500',
)


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    summary: str
    # None: the rule judges against the spec, and each constraint carries its own x-provenance.
    provenance: Provenance | None
    # None: error when sourced, warning when inferred.
    severity: Severity | None = None

    def severity_for(self, provenance: Provenance) -> Severity:
        if self.severity is not None:
            return self.severity
        return "error" if provenance.sourced else "warning"


def _catalogue(*rules: Rule) -> dict[str, Rule]:
    return {rule.name: rule for rule in rules}


RULES = _catalogue(
    # ---- judged against the spec: the source is the broken constraint's x-provenance ----------
    Rule("status_code_conformance", "the HTTP status is one the spec declares for the operation", None),
    Rule("content_type_conformance", "the Content-Type is one the spec declares for that status", None),
    Rule("response_schema_conformance", "the body matches the schema the spec declares for that status", None),
    Rule("response_headers_conformance", "headers the spec declares required are present and valid", None),
    # ---- schemathesis's behavioural checks ------------------------------------------------------
    Rule(
        "not_a_server_error",
        "no request, however malformed, is answered with a 5xx",
        reference(TELESIGN_OPENAPI + ": bad or missing parameters are answered 400; " + PLIVO + ": 400 on bad input"),
    ),
    Rule(
        "ignored_auth",
        "an operation that declares auth refuses a request without valid credentials",
        documented(VOICE_V1 + ", Authentication", MUST_SIGN),
    ),
    Rule(
        "negative_data_rejection",
        "a request the spec forbids is refused with a 4xx",
        inferred("the documents list parameters and limits but do not promise that every violation is refused"),
    ),
    Rule(
        "positive_data_acceptance",
        "a request the spec allows is accepted",
        inferred("valid requests may still be refused for account state: 2702 no masked id, 2706/2707 blocked"),
    ),
    Rule(
        "missing_required_header",
        "a request without a required header is refused",
        inferred("no document says how a missing header is answered"),
    ),
    Rule(
        "unsupported_method",
        "a method the spec does not declare for a path is answered 405",
        inferred("only the Voice API page lists its methods; 405 for the others is HTTP practice"),
    ),
    Rule(
        "use_after_free",
        "a deleted resource is gone",
        reference(PLIVO + ", Delete a masking session"),
    ),
    Rule(
        "ensure_resource_availability",
        "a created resource can be read at once",
        reference(PLIVO + ", Retrieve a masking session"),
    ),
    Rule(
        "allow_header_conformance",
        "a 405 names the allowed methods in Allow",
        inferred("HTTP requires it; no provider page states how a wrong method is answered"),
    ),
    Rule(
        "object_level_authorization",
        "one account cannot read another's resources",
        reference(PLIVO + ": the auth_id in the path must be the authenticated account"),
    ),
    Rule("max_response_time", "answers come within the configured time", inferred("a setting of the run, not the API")),
    # ---- our domain checks ----------------------------------------------------------------------
    Rule(
        "masked_id_differs_from_real_number",
        "a masked id is never a party's real number, and a session's two masked ids differ",
        documented(NUMBER_MASKING, "without either party disclosing their phone numbers"),
    ),
    Rule(
        "country_fields_agree_with_number",
        "country_code, ISO2, ISO3 and name are those of the party's number",
        documented(NUMBER_MASKING + ", Example", '"complete_phone_number": "381555555555", "country_code": "381"'),
    ),
    Rule(
        "session_end_on_is_creation_plus_validity",
        "session_end_on is the creation time plus validity_period, in the account's unit (hours by default)",
        documented(
            VOICE_SESSION + ", Example 1",
            '"validity_period": 500 ... "session_end_on": "2018-03-05 10:59:13.761245" ... '
            '"updated_on": "2018-02-12T14:57:11.765723Z" (500 hours apart)',
        ),
    ),
    Rule(
        "status_code_agrees_with_status_code",
        "the HTTP status and the body's status.code pair up as the documents map them",
        documented(VOICE_V1 + ", Success Status Codes for /v1/voice", "201 103 Call in progress"),
    ),
    Rule(
        "status_description_matches_code",
        "a Voice v1 status.description is the text the documents give its code",
        documented(VOICE_V1 + ", Success Status Codes", "107 Line busy"),
        severity="warning",  # providers reword descriptions; clients are told to code against codes
    ),
    Rule(
        "reference_id_is_unique",
        "every created transaction gets a reference_id no other transaction had",
        documented(VOICE_V1 + ", Response Parameters", "The value is unique to each web service request"),
    ),
    Rule(
        "read_names_the_requested_resource",
        "a read answers for the call or session its path names",
        documented(VOICE_V1 + ", GET", "sending a GET request containing the reference id for the message you sent"),
    ),
    Rule(
        "get_returns_what_post_created",
        "a VTS session read back (get or list) has the parties, number and settings its create set",
        reference(PLIVO + ", Retrieve a masking session"),
    ),
    # ---- promises across requests (contract.promises) ---------------------------------------------
    Rule(
        "answer_honours_the_request",
        "a create's or update's answer carries the values its request set: parties, limits, settings",
        Provenance(
            "documented",
            f'{VTS_PAGE}: the curl example sends "first_party": "+14155552345", "second_party": "+12165554567" '
            f'and the response example answers the same parties; {PLIVO_UPDATE}: "This method modifies an '
            f'existing session" (its example answers the values sent); Number Masking: {MASKING_PARTIES.citation}',
        ),
    ),
    Rule(
        "session_lasts_as_long_as_asked",
        "a session ends when its request asked: validity_period in the account's unit (masking), "
        "session_expiry seconds from the create or the update that set it (VTS), in the answer and every read",
        reference(
            f'{PLIVO_UPDATE}: session_expiry is the "Time in seconds after which the session mapping will expire"; '
            f"{PLIVO}, maskingSessionUpdateResponse.json: modified_time 10:53:45.106122, expiry_time 11:03:45.106117; "
            f"Number Masking: {MASKING_LIFETIME.citation}"
        ),
    ),
    Rule(
        "read_shows_the_update",
        "after an update, every read of the session (get and list) shows the values it set",
        reference(f'{PLIVO_UPDATE}: "This method modifies an existing session"'),
    ),
    Rule(
        "deleted_session_is_gone",
        "after a delete, reads answer 404 (or the session marked expired), the list shows it as nothing else, "
        "and its virtual number routes nothing",
        reference(
            f'{PLIVO_EXPIRE}: "This method terminates an ongoing session and marks it as expired"; '
            f'{PLIVO_UPDATE}: "Calls made to the virtual phone number after the session expiry are not forwarded"'
        ),
    ),
    Rule(
        "masked_id_serves_one_session_per_party",
        "no masked id serves two active sessions that share a party",
        inferred("routing by masked id needs it (a caller would reach two sessions); no document states it"),
    ),
    # ---- rules our tests assert -----------------------------------------------------------------
    Rule(
        "auth_is_enforced",
        "unsigned, wrongly signed, stale, replayed and unknown-customer requests are refused with 401",
        documented(VOICE_V1 + ", Authentication", MUST_SIGN),
    ),
    Rule(
        "expired_session_stops_routing",
        "a session past its end routes nothing",
        inferred("the documents give a session an end (session_end_on) but do not say what routing does after it"),
    ),
    Rule(
        "callback_delivered",
        "a call with a callback_url gets its result posted there",
        documented(VOICE_V1 + ", Transaction Callback", "TeleSign posts the results of your transactions"),
    ),
    Rule(
        "callback_retry_schedule",
        "a failed callback is retried after 10 s, then after another 30 s",
        documented(
            VOICE_V1 + ", Set up the Transaction Callback Service",
            "the TeleSign server waits 10 seconds, then tries again ... waits an additional 30 seconds",
        ),
    ),
    Rule(
        "callback_signature_valid",
        "callbacks are signed with the account's key: TeleSign's in both Authorization and X-TS-Authorization "
        "(HMAC-SHA256 of the body), VTS's as Plivo's V3 signature",
        Provenance(
            "documented",
            f'{TELESIGN_CALLBACK_AUTH}: "Save the value of one of two headers from the request from Telesign '
            f'(both are always included)" ... "this signature only includes the body of the message"; {PLIVO_V3}',
        ),
    ),
    Rule(
        "webhook_payload_conformance",
        "callback payloads match the spec's webhooks",
        inferred("the documents show no callback payloads; the shapes follow each provider's response envelope"),
    ),
    Rule(
        "v2_event_order",
        "a call's events come as dial_completed, play_completed, call_completed",
        inferred("the Voice v2 page shows dial_completed then play_completed; call_completed is not documented"),
    ),
    # ---- the receiver gate: the team's own webhook endpoint (telecontract gate --receiver-url) ----
    Rule(
        "receiver_acknowledges_callback",
        "a signed callback that the spec allows is acknowledged with a 2xx (never a 5xx, however unusual)",
        documented(
            VOICE_V1 + ", Set up the Transaction Callback Service",
            "If TeleSign is unable to deliver your callback notification on the first attempt ... tries again",
        ),
    ),
    Rule(
        "receiver_acknowledges_redelivery",
        "the same callback delivered again is acknowledged again (the provider retries what it thinks failed)",
        documented(
            VOICE_V1 + ", Set up the Transaction Callback Service",
            "the TeleSign server waits 10 seconds, then tries again",
        ),
    ),
    Rule(
        "receiver_answers_with_valid_action",
        "a Voice v2 event that asks for the next action is answered with a valid action, or an empty body",
        documented(
            VOICE_V2 + ", step 2",
            "respond to the answered event with a request for the action of playing a message and collecting digits",
        ),
    ),
    Rule(
        "receiver_refuses_forged_callback",
        "an unsigned, wrongly signed or tampered callback is refused with 401 or 403 (a security finding; "
        "a team that authenticates callbacks otherwise lowers it with --warn-on-rule)",
        Provenance(
            "documented",
            f'{TELESIGN_CALLBACK_SERVICE}: "Authentication: Authentication is optional, but recommended. See '
            f'Authenticate callbacks for more details."; {TELESIGN_CALLBACK_AUTH}: "Telesign signs all of its '
            f'requests to your Transaction Callback Service"; {PLIVO_V3}',
        ),
    ),
    Rule(
        "receiver_answers_in_time",
        "every callback is answered within the provider's timeout (--receiver-timeout, default 5 s: no page "
        "states the provider's wait, so the figure is our inference); a later answer is a failed delivery",
        documented(
            SET_UP_CALLBACKS,
            "If TeleSign is unable to deliver your callback notification on the first attempt, the TeleSign "
            "server waits 10 seconds, then tries again",
        ),
    ),
)


def rule(name: str) -> Rule:
    """The rule called `name`. A schemathesis check we do not list yet judges against the spec."""
    return RULES.get(name) or Rule(name, "a schemathesis check", None)


def finding(
    name: str,
    message: str,
    *,
    provenance: Provenance | None = None,
    operation: str = "",
    severity: Severity | None = None,
) -> Finding:
    """A finding of rule `name`.

    `provenance` is the broken constraint's, for rules judged by the spec; `severity` overrides
    the rule's own (a tolerated deviation from a documented rule is a warning).
    """
    known = rule(name)
    found = provenance or known.provenance
    if found is None:  # a spec rule whose constraint could not be located: judge it as written
        found = Provenance("documented", "the spec (constraint not located)")
    weight = severity or known.severity_for(found)
    # Findings end up in reports and logs: phone numbers in a message are masked here, once.
    return Finding(name, found.source, weight, redact_text(message), found.citation, operation)


def promoted(found: Finding, fail_on: Collection[str], warn_on: Collection[str] = ()) -> Finding:
    """A finding weighed as the team chose, per rule: --fail-on-rule makes a warning an error,
    --warn-on-rule an error a warning (for a team that meets the rule another way)."""
    if found.rule in fail_on and found.severity == "warning":
        return replace(found, severity="error")
    if found.rule in warn_on and found.severity == "error":
        return replace(found, severity="warning")
    return found


def check_rule_names(names: Iterable[str], flag: str = "--fail-on-rule") -> tuple[str, ...]:
    """Rule names given to `flag`: each a rule of the gate, else a usage error that lists them."""
    names = tuple(names)
    unknown = [name for name in names if name not in RULES]
    if unknown:
        raise UsageError(f"{flag} {unknown[0]}: no such rule.", hint="telecontract gate --list-rules lists every rule.")
    return names


def check_rule_levels(fail_on: Iterable[str], warn_on: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """--fail-on-rule and --warn-on-rule names, checked; one rule cannot be both raised and lowered."""
    raised, lowered = check_rule_names(fail_on), check_rule_names(warn_on, "--warn-on-rule")
    if both := sorted(set(raised) & set(lowered)):
        raise UsageError(
            f"{both[0]} is named by both --fail-on-rule and --warn-on-rule.", hint="Name each rule with one of them."
        )
    return raised, lowered
