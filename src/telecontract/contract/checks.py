"""Domain rules a schema cannot state, as schemathesis checks.

Each check is named as a statement about the response and fails with a one-line message; its
source is in `telecontract.contract.rules`. Checks that compare responses across requests
(uniqueness, "GET returns what POST created") keep their memory in a `DomainRules` instance, one
per run.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from telecontract import phone
from telecontract.contract.failures import RuleViolation
from telecontract.contract.rules import TELESIGN_OPENAPI, inferred
from telecontract.mock.codes import VOICE_DESCRIPTIONS  # the Voice API page's text for each code
from telecontract.redaction import redact_text

MASKING_PATHS = ("/v1/anonymous/session/sms", "/v1/anonymous/session/sms_voice")
# VTS paths with or without their trailing slash (the VTS page writes none, the Plivo SDK one).
VTS_SESSION = "/v1/Account/{auth_id}/Masking/Session/{session_uuid}"
VTS_SESSIONS = "/v1/Account/{auth_id}/Masking/Session"
VOICE_CALL = "/v1/voice/{reference_id}"
# Clock skew between the provider's hosts, and rounding of the printed times.
END_ON_TOLERANCE = timedelta(minutes=5)
MASKING_PAIRS = inferred(
    "the Number Masking pages show 2700 without its HTTP status; 2701-2708 come from " + TELESIGN_OPENAPI
)
# HTTP status -> the status.code values the documents pair with it, per operation.
STATUS_CODE_MAP: dict[tuple[str, str], dict[int, frozenset[int]]] = {
    ("POST", "/v1/voice"): {201: frozenset({103}), 200: frozenset({104, 130})},
    ("POST", "/v1/anonymous/session/sms"): {200: frozenset({2700, 2701}), 503: frozenset({2704})},
    ("POST", "/v1/anonymous/session/sms_voice"): {200: frozenset({2700, 2701}), 503: frozenset({2704})},
}
MASKING_400_CODES = frozenset({2702, 2703, 2705, 2706, 2707, 2708})


def _json(response: Any) -> Any:
    if not response.headers.get("content-type", [""])[0].startswith("application/json"):
        return None
    try:
        return response.json()
    except ValueError:
        return None


def _is(case: Any, method: str, *paths: str) -> bool:
    return case.method.upper() == method and case.operation.path.rstrip("/") in paths


def _session_data(case: Any, response: Any) -> dict[str, Any] | None:
    if not _is(case, "POST", *MASKING_PATHS) or response.status_code != 200:
        return None
    body = _json(response)
    data = body.get("session_data") if isinstance(body, dict) else None
    return data if isinstance(data, dict) else None


def _parties(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for p in (data.get("phone_number_1"), data.get("phone_number_2")) if isinstance(p, dict)]


def masked_id_differs_from_real_number(ctx: Any, response: Any, case: Any) -> None:
    """A masked id is never a party's real number, and the two masked ids of a session differ."""
    data = _session_data(case, response)
    if data is None:
        return
    parties = _parties(data)
    real = {p.get("complete_phone_number") for p in parties}
    masked = [p.get("masked_id") for p in parties if p.get("masked_id") is not None]
    if real & set(masked):
        raise RuleViolation("masked_id_differs_from_real_number", "a masked_id equals a party's real number")
    if len(masked) != len(set(masked)):
        raise RuleViolation("masked_id_differs_from_real_number", "both parties got the same masked_id")


def country_fields_agree_with_number(ctx: Any, response: Any, case: Any) -> None:
    """country_code, ISO2, ISO3 and name are those of the party's number."""
    data = _session_data(case, response)
    if data is None:
        return
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


def _timestamp(text: Any, *formats: str) -> datetime:
    for form in formats:
        try:
            return datetime.strptime(str(text), form)
        except ValueError:
            continue
    raise ValueError(text)


def status_code_agrees_with_status_code(ctx: Any, response: Any, case: Any) -> None:
    """The HTTP status and the body's status.code pair up as the documents map them."""
    body = _json(response)
    if not isinstance(body, dict) or not isinstance(body.get("status"), dict):
        return
    code = body["status"].get("code")
    expected = STATUS_CODE_MAP.get((case.method.upper(), case.operation.path), {}).get(response.status_code)
    if case.operation.path in MASKING_PATHS and response.status_code == 400 and code in range(2700, 2800):
        expected = MASKING_400_CODES
    if expected is not None and code not in expected:
        raise RuleViolation(
            "status_code_agrees_with_status_code",
            f"HTTP {response.status_code} came with status.code {code}; the documents pair it with "
            f"{', '.join(map(str, sorted(expected)))}",
            provenance=MASKING_PAIRS if case.operation.path in MASKING_PATHS else None,
        )


def status_description_matches_code(ctx: Any, response: Any, case: Any) -> None:
    """A Voice v1 status.description is the Voice API page's text for its code."""
    if not (_is(case, "POST", "/v1/voice") or _is(case, "GET", VOICE_CALL)):
        return
    body = _json(response)
    status = body.get("status") if isinstance(body, dict) else None
    if not isinstance(status, dict) or status.get("code") not in VOICE_DESCRIPTIONS:
        return
    documented = VOICE_DESCRIPTIONS[status["code"]]
    if str(status.get("description", "")).strip().lower() != documented.lower():
        raise RuleViolation(
            "status_description_matches_code",
            f"status {status['code']} came as {status.get('description')!r}; the Voice API page says {documented!r}",
        )


