"""Every rule says where it comes from: the spec's constraints and the suite's rules alike."""

from __future__ import annotations

import copy
import re

import pytest

from telecontract.contract.rules import RULES
from telecontract.mock.defects import DEFECTS
from telecontract.provenance import Provenance, every_provenance, unsourced_constraints
from telecontract.spec import load_spec


def test_every_response_failing_constraint_has_a_source() -> None:
    assert unsourced_constraints(load_spec().document) == []


def test_a_constraint_without_a_source_is_found() -> None:
    document = copy.deepcopy(load_spec().document)
    del document["components"]["schemas"]["MaskedParty"]["x-provenance"]
    del document["components"]["responses"]["TelesignNotFound"]["x-provenance"]
    gaps = unsourced_constraints(document)
    assert "#/components/responses/TelesignNotFound" in gaps
    assert "#/components/schemas/MaskedParty" in gaps
    assert "#/components/schemas/MaskedParty/properties/country_iso2" in gaps


def test_every_provenance_in_the_spec_is_complete() -> None:
    values = every_provenance(load_spec().document)
    assert len(values) > 50
    for value in values:
        Provenance.parse(value)  # raises on a missing page, quote, reference or reason


@pytest.mark.parametrize(
    "value",
    [
        {"source": "documented", "page": "Standard Voice API"},
        {"source": "provider-reference"},
        {"source": "provider-reference", "reference": "TeleSign's published definitions"},  # where?
        {"source": "provider-reference", "reference": "x", "repository": "a/b", "path": "p.yml"},  # which commit?
        {"source": "provider-reference", "reference": "x", "repository": "a/b", "path": "p.yml", "commit": "6369d89"},
        {"source": "inferred"},
        {"source": "hearsay", "why": "x"},
    ],
)
def test_an_incomplete_provenance_is_refused(value: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        Provenance.parse(value)


def test_the_shipped_spec_cites_public_pages_not_local_files() -> None:
    text = str(load_spec().document)
    assert "shared/" not in text and "seeds" not in text and "PROVIDERS.md" not in text


def test_every_rule_of_the_suite_and_every_defect_has_a_source() -> None:
    for rule in RULES.values():
        assert rule.summary
        if rule.provenance is not None:
            assert rule.provenance.citation
    assert {d.caught_by for d in DEFECTS.values()} <= RULES.keys()


def test_every_provider_reference_of_a_rule_says_where_a_reader_finds_it() -> None:
    vague = [
        rule.name
        for rule in RULES.values()
        if rule.provenance is not None
        and rule.provenance.source == "provider-reference"
        and not re.search(r"commit [0-9a-f]{40}|https://", rule.provenance.citation)
    ]
    assert vague == []


def test_a_provider_reference_cites_its_repository_path_and_commit() -> None:
    value = {
        "source": "provider-reference",
        "reference": "the plivo SDK's fixtures",
        "repository": "plivo/plivo-python",
        "path": "tests/resources/fixtures/maskingSessionGetResponse.json",
        "commit": "a0cd3237d2ce1dc46434572997f9ccf380502af0",
    }
    citation = Provenance.parse(value).citation
    assert "plivo/plivo-python, tests/resources/fixtures/maskingSessionGetResponse.json" in citation
