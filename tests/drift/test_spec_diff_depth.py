"""Drift in depth: constraints both ways, oneOf / anyOf branches, severity levels, info.version.

The three edits a provider makes that used to pass (a oneOf variant removed from a request, a field
made required inside a branch, a length limit lowered on a request field) are made everywhere
they can occur in the spec, and each must be reported as breaking.
"""

from __future__ import annotations

import copy
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from telecontract.drift.constraints import CONSTRAINTS, Constraint
from telecontract.drift.findings import ERROR, INFO, exit_code
from telecontract.drift.severity import read_levels
from telecontract.drift.spec_diff import diff
from telecontract.drift.spec_rules import CONSTRAINT_RULES, RULES, SHAPE_RULES
from telecontract.errors import UsageError
from telecontract.spec import Spec, load_spec

Edit = Callable[[dict[str, Any]], None]
BASE = load_spec().document


def edited(edit: Edit, document: dict[str, Any] = BASE) -> Spec:
    copied = copy.deepcopy(document)
    edit(copied)
    return Spec(copied)


def schema(document: dict[str, Any], name: str) -> dict[str, Any]:
    return document["components"]["schemas"][name]


def rules_of(old: Spec, new: Spec, **kwargs: Any) -> dict[str, str]:
    """rule -> severity of what the diff reports (the version rule aside: these edits bump nothing)."""
    return {f.rule: f.severity for f in diff(old, new, **kwargs) if f.rule != "version-not-bumped"}


# ---- constraints: every keyword, both sides, both directions -------------------------------------

PROBE_HOMES = {"request": "VoiceCallRequest", "response": "VoiceCallAccepted"}


def with_probe(side: str, constraint: Constraint, value: Any) -> Spec:
    """The spec with a field `probe` on one side, limited by the keyword at `value` (None: unset)."""
    probe: dict[str, Any] = {"type": constraint.kind}
    if constraint.kind == "array":
        probe["items"] = {"type": "string"}
    if value is not None:
        probe[constraint.keyword] = value
    return edited(lambda d: schema(d, PROBE_HOMES[side])["properties"].update(probe=probe))


CASES = [(c, side) for c in CONSTRAINTS for side in ("request", "response")]


@pytest.mark.parametrize(("constraint", "side"), CASES, ids=[f"{c.keyword}-{s}" for c, s in CASES])
def test_a_constraint_narrowed_or_widened_is_judged_from_the_clients_side(constraint: Constraint, side: str) -> None:
    wide, narrow = with_probe(side, constraint, constraint.wide), with_probe(side, constraint, constraint.narrow)
    narrowed, widened = f"{side}-{constraint.slug}-narrowed", f"{side}-{constraint.slug}-widened"
    breaking = ERROR
    # Narrowing what a client sends, or widening what it receives, breaks it; the reverse is safe.
    assert rules_of(wide, narrow) == {narrowed: breaking if side == "request" else INFO}
    assert rules_of(narrow, wide) == {widened: breaking if side == "response" else INFO}
    assert rules_of(wide, with_probe(side, constraint, constraint.wide)) == {}  # the near miss: unchanged


def test_every_constraint_rule_is_exercised_above() -> None:
    exercised = {f"{s}-{c.slug}-{d}" for c, s in CASES for d in ("narrowed", "widened")}
    assert exercised == {rule.id for rule in CONSTRAINT_RULES}


def test_a_changed_pattern_may_accept_more_and_less() -> None:
    old = with_probe("request", CONSTRAINTS[2], "^[0-9]+$")
    new = with_probe("request", CONSTRAINTS[2], "^[a-z]+$")
    assert rules_of(old, new) == {"request-pattern-narrowed": ERROR, "request-pattern-widened": INFO}


def test_constraints_of_parameters_and_response_headers_are_compared() -> None:
    def lower_reference_id(d: dict[str, Any]) -> None:
        d["components"]["parameters"]["ReferenceId"]["schema"] = {"type": "string", "maxLength": 8}

    assert rules_of(Spec(BASE), edited(lower_reference_id)).get("request-max-length-narrowed") == ERROR

    def header_may_be_longer(d: dict[str, Any]) -> None:
        header = d["components"]["headers"]["VoiceAllow"]  # what Voice v1 answers carry in Allow
        header["schema"] = {**header["schema"], "maxLength": 4}

    old = edited(header_may_be_longer)
    assert rules_of(old, Spec(BASE)).get("response-max-length-widened") == ERROR


NULLABLE = {
    "request-nullable-narrowed": ("request", ["string", "null"], "string"),
    "request-nullable-widened": ("request", "string", ["string", "null"]),
    "response-nullable-narrowed": ("response", ["string", "null"], "string"),
    "response-nullable-widened": ("response", "string", ["string", "null"]),
}


