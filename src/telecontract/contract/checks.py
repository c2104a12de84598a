"""Domain rules a schema cannot state, as schemathesis checks.

Each check is named as a statement about the response and fails with a one-line message; its
source is in `telecontract.contract.rules`. Checks that compare responses across requests
(uniqueness, masked ids across sessions) keep their memory in a `DomainRules` instance, one per
run; what a write promises its answer and later reads is `telecontract.contract.promises`. The
documents' tables (codes, their texts, which HTTP status pairs with which) are
`telecontract.documents`, which the mock answers from too.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from telecontract import phone
from telecontract.contract.exchanges import (
    MASKING_PATHS,
    VOICE_CALL,
    VTS_SESSION,
    is_operation,
    json_body,
    vts_session,
)
from telecontract.contract.failures import NOT_JUDGED, RuleViolation
from telecontract.contract.promises import Promises
from telecontract.contract.rules import TELESIGN_OPENAPI, inferred
from telecontract.contract.times import provider_time
from telecontract.documents import MASKING_400_CODES, STATUS_PAIRS, VOICE_DESCRIPTIONS
from telecontract.redaction import redact_text

# Clock skew between the provider's hosts, and rounding of the printed times.
END_ON_TOLERANCE = timedelta(minutes=5)
MASKING_PAIRS = inferred(
    "the Number Masking pages show 2700 without its HTTP status; 2701-2708 come from " + TELESIGN_OPENAPI
)


def _session_data(case: Any, response: Any) -> dict[str, Any] | None:
    if not is_operation(case, "POST", *MASKING_PATHS) or response.status_code != 200:
        return None
    body = json_body(response)
    data = body.get("session_data") if isinstance(body, dict) else None
    return data if isinstance(data, dict) else None


def _created_and_end(body: Any, data: dict[str, Any]) -> tuple[datetime | None, datetime | None]:
    """A masking session's creation (status.updated_on) and end (session_end_on), read alike."""
    status = body.get("status") if isinstance(body, dict) else None
    created = provider_time(status.get("updated_on")) if isinstance(status, dict) else None
    return created, provider_time(data.get("session_end_on"))


def _parties(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for p in (data.get("phone_number_1"), data.get("phone_number_2")) if isinstance(p, dict)]


def masked_id_differs_from_real_number(ctx: Any, response: Any, case: Any) -> bool | None:
    """A masked id is never a party's real number, and the two masked ids of a session differ."""
    data = _session_data(case, response)
    if data is None:
        return NOT_JUDGED
    parties = _parties(data)
    real = {p.get("complete_phone_number") for p in parties}
    masked = [p.get("masked_id") for p in parties if p.get("masked_id") is not None]
    if real & set(masked):
        raise RuleViolation("masked_id_differs_from_real_number", "a masked_id equals a party's real number")
    if len(masked) != len(set(masked)):
        raise RuleViolation("masked_id_differs_from_real_number", "both parties got the same masked_id")


def country_fields_agree_with_number(ctx: Any, response: Any, case: Any) -> bool | None:
    """country_code, ISO2, ISO3 and name are those of the party's number."""
    data = _session_data(case, response)
    if data is None:
        return NOT_JUDGED
    for party in _parties(data):
        number = party.get("complete_phone_number", "")
        try:
            country = phone.country_of(number)
        except phone.InvalidNumber:
            continue
        claimed = (party.get("country_code"), party.get("country_iso2"), party.get("country_iso3"))
        if claimed != (country.calling_code, country.iso2, country.iso3):
            raise RuleViolation(
                "country_fields_agree_with_number",
                f"{redact_text(number)} is {country.iso2}/{country.iso3} (+{country.calling_code}), "
                f"the response says {claimed[1]}/{claimed[2]} (+{claimed[0]})",
            )


def status_code_agrees_with_status_code(ctx: Any, response: Any, case: Any) -> bool | None:
    """The HTTP status and the body's status.code pair up as the documents map them."""
    body = json_body(response)
    if not isinstance(body, dict) or not isinstance(body.get("status"), dict):
        return NOT_JUDGED
    code = body["status"].get("code")
    expected = STATUS_PAIRS.get((case.method.upper(), case.operation.path), {}).get(response.status_code)
    if case.operation.path in MASKING_PATHS and response.status_code == 400 and code in range(2700, 2800):
        expected = MASKING_400_CODES
    if expected is None:
        return NOT_JUDGED  # the documents pair nothing with this status
    if code not in expected:
        raise RuleViolation(
            "status_code_agrees_with_status_code",
            f"HTTP {response.status_code} came with status.code {code}; the documents pair it with "
            f"{', '.join(map(str, sorted(expected)))}",
            provenance=MASKING_PAIRS if case.operation.path in MASKING_PATHS else None,
        )


def status_description_matches_code(ctx: Any, response: Any, case: Any) -> bool | None:
    """A Voice v1 status.description is the Voice API page's text for its code."""
    if not (is_operation(case, "POST", "/v1/voice") or is_operation(case, "GET", VOICE_CALL)):
        return NOT_JUDGED
    body = json_body(response)
    status = body.get("status") if isinstance(body, dict) else None
    if not isinstance(status, dict) or status.get("code") not in VOICE_DESCRIPTIONS:
        return NOT_JUDGED
    documented = VOICE_DESCRIPTIONS[status["code"]]
    if str(status.get("description", "")).strip().lower() != documented.lower():
        raise RuleViolation(
            "status_description_matches_code",
            f"status {status['code']} came as {status.get('description')!r}; the Voice API page says {documented!r}",
        )


