"""TeleSign Number Masking: POST /v1/anonymous/session/sms and /sms_voice."""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from telecontract import documents as codes
from telecontract import phone
from telecontract.mock.pools import Lease, NumberPool
from telecontract.mock.requests import media_type, parse_json, telesign_refused, validation_error
from telecontract.mock.responses import JSON, telesign_error, utc_text
from telecontract.mock.responses import reference_id as new_reference_id
from telecontract.mock.state import MaskedSession, MockState

OPERATION_IDS = {"sms": "createSmsMaskedSession", "sms_voice": "createSmsVoiceMaskedSession"}


async def create_session(request: Request) -> Response:
    state: MockState = request.app.state.mock
    raw = await request.body()
    if refusal := telesign_refused(request, state, raw):
        return refusal
    resource = request.path_params["resource"]
    if resource not in OPERATION_IDS:
        return telesign_error(400, codes.INVALID_SESSION_TYPE, f"Invalid session type: {resource!r}")
    if media_type(request) != "application/json":
        return _bad(f"Content-Type must be application/json, not {media_type(request) or 'missing'}")
    try:
        body = parse_json(raw)
    except ValueError:
        return _bad("Request body is not valid JSON")
    if not isinstance(body, dict):
        return _bad("Request body must be a JSON object")
    validity = _whole_number(body.get("validity_period"))
    if "validity_period" in body and (validity is None or validity < 1):
        return telesign_error(400, codes.BAD_VALIDITY, "validity_period must be an integer greater than 0")
    if invalid := validation_error(state, OPERATION_IDS[resource], "application/json", body):
        return _bad(f"Invalid value for {invalid.field}: {invalid.message}")
    first, second = body["phone_number_1"], body["phone_number_2"]
    if first == second:
        return telesign_error(400, codes.SAME_NUMBERS, "phone_number_1 and phone_number_2 must differ")
    for number in (first, second):
        if number in state.config.provider_blocklist:
            return telesign_error(400, codes.BLOCKED_BY_PROVIDER, "Phone number blocked by TeleSign")
        if number in state.config.customer_blocklist:
            return telesign_error(400, codes.BLOCKED_BY_CUSTOMER, "Phone number blocked by the customer")
    try:
        countries = (phone.country_of(first), phone.country_of(second))
    except phone.InvalidNumber as exc:
        return _bad(f"Invalid phone number: {exc}")
    return _open_session(state, resource, (first, second), countries, validity or 0)


def _open_session(
    state: MockState,
    resource: str,
    parties: tuple[str, str],
    countries: tuple[phone.Country, phone.Country],
    validity: int,
) -> Response:
    now = state.now()
    if state.config.has("masking_session_outlives_validity"):  # twice what was asked, and says so
        validity *= 2
    pools = state.sms_pools if resource == "sms" else state.dual_pools
    lifetime = validity * state.config.validity_seconds  # validity_period counts in the account's unit
    lease = Lease(frozenset(parties), now + state.scaled(lifetime))
    masked: list[str] = []
    other_country = False
    for country in countries:
        number, foreign = _allocate(pools, country.iso2, lease, frozenset(masked), now)
        if number is None:
            _release(lease)
            return telesign_error(400, codes.NO_MASKED_ID, "No masked id available")
        masked.append(number)
        other_country |= foreign
    if state.config.has("masked_id_reused"):  # the first two numbers, whoever holds them
        masked = [
            n for n in pools[countries[0].iso2 if countries[0].iso2 in pools else "US"].numbers[:3] if n not in parties
        ][:2]
    reference_id = new_reference_id()
    state.note_created(now)
    state.masked_sessions[reference_id] = MaskedSession(reference_id, resource, parties, (masked[0], masked[1]), lease)
    state.keep(state.masked_sessions, reference_id, lease.expires_at)
    created = time.time()
    code = codes.SESSION_CREATED_OTHER_COUNTRY if other_country else codes.SESSION_CREATED
    description = (
        "Session created with a masked id from another country" if other_country else "Session successfully created"
    )
    end_on = created + lifetime
    if state.config.has("session_end_on_wrong"):  # another unit than the account's
        end_on = created + (60 * validity if lifetime != 60 * validity else validity)
    body: dict[str, Any] = {
        "reference_id": reference_id,
        "external_id": None,
        "error": None,
        "session_data": {
            "message": "",
            "phone_number_1": party(parties[0], countries[0], masked[0]),
            "phone_number_2": party(parties[1], countries[1], masked[1]),
            "resource": resource,
            "session_end_on": utc_text(end_on, " ", ""),
            "validity": validity,
        },
        "status": {"code": code, "description": description, "updated_on": utc_text(created)},
    }
    _apply_defects(state, body)
    if state.config.has("masking_text_content_type"):
        return JSON(body, media_type="text/plain")
    return JSON(body)


def _apply_defects(state: MockState, body: dict[str, Any]) -> None:
    data = body["session_data"]
    if state.config.has("masking_missing_field"):
        del data["phone_number_2"]["country_name"]
    if state.config.has("masked_id_is_real_number"):
        data["phone_number_1"]["masked_id"] = data["phone_number_1"]["complete_phone_number"]
    if state.config.has("country_fields_wrong"):
        for party in (data["phone_number_1"], data["phone_number_2"]):
            party.update(country_code="1", country_iso2="US", country_iso3="USA", country_name="United States")


def _allocate(
    pools: dict[str, NumberPool], iso2: str, lease: Lease, exclude: frozenset[str], now: float
) -> tuple[str | None, bool]:
    """A masked id from the party's own country, else from any other (the 2701 case)."""
    home = pools.get(iso2)
    if home is not None and (number := home.allocate(lease, exclude=exclude, now=now)):
        return number, False
    for country, pool in pools.items():
        if country != iso2 and (number := pool.allocate(lease, exclude=exclude, now=now)):
            return number, True
    return None, False


def _whole_number(value: object) -> int | None:
    """JSON has one number type: 500.0 is the integer 500, as JSON Schema says."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value) if value == int(value) else None


def _release(lease: Lease) -> None:
    lease.release()  # frees the number already taken for the first party


def party(number: str, country: phone.Country, masked_id: str | None) -> dict[str, Any]:
    return {
        "complete_phone_number": number,
        "country_code": country.calling_code,
        "country_iso2": country.iso2,
        "country_iso3": country.iso3,
        "country_name": country.name,
        "masked_id": masked_id,
    }


def _bad(description: str) -> Response:
    return telesign_error(400, codes.INVALID_PARAMETER, description)