@pytest.mark.parametrize("rule", sorted(NULLABLE))
def test_nullability_both_ways(rule: str) -> None:
    side, before, after = NULLABLE[rule]

    def probe(kind: Any) -> Spec:
        return edited(lambda d: schema(d, PROBE_HOMES[side])["properties"].update(probe={"type": kind}))

    breaking = rule in ("request-nullable-narrowed", "response-nullable-widened")
    assert rules_of(probe(before), probe(after)) == {rule: ERROR if breaking else INFO}
    assert rules_of(probe(before), probe(before)) == {}


def test_a_changed_default_of_a_request_field_is_risky() -> None:
    voice = schema(BASE, "VoiceCallRequest")["properties"]["voice"]
    assert voice["default"] == "f-en-US"
    new = edited(lambda d: schema(d, "VoiceCallRequest")["properties"]["voice"].update(default="f-en-GB"))
    assert rules_of(Spec(BASE), new) == {"request-default-changed": "warning"}
    near = edited(lambda d: schema(d, "VoiceCallRequest")["properties"]["voice"].update(description="The voice."))
    assert rules_of(Spec(BASE), near) == {}


# ---- branches ----------------------------------------------------------------------------------------


def drop_branch(name: str, ref: str) -> Edit:
    def edit(d: dict[str, Any]) -> None:
        node = schema(d, name)
        node["oneOf"] = [b for b in node["oneOf"] if b.get("$ref") != f"#/components/schemas/{ref}"]
        mapping = node.get("discriminator", {}).get("mapping", {})
        for key in [k for k, v in mapping.items() if v.endswith(f"/{ref}")]:
            del mapping[key]

    return edit


def add_branch(name: str, tag: str, value: str) -> Edit:
    def edit(d: dict[str, Any]) -> None:
        d["components"]["schemas"][f"Probe{value}"] = {
            "type": "object",
            "required": [tag],
            "properties": {tag: {"const": value}},
        }
        node = schema(d, name)
        node["oneOf"].append({"$ref": f"#/components/schemas/Probe{value}"})
        node.setdefault("discriminator", {}).setdefault("mapping", {})[value] = f"#/components/schemas/Probe{value}"

    return edit


def reorder(name: str) -> Edit:
    return lambda d: schema(d, name)["oneOf"].reverse()


BRANCH_PAIRS: dict[str, tuple[Edit, Edit]] = {
    "request-branch-removed": (drop_branch("VoiceRpcRequest", "SpeakRequest"), reorder("VoiceRpcRequest")),
    "request-branch-added": (add_branch("VoiceRpcRequest", "method", "transfer"), reorder("VoiceRpcRequest")),
    "response-branch-added": (add_branch("VoiceEvent", "event", "transfer_completed"), reorder("VoiceEvent")),
    "response-branch-removed": (drop_branch("VoiceEvent", "CallCompletedEvent"), reorder("VoiceEvent")),
}


@pytest.mark.parametrize("rule", sorted(BRANCH_PAIRS))
def test_a_branch_added_or_removed_is_one_finding_and_reordering_is_none(rule: str) -> None:
    trigger, near_miss = BRANCH_PAIRS[rule]
    found = [f for f in diff(Spec(BASE), edited(trigger)) if f.rule != "version-not-bumped"]
    assert [f.rule for f in found] == [rule], [(f.rule, f.location) for f in found]
    assert "oneOf(" in found[0].message  # the branch by name; the location is its entry in the oneOf
    document = BASE if rule.endswith("removed") else edited(trigger).document
    assert re.fullmatch(r"#/components/schemas/\w+/oneOf/\d+", found[0].location)
    assert Spec(document).pointer(found[0].location)["$ref"].startswith("#/components/schemas/")
    assert rules_of(Spec(BASE), edited(near_miss)) == {}  # branches are matched by name, not position


def test_rules_apply_inside_a_branch() -> None:
    # DialParams is what a dial (one branch of VoiceRpcRequest) carries.
    new = edited(lambda d: schema(d, "DialParams")["required"].append("send_dtmf"))
    found = [f for f in diff(Spec(BASE), new) if f.rule == "request-field-required"]
    assert found and all("/oneOf(dial)/params/send_dtmf" in f.message for f in found), found
    assert {f.location for f in found} == {"#/components/schemas/DialParams/properties/send_dtmf"}


def test_a_changed_default_of_a_response_field_is_safe() -> None:
    def probe(default: int) -> Spec:
        field = {"type": "integer", "default": default}
        return edited(lambda d: schema(d, "VoiceCallAccepted")["properties"].update(probe=field))

    assert rules_of(probe(0), probe(1)) == {"response-default-changed": INFO}
    assert rules_of(probe(0), probe(0)) == {}


