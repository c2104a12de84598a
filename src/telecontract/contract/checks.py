"""Domain rules a schema cannot state, as schemathesis checks.

Each check is named as a statement about the response and fails with a one-line message. Checks
that compare responses across requests (uniqueness, "GET returns what POST created") keep their
memory in a `DomainRules` instance, one per run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from telecontract import phone
from telecontract.contract.failures import RuleViolation
from telecontract.redaction import redact_text

MASKING_PATHS = ("/v1/anonymous/session/sms", "/v1/anonymous/session/sms_voice")
VTS_SESSION = "/v1/Account/{auth_id}/Masking/Session/{session_uuid}/"
VTS_SESSIONS = "/v1/Account/{auth_id}/Masking/Session/"
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
    return case.method.upper() == method and case.operation.path in paths


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


def session_end_on_is_creation_plus_validity(ctx: Any, response: Any, case: Any) -> None:
    """session_end_on equals the creation time (status.updated_on) plus the validity period."""
    data = _session_data(case, response)
    if data is None:
        return
    body = _json(response)
    try:
        created = datetime.strptime(body["status"]["updated_on"], "%Y-%m-%dT%H:%M:%S.%fZ")
        ends = datetime.strptime(data["session_end_on"], "%Y-%m-%d %H:%M:%S.%f")
        validity = int(data["validity"])
    except (KeyError, TypeError, ValueError):
        return  # shape problems are the schema check's to report
    drift = abs((ends - created) - timedelta(seconds=validity))
    if drift > timedelta(seconds=1):
        raise RuleViolation(
            "session_end_on_is_creation_plus_validity",
            f"session_end_on is {ends - created} after creation, validity is {validity} s",
        )


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
        )


@dataclass(slots=True)
class _Lease:
    parties: frozenset[str]
    ends: datetime


@dataclass
class DomainRules:
    """Checks that remember earlier responses of the same run."""

    # The target's clock speed: a session's real lifetime is its validity times this.
    time_scale: float = 1.0
    reference_ids: dict[str, int] = field(default_factory=dict)
    created_vts: dict[str, dict[str, Any]] = field(default_factory=dict)
    masked_leases: dict[str, list[_Lease]] = field(default_factory=dict)

    def checks(self) -> list[Any]:
        return [
            masked_id_differs_from_real_number,
            country_fields_agree_with_number,
            session_end_on_is_creation_plus_validity,
            status_code_agrees_with_status_code,
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
        seen = self.reference_ids.setdefault(reference_id.upper(), id(response))
        if seen != id(response):  # the same response may be checked twice; another one may not match
            raise RuleViolation("reference_id_is_unique", f"reference_id {reference_id} was already issued")

    def get_returns_what_post_created(self, ctx: Any, response: Any, case: Any) -> None:
        """A VTS session read back has the parties and number it was created with."""
        body = _json(response)
        if not isinstance(body, dict) or response.status_code != 200:
            return
        if _is(case, "POST", VTS_SESSIONS) and isinstance(body.get("session_uuid"), str):
            self.created_vts[body["session_uuid"]] = {
                k: body.get(k) for k in ("first_party", "second_party", "virtual_number")
            }
        elif _is(case, "GET", VTS_SESSION):
            created = self.created_vts.get(str(body.get("session_uuid")))
            if created is None:
                return
            differing = sorted(k for k, v in created.items() if body.get(k) != v)
            if differing:
                raise RuleViolation(
                    "get_returns_what_post_created",
                    f"session {body['session_uuid']} read back with different {', '.join(differing)}",
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