def read_names_the_requested_resource(ctx: Any, response: Any, case: Any) -> bool | None:
    """A read answers for the call or session its path names."""
    body = json_body(response)
    if response.status_code != 200 or not isinstance(body, dict):
        return NOT_JUDGED
    parameters = case.path_parameters or {}
    if is_operation(case, "GET", VOICE_CALL):
        asked, answered = str(parameters.get("reference_id", "")), body.get("reference_id")
    elif is_operation(case, "GET", VTS_SESSION):
        asked, answered = str(parameters.get("session_uuid", "")), vts_session(body).get("session_uuid")
    else:
        return NOT_JUDGED
    if not isinstance(answered, str) or answered.upper() != asked.upper():
        raise RuleViolation(
            "read_names_the_requested_resource", f"{case.operation.label} asked for {asked}, answered for {answered}"
        )


def _fingerprint(response: Any) -> str:
    """What tells two exchanges apart even when Python reuses the memory of a freed response."""
    request = response.request
    digest = hashlib.sha256()
    for part in (request.method, request.url, request.body, sorted(request.headers.items()), response.content):
        digest.update(repr(part).encode())
    return digest.hexdigest()


@dataclass(slots=True)
class _Lease:
    parties: frozenset[str]
    ends: datetime


@dataclass
class DomainRules:
    """Checks that remember earlier responses of the same run."""

    # The target's clock speed: a session's real lifetime is its validity times this.
    time_scale: float = 1.0
    # Seconds per unit of validity_period (hours by default; see --validity-unit).
    validity_seconds: int = 3600
    reference_ids: dict[str, str] = field(default_factory=dict)
    masked_leases: dict[str, list[_Lease]] = field(default_factory=dict)
    promises: Promises = field(init=False)

    def __post_init__(self) -> None:
        self.promises = Promises(validity_seconds=self.validity_seconds)

    def checks(self) -> list[Any]:
        return [
            masked_id_differs_from_real_number,
            country_fields_agree_with_number,
            self.session_end_on_is_creation_plus_validity,
            status_code_agrees_with_status_code,
            status_description_matches_code,
            read_names_the_requested_resource,
            self.reference_id_is_unique,
            self.masked_id_serves_one_session_per_party,
            *self.promises.checks(),
        ]

    def reference_id_is_unique(self, ctx: Any, response: Any, case: Any) -> bool | None:
        """Every created transaction gets a reference_id no other transaction had."""
        if (
            not is_operation(case, "POST", "/v1/voice", "/v2/voice", *MASKING_PATHS)
            or not 200 <= response.status_code < 300
        ):
            return NOT_JUDGED
        body = json_body(response)
        if not isinstance(body, dict) or (case.operation.path == "/v2/voice" and body.get("status") != "dial_accepted"):
            return NOT_JUDGED  # an action on a live call names that call; only a dial creates one
        reference_id = body.get("reference_id")
        if not isinstance(reference_id, str):
            return NOT_JUDGED
        fingerprint = _fingerprint(response)
        seen = self.reference_ids.setdefault(reference_id.upper(), fingerprint)
        if seen != fingerprint:  # the same exchange may be checked twice; another one may not match
            raise RuleViolation("reference_id_is_unique", f"reference_id {reference_id} was already issued")

    def session_end_on_is_creation_plus_validity(self, ctx: Any, response: Any, case: Any) -> bool | None:
        """session_end_on is the creation time (status.updated_on) plus validity, in the account's unit."""
        data = _session_data(case, response)
        if data is None:
            return NOT_JUDGED
        created, ends = _created_and_end(json_body(response), data)
        try:
            validity = int(data["validity"])
        except (KeyError, TypeError, ValueError):
            validity = None
        if created is None or ends is None or validity is None:
            return NOT_JUDGED  # shape problems are the schema check's to report
        due = timedelta(seconds=validity * self.validity_seconds)
        if abs((ends - created) - due) > END_ON_TOLERANCE:
            raise RuleViolation(
                "session_end_on_is_creation_plus_validity",
                f"session_end_on is {ends - created} after creation; validity {validity} in the account's unit "
                f"is {due} (set --validity-unit if the account counts otherwise)",
            )

    def masked_id_serves_one_session_per_party(self, ctx: Any, response: Any, case: Any) -> bool | None:
        """No masked id serves two active sessions that share a party."""
        data = _session_data(case, response)
        if data is None:
            return NOT_JUDGED
        now, ends = _created_and_end(json_body(response), data)
        if now is None or ends is None:
            return NOT_JUDGED
        parties = frozenset(p.get("complete_phone_number") for p in _parties(data))
        ends = now + (ends - now) * self.time_scale  # when the target really frees the ids
        lease = _Lease(parties, ends)
        for party in _parties(data):
            masked = party.get("masked_id")
            if masked is None:
                continue
            holders = [h for h in self.masked_leases.get(masked, []) if h.ends > now]
            # The same response may be checked twice: a lease identical to this one is this session.
            if any(h.parties & parties for h in holders if (h.parties, h.ends) != (parties, ends)):
                raise RuleViolation(
                    "masked_id_serves_one_session_per_party",
                    f"masked_id {redact_text(masked)} already serves an active session with the same party",
                )
            self.masked_leases[masked] = [*holders, lease]
