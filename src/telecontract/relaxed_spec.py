"""The copy of the spec schemathesis judges responses with: only sourced constraints kept.

Every inferred constraint is dropped from the response side, an inferred status widens to its
class (2XX, 4XX), and a media type marked `x-tolerated` (TeleSign's plain-text 429 seen in the
wild) is accepted; the full spec (`telecontract.violations`) makes a warning of what only it forbids.
"""

from __future__ import annotations

import copy
from typing import Any

from telecontract.provenance import CONSTRAINTS, Provenance, provenance_of, resolved

RELAXED_SUFFIX = "~relaxed"


def relaxed_document(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of the spec whose responses keep only sourced constraints; requests are untouched.

    Response-side `$ref`s point at relaxed copies of their components (`Name~relaxed`), so the
    request side keeps the full schemas that generation and the mock use.
    """
    relaxed = copy.deepcopy(document)
    components = relaxed.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    originals = copy.deepcopy(schemas)
    responses = components.get("responses", {})
    pending: list[str] = []

    def ref_to_relaxed(ref: str) -> str:
        name = ref.rsplit("/", 1)[-1]
        if name + RELAXED_SUFFIX not in schemas:
            schemas[name + RELAXED_SUFFIX] = {}  # placeholder: breaks cycles
            pending.append(name)
        return f"#/components/schemas/{name}{RELAXED_SUFFIX}"

    def relax(node: Any, inherited: Provenance | None) -> Any:
        if not isinstance(node, dict):
            return node
        here = provenance_of(node) or inherited
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith("#/components/schemas/"):
                out[key] = ref_to_relaxed(value)
            elif here is not None and not here.sourced and key in CONSTRAINTS:
                continue
            elif key == "required" and isinstance(value, list):
                properties = node.get("properties", {})
                out[key] = [name for name in value if _sourced_in(properties.get(name), here)]
            elif key in ("properties", "patternProperties", "$defs") and isinstance(value, dict):
                out[key] = {name: relax(sub, here) for name, sub in value.items()}
            elif key in ("items", "additionalProperties", "not", "contains") and isinstance(value, dict):
                out[key] = relax(value, here)
            elif key in ("allOf", "anyOf", "oneOf", "prefixItems") and isinstance(value, list):
                # Relaxed branches may overlap, which `oneOf` would count against the instance.
                out["anyOf" if key == "oneOf" else key] = [relax(sub, here) for sub in value]
            elif key == "discriminator":
                continue  # points at branches by their full names; validation does not need it
            else:
                out[key] = value
        return out

    def relax_response(response: dict[str, Any]) -> None:
        here = provenance_of(response)
        content = response.get("content", {})
        for media in content.values():
            if isinstance(media, dict) and "schema" in media:
                media["schema"] = relax(media["schema"], provenance_of(media) or here)
        headers = response.get("headers", {})
        for name, header in list(headers.items()):
            header_provenance = provenance_of(header) or here
            if header_provenance is not None and not header_provenance.sourced:
                del headers[name]

    for response in responses.values():
        relax_response(response)
    for item in relaxed.get("paths", {}).values():
        for operation in _operations(item):
            answers = operation.get("responses", {})
            for answer in answers.values():
                if isinstance(answer, dict) and "$ref" not in answer:
                    relax_response(answer)
            _widen_inferred_statuses(answers, relaxed)
    while pending:
        name = pending.pop()
        schemas[name + RELAXED_SUFFIX] = relax(originals[name], None)
    return relaxed


def _sourced_in(node: Any, inherited: Provenance | None) -> bool:
    found = provenance_of(node) or inherited
    return found is None or found.sourced


def _operations(item: dict[str, Any]) -> list[dict[str, Any]]:
    methods = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
    return [item[m] for m in methods if isinstance(item.get(m), dict)]


def _widen_inferred_statuses(answers: dict[str, Any], document: dict[str, Any]) -> None:
    """Where an answer's HTTP status is inferred, any status of its class (2XX, 4XX) is accepted."""
    widened: dict[str, dict[str, Any]] = {}
    for status, answer in list(answers.items()):
        response = resolved(answer, document)
        found = provenance_of(response)
        if found is None or found.sourced or not status[:1].isdigit():
            continue
        wildcard = status[0] + "XX"
        merged = widened.setdefault(wildcard, {"description": f"Any {wildcard} (inferred statuses)", "content": {}})
        for media_type, media in response.get("content", {}).items():
            branches = merged["content"].setdefault(media_type, {"schema": {"anyOf": []}})["schema"]["anyOf"]
            branches.append(media.get("schema", {}))
    for wildcard, merged in widened.items():
        answers.setdefault(wildcard, merged)