def test_every_rule_of_this_file_has_a_trigger_and_a_near_miss() -> None:
    covered = set(BRANCH_PAIRS) | set(NULLABLE) | {"request-default-changed", "response-default-changed"}
    assert {rule.id for rule in SHAPE_RULES} == covered  # constraint rules: above; version: below


# ---- the three edits, wherever they occur -------------------------------------------------------


def refs_in(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/components/schemas/"):
            yield node["$ref"].rsplit("/", 1)[-1]
        for value in node.values():
            yield from refs_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs_in(value)


def request_side_schemas(document: dict[str, Any]) -> set[str]:
    """Component schemas a client sends: reachable from request bodies, parameters, webhook answers."""
    roots: list[Any] = []
    for item in document["paths"].values():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                roots += [operation.get("requestBody"), operation.get("parameters")]
    for item in document.get("webhooks", {}).values():
        roots += [operation.get("responses") for operation in item.values() if isinstance(operation, dict)]
    roots.append(document["components"].get("parameters"))
    roots += [document["components"].get("requestBodies")]
    seen: set[str] = set()
    todo = [name for root in roots for name in refs_in(root)]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += refs_in(document["components"]["schemas"][name])
    return seen


REQUEST_SIDE = request_side_schemas(BASE)


def walk(node: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Every schema node under a component, with its path in the document."""
    if not isinstance(node, dict):
        return
    yield path, node
    for name, child in node.get("properties", {}).items():
        yield from walk(child, (*path, "properties", name))
    if "items" in node:
        yield from walk(node["items"], (*path, "items"))
    for keyword in ("allOf", "oneOf", "anyOf"):
        for index, child in enumerate(node.get(keyword, [])):
            yield from walk(child, (*path, keyword, index))


def request_nodes() -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    for name in sorted(REQUEST_SIDE):
        yield from walk(BASE["components"]["schemas"][name], ("components", "schemas", name))


def at(document: dict[str, Any], path: tuple[Any, ...]) -> Any:
    for key in path:
        document = document[key]
    return document


def branch_removals() -> list[tuple[str, Edit]]:
    edits = []
    for path, node in request_nodes():
        for keyword in ("oneOf", "anyOf"):
            branches = node.get(keyword, [])
            real = [i for i, b in enumerate(branches) if b.get("type") != "null"]
            if len(branches) < 2:
                continue
            for index in real:

                def edit(d: dict[str, Any], path: tuple[Any, ...] = path, k: str = keyword, i: int = index) -> None:
                    target = at(d, path)
                    removed = target[k].pop(i)
                    mapping = target.get("discriminator", {}).get("mapping", {})
                    for key in [key for key, ref in mapping.items() if ref == removed.get("$ref")]:
                        del mapping[key]

                edits.append((f"{'/'.join(map(str, path))}/{keyword}/{index}", edit))
    return edits


def required_in_branches() -> list[tuple[str, Edit]]:
    """Each optional property of a schema that a request reaches through a oneOf / anyOf branch."""
    under_branch: set[str] = set()
    for _path, node in request_nodes():
        for keyword in ("oneOf", "anyOf"):
            for branch in node.get(keyword, []):
                under_branch |= set(refs_in(branch))
    todo = list(under_branch)
    while todo:  # and what those reach
        for name in refs_in(BASE["components"]["schemas"][todo.pop()]):
            if name not in under_branch:
                under_branch.add(name)
                todo.append(name)
    edits = []
    inline = [(p, n) for p, n in request_nodes() if any(k in ("oneOf", "anyOf") for k in p[3:])]
    named = [
        (p, n) for name in sorted(under_branch) for p, n in walk(schema(BASE, name), ("components", "schemas", name))
    ]
    for path, node in inline + named:
        optional = sorted(set(node.get("properties", {})) - set(node.get("required", [])))
        for name in optional:

            def edit(d: dict[str, Any], path: tuple[Any, ...] = path, name: str = name) -> None:
                at(d, path).setdefault("required", []).append(name)

            edits.append((f"{'/'.join(map(str, path))}/properties/{name}", edit))
    return edits


def lowered_max_lengths() -> list[tuple[str, Edit]]:
    edits = []
    for path, node in request_nodes():
        if isinstance(node.get("maxLength"), int):

            def edit(d: dict[str, Any], path: tuple[Any, ...] = path) -> None:
                at(d, path)["maxLength"] = at(d, path)["maxLength"] // 2

            edits.append(("/".join(map(str, path)), edit))
    return edits


THREE_EDITS = [
    ("request-branch-removed", branch_removals()),
    ("request-field-required", required_in_branches()),
    ("request-max-length-narrowed", lowered_max_lengths()),
]


@pytest.mark.parametrize(("rule", "edits"), THREE_EDITS, ids=[rule for rule, _ in THREE_EDITS])
def test_the_three_edits_are_breaking_wherever_they_occur(rule: str, edits: list[tuple[str, Edit]]) -> None:
    assert len(edits) >= 3, f"too few places to try {rule}: {[where for where, _ in edits]}"
    missed = []
    for where, edit in edits:
        findings = diff(Spec(BASE), edited(edit))
        if not any(f.rule == rule and f.severity == ERROR for f in findings) or exit_code(findings, ERROR) != 1:
            missed.append(where)
    assert missed == [], f"{rule} not reported for: {missed}"


# ---- severity levels and info.version ----------------------------------------------------------------


def test_a_levels_file_turns_a_breaking_rule_into_a_warning_or_off(tmp_path: Path) -> None:
    new = edited(lambda d: schema(d, "VoiceCallRequest")["properties"]["external_id"].update(maxLength=64))
    levels_file = tmp_path / "levels.txt"
    levels_file.write_text("# our senders never exceed 64\nrequest-max-length-narrowed  warning\n")
    levels = read_levels(levels_file, [rule.id for rule in RULES])
    findings = diff(Spec(BASE), new, levels)
    assert {f.rule: f.severity for f in findings} == {"request-max-length-narrowed": "warning"}
    assert exit_code(findings, ERROR) == 0  # no longer breaking, so no version bump is owed either
    assert diff(Spec(BASE), new, {"request-max-length-narrowed": "off"}) == []


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("request-max-length-narowed warning\n", "no drift rule named 'request-max-length-narowed'"),
        ("type-changed fatal\n", "level 'fatal' for type-changed"),
        ("type-changed\n", "expected 'RULE LEVEL'"),
    ],
)
def test_a_bad_levels_file_names_the_line(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "levels.txt"
    path.write_text("# levels\n" + text)
    with pytest.raises(UsageError, match=words) as raised:
        read_levels(path, [rule.id for rule in RULES])
    assert f"{path}:2" in str(raised.value)


def test_a_breaking_change_needs_a_major_version_bump() -> None:
    def breaking(version: str) -> Edit:
        def edit(d: dict[str, Any]) -> None:
            schema(d, "VoiceCallRequest")["required"].append("caller_id")
            d["info"]["version"] = version

        return edit

    old = edited(lambda d: d["info"].update(version="1.4.0"))
    minor = [f for f in diff(old, edited(breaking("1.5.0"))) if f.rule == "version-not-bumped"]
    assert len(minor) == 1 and "'1.4.0' -> '1.5.0'" in minor[0].message and minor[0].severity == ERROR
    assert [f for f in diff(old, edited(breaking("2.0.0"))) if f.rule == "version-not-bumped"] == []
    safe = edited(
        lambda d: d["info"].update(version="1.4.1") or schema(d, "VoiceCallRequest")["required"].remove("message_type")
    )
    assert [f for f in diff(old, safe) if f.rule == "version-not-bumped"] == []


def drift(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "telecontract.cli", "drift", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_from_the_command_line_a_levels_file_turns_exit_1_into_exit_0(tmp_path: Path) -> None:
    old, new, levels = tmp_path / "old.yaml", tmp_path / "new.yaml", tmp_path / "levels.txt"
    old.write_text(yaml.safe_dump(BASE))
    changed = edited(lambda d: schema(d, "VoiceCallRequest")["properties"]["external_id"].update(maxLength=64))
    new.write_text(yaml.safe_dump(changed.document))
    breaking = drift("spec", str(old), str(new))
    assert breaking.returncode == 1, breaking.stdout + breaking.stderr
    assert "request-max-length-narrowed" in breaking.stdout and "version-not-bumped" in breaking.stdout
    levels.write_text("request-max-length-narrowed warning\n")
    lowered = drift("spec", str(old), str(new), "--severity-levels", str(levels))
    assert lowered.returncode == 0, lowered.stdout + lowered.stderr
    assert "WARNING" in lowered.stdout and "version-not-bumped" not in lowered.stdout
    levels.write_text("request-max-length-narowed warning\n")
    typo = drift("spec", str(old), str(new), "--severity-levels", str(levels))
    assert typo.returncode == 2 and "no drift rule named 'request-max-length-narowed'" in typo.stderr


def test_list_rules_prints_every_rule_with_its_severity_and_an_example() -> None:
    listed = drift("spec", "--list-rules")
    assert listed.returncode == 0, listed.stderr
    for rule in RULES:
        assert rule.id in listed.stdout and rule.example, rule.id