def read_names_the_requested_resource(ctx: Any, response: Any, case: Any) -> None:
    """A read answers for the call or session its path names."""
    body = _json(response)
    if response.status_code != 200 or not isinstance(body, dict):
        return
    parameters = case.path_parameters or {}
    if _is(case, "GET", VOICE_CALL):
        asked, answered = str(parameters.get("reference_id", "")), body.get("reference_id")
    elif _is(case, "GET", VTS_SESSION):
        asked, answered = str(parameters.get("session_uuid", "")), vts_session(body).get("session_uuid")
    else:
        return
    if not isinstance(answered, str) or answered.upper() != asked.upper():
        raise RuleViolation(
            "read_names_the_requested_resource", f"{case.operation.label} asked for {asked}, answered for {answered}"
        )


def vts_session(body: dict[str, Any]) -> dict[str, Any]:
    """The session of a VTS answer: flat (the VTS page) or wrapped (`response` / `session`, Plivo's form)."""
    for wrapper in ("response", "session"):
        inner = body.get(wrapper)
        if isinstance(inner, dict) and "session_uuid" in inner:
            return inner
    return body


def _digits(number: Any) -> Any:
    """A number as digits: the Plivo-compatible forms write the same number with and without `+`."""
    return number.lstrip("+") if isinstance(number, str) else number


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
    created_vts: dict[str, dict[str, Any]] = field(default_factory=dict)
    masked_leases: dict[str, list[_Lease]] = field(default_factory=dict)

    def checks(self) -> list[Any]:
        return [
            masked_id_differs_from_real_number,
            country_fields_agree_with_number,
            self.session_end_on_is_creation_plus_validity,
            status_code_agrees_with_status_code,
            status_description_matches_code,
            read_names_the_requested_resource,
            self.reference_id_is_unique,
            self.get_returns_what_post_created,
            self.masked_id_serves_one_session_per_party,
        ]

    def reference_id_is_unique(self, ctx: Any, response: Any, case: Any) -> None:
        """Every created transaction gets a reference_id no other transaction had."""
        if not _is(case, "POST", "/v1/voice", "/v2/voice", *MASKING_PATHS) or not 200 <= response.status_code < 300:
            return
        body = _json(response)
        if not isinstance(body, dict) or (case.operation.path == "/v2/voice" and body.get("status") != "dial_accepted"):
            return  # an action on a live call names that call; only a dial creates one
        reference_id = body.get("reference_id")
        if not isinstance(reference_id, str):
            return
        fingerprint = _fingerprint(response)
        seen = self.reference_ids.setdefault(reference_id.upper(), fingerprint)
        if seen != fingerprint:  # the same exchange may be checked twice; another one may not match
            raise RuleViolation("reference_id_is_unique", f"reference_id {reference_id} was already issued")

    def session_end_on_is_creation_plus_validity(self, ctx: Any, response: Any, case: Any) -> None:
        """session_end_on is the creation time (status.updated_on) plus validity, in the account's unit."""
        data = _session_data(case, response)
        if data is None:
            return
        body = _json(response)
        try:
            created = _timestamp(body["status"]["updated_on"], "%Y-%m-%dT%H:%M:%S.%fZ", "%Y-%m-%dT%H:%M:%SZ")
            ends = _timestamp(data["session_end_on"], "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S")
            validity = int(data["validity"])
        except (KeyError, TypeError, ValueError):
            return  # shape problems are the schema check's to report
        due = timedelta(seconds=validity * self.validity_seconds)
        if abs((ends - created) - due) > END_ON_TOLERANCE:
            raise RuleViolation(
                "session_end_on_is_creation_plus_validity",
                f"session_end_on is {ends - created} after creation; validity {validity} in the account's unit "
                f"is {due} (set --validity-unit if the account counts otherwise)",
            )

    def get_returns_what_post_created(self, ctx: Any, response: Any, case: Any) -> None:
        """A VTS session read back has the parties and number it was created with."""
        body = _json(response)
        if not isinstance(body, dict) or response.status_code not in (200, 201):
            return
        session = vts_session(body)
        if _is(case, "POST", VTS_SESSIONS) and isinstance(session.get("session_uuid"), str):
            self.created_vts[session["session_uuid"]] = {
                k: _digits(session.get(k)) for k in ("first_party", "second_party", "virtual_number")
            }
        elif _is(case, "GET", VTS_SESSION):
            created = self.created_vts.get(str(session.get("session_uuid")))
            if created is None:
                return
            differing = sorted(k for k, v in created.items() if _digits(session.get(k)) != v)
            if differing:
                raise RuleViolation(
                    "get_returns_what_post_created",
                    f"session {session['session_uuid']} read back with different {', '.join(differing)}",
                )

    def masked_id_serves_one_session_per_party(self, ctx: Any, response: Any, case: Any) -> None:
        """No masked id serves two active sessions that share a party."""
        data = _session_data(case, response)
        body = _json(response)
        if data is None:
            return
        try:
            now = datetime.strptime(body["status"]["updated_on"], "%Y-%m-%dT%H:%M:%S.%fZ")
            ends = datetime.strptime(data["session_end_on"], "%Y-%m-%d %H:%M:%S.%f")
        except (KeyError, TypeError, ValueError):
            return
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
