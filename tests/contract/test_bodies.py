"""`telecontract.contract.bodies`: the suite's request bodies, from the spec, with a test's fields set."""

from __future__ import annotations

import copy
import functools
from typing import Any

import pytest

from telecontract.contract.bodies import request_body
from telecontract.contract.generation import LOOPBACK_URL, LiveLimits
from telecontract.errors import SpecError
from telecontract.spec import Spec, bundled_spec_path, read_document

X_REF = {"type": "string", "pattern": "^REF-[0-9]{4}$"}
PARTIES = {"phone_number_1": "15555551212", "phone_number_2": "15558675309"}


@functools.cache
def bundled_document() -> dict[str, Any]:
    return read_document(bundled_spec_path())


def edited(change: Any) -> Spec:
    """The bundled spec with `change(schemas)` applied to its component schemas."""
    document = copy.deepcopy(bundled_document())
    change(document["components"]["schemas"])
    return Spec(document)


def requiring(name: str, field: str, schema: dict[str, Any]) -> Any:
    def change(schemas: dict[str, Any]) -> None:
        schemas[name]["properties"][field] = schema
        schemas[name].setdefault("required", []).append(field)

    return change


@pytest.fixture(scope="module")
def bundled() -> Spec:
    return Spec(copy.deepcopy(bundled_document()))


def test_the_bundled_spec_gives_its_example_with_the_fields_set(bundled: Spec) -> None:
    body = request_body(bundled, "createSmsMaskedSession", {"validity_period": 3600})
    assert body == {"phone_number_1": "381555555555", "phone_number_2": "381555555556", "validity_period": 3600}
    # Objects are merged: the example's other params stay.
    dial = request_body(bundled, "controlVoiceCall", {"params": {"to": "15550000204"}})
    assert dial == {
        "jsonrpc": "2.0",
        "method": "dial",
        "params": {"to": "15550000204", "caller_id_number": "15558675309"},
    }


def test_a_required_field_the_example_lacks_is_generated_the_same_every_time() -> None:
    spec = edited(requiring("MaskedSessionRequest", "x_ref", X_REF))
    first = request_body(spec, "createSmsMaskedSession", PARTIES)
    assert first == {**PARTIES, "validity_period": 500, "x_ref": "REF-0000"}
    assert request_body(spec, "createSmsMaskedSession", PARTIES) == first


def test_a_value_the_spec_gives_the_field_comes_first() -> None:
    spec = edited(requiring("MaskedSessionRequest", "x_ref", X_REF | {"examples": ["nope", "REF-2501"]}))
    assert request_body(spec, "createSmsMaskedSession", PARTIES)["x_ref"] == "REF-2501"


def test_a_required_param_is_filled_in_beside_the_ones_set() -> None:
    spec = edited(requiring("DialParams", "x_ref", X_REF))
    body = request_body(spec, "controlVoiceCall", {"params": {"to": "15550000204"}})
    assert body["method"] == "dial"
    assert body["params"] == {"to": "15550000204", "caller_id_number": "15558675309", "x_ref": "REF-0000"}


def test_an_example_value_the_spec_no_longer_allows_is_replaced() -> None:
    def change(schemas: dict[str, Any]) -> None:
        schemas["MaskedSessionRequest"]["properties"]["validity_period"]["maximum"] = 100

    body = request_body(edited(change), "createSmsMaskedSession", PARTIES)
    assert body["validity_period"] == 1  # the example's 500, too long now: the smallest the spec allows


def test_a_link_body_keeps_its_branch_of_a_one_of() -> None:
    spec = edited(requiring("HangupRequest", "x_ref", X_REF))
    hangup = {"jsonrpc": "2.0", "method": "hangup", "params": {"reference_id": "AB" * 16}}
    body = request_body(spec, "controlVoiceCall", hangup, from_example=False)
    assert body == hangup | {"x_ref": "REF-0000"}


def test_a_field_the_test_sets_that_the_spec_refuses_is_an_error_naming_it(bundled: Spec) -> None:
    with pytest.raises(SpecError, match=r"createSmsMaskedSession .*validity_period: 0 is less than the minimum"):
        request_body(bundled, "createSmsMaskedSession", {"validity_period": 0})


def test_urls_and_parties_the_test_does_not_set_keep_to_the_run() -> None:
    url_field = {"type": "string", "format": "uri", "pattern": "^https?://"}
    spec = edited(requiring("VtsSessionUpdateRequest", "callback_url", url_field))
    # The embedded mock: loopback, never a generated host.
    assert request_body(spec, "updateVtsMaskingSession", {"record": True})["callback_url"] == LOOPBACK_URL
    live = LiveLimits(("14155550123", "447700900123"), "http://127.0.0.1:1/receiver", allow_calls=False)
    updated = request_body(spec, "updateVtsMaskingSession", {"record": True}, live=live)
    assert updated["callback_url"] == "http://127.0.0.1:1/receiver/callback_url"
    created = request_body(spec, "createVtsMaskingSession", {"session_expiry": 60}, live=live)
    assert (created["first_party"], created["second_party"]) == ("+14155550123", "+447700900123")
