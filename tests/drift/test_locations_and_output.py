"""Drift findings as a newcomer reads them: locations that resolve, numbers as the spec writes them,
every Markdown cell filled, an example for every rule."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from click.testing import CliRunner

from telecontract.cli import cli
from telecontract.drift import output, traffic
from telecontract.drift.spec_diff import diff
from telecontract.errors import SpecError
from telecontract.spec import Spec, load_spec

BASE = load_spec().document
Edit = Callable[[dict[str, Any]], None]


def edited(edit: Edit) -> Spec:
    document = copy.deepcopy(BASE)
    edit(document)
    return Spec(document)


def schemas(document: dict[str, Any]) -> dict[str, Any]:
    return document["components"]["schemas"]


def narrow_validity(d: dict[str, Any]) -> None:
    schemas(d)["MaskedSessionRequest"]["properties"]["validity_period"]["maximum"] = 2_000_000


def drop_a_response_field(d: dict[str, Any]) -> None:
    schemas(d)["MaskedSessionResponse"]["required"].remove("status")
    del schemas(d)["MaskedSessionResponse"]["properties"]["status"]


def require_inside_a_branch(d: dict[str, Any]) -> None:
    schemas(d)["DialParams"]["required"].append("send_dtmf")


def drop_a_status(d: dict[str, Any]) -> None:
    del d["paths"]["/v1/voice"]["post"]["responses"]["413"]


EDITS = [narrow_validity, drop_a_response_field, require_inside_a_branch, drop_a_status]


def resolves(spec: Spec, pointer: str) -> bool:
    try:
        spec.pointer(pointer)  # RFC 6901 as written: no $ref followed on the way
    except SpecError:
        return False
    return True


@pytest.mark.parametrize("edit", EDITS, ids=lambda edit: edit.__name__)
def test_every_location_is_a_json_pointer_that_resolves(edit: Edit) -> None:
    old, new = Spec(BASE), edited(edit)
    found = diff(old, new)
    assert found
    for finding in found:
        assert finding.location.startswith("#/")
        assert resolves(new, finding.location) or resolves(old, finding.location), finding


def test_a_narrowed_maximum_points_at_the_keyword_and_reads_as_written() -> None:
    new = edited(narrow_validity)
    found = [f for f in diff(Spec(BASE), new) if f.rule == "request-maximum-narrowed"]
    assert {f.operation for f in found} == {"POST /v1/anonymous/session/sms", "POST /v1/anonymous/session/sms_voice"}
    assert {f.location for f in found} == {"#/components/schemas/MaskedSessionRequest/properties/validity_period"}
    assert new.pointer(found[0].location)["maximum"] == 2_000_000
    assert found[0].message == "request field /validity_period: maximum 2592000 -> 2000000"  # not 2.592e+06


def test_a_field_inside_a_branch_is_located_where_it_is_declared() -> None:
    found = [f for f in diff(Spec(BASE), edited(require_inside_a_branch)) if f.rule == "request-field-required"]
    assert found and all("/oneOf(dial)/params/send_dtmf" in f.message for f in found)  # the branch, by name
    assert {f.location for f in found} == {"#/components/schemas/DialParams/properties/send_dtmf"}


def test_a_removed_field_is_located_in_the_old_document() -> None:
    found = diff(Spec(BASE), edited(drop_a_response_field))
    status = [f for f in found if f.message == "response field /status was removed"]
    assert {f.location for f in status} == {"#/components/schemas/MaskedSessionResponse/properties/status"}


def test_the_markdown_operation_cell_of_a_finding_about_the_whole_spec_is_filled() -> None:
    found = diff(Spec(BASE), edited(narrow_validity))
    (version,) = [f for f in found if f.rule == "version-not-bumped"]
    table = output.render(found, "markdown", title="t")
    (row,) = [line for line in table.splitlines() if "`version-not-bumped`" in line]
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[2] == "(whole spec)" and "``" not in row
    assert version.location == "#/info/version"


def test_drift_traffic_list_rules_gives_an_example_of_every_rule() -> None:
    assert set(traffic.EXAMPLES) == set(traffic.TRAFFIC_RULES)
    assert all(example.strip() for example in traffic.EXAMPLES.values())
    listed = CliRunner().invoke(cli, ["drift", "traffic", "--list-rules"], terminal_width=400)
    assert listed.exit_code == 0
    cells = [[cell.strip() for cell in line.strip("│").split("│")] for line in listed.output.splitlines()]
    first_lines = {row[0]: row for row in cells if row and row[0] in traffic.TRAFFIC_RULES}  # a row's first line
    assert set(first_lines) == set(traffic.TRAFFIC_RULES)
    assert all(row[-1] for row in first_lines.values()), listed.output  # the example column
