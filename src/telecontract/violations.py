"""What only the full spec forbids: every constraint a response breaks, each with its source, so
that a broken inferred constraint is a warning where the relaxed copy let the response pass."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telecontract.provenance import Provenance, provenance_at, provenance_of, resolved


@dataclass(frozen=True, slots=True)
class Violation:
    """A constraint of the spec that a response breaks, with the source of that constraint."""

    rule: str  # the schemathesis check that judges this kind of constraint
    message: str
    provenance: Provenance | None


def strict_violations(
    document: dict[str, Any],
    operation_tokens: list[str],
    status: int,
    content_type: str,
    body: Any,
    validator_for: Any,
) -> list[Violation]:
    """Every constraint of the full spec that this response breaks, each with its provenance.

    `operation_tokens` locate the operation (`["paths", path, method]`); `body` is the parsed JSON
    body (or None when there is none); `validator_for(schema)` compiles a schema of this document.
    """
    operation = _pointer_tokens(document, operation_tokens)
    answers: dict[str, Any] = operation.get("responses", {})
    key = next((k for k in (str(status), f"{str(status)[0]}XX", "default") if k in answers), None)
    if key is None:
        same_class = [k for k in answers if k[:1] == str(status)[:1]]
        found = next(
            (p for k in same_class if (p := provenance_of(resolved(answers[k], document)))),
            provenance_of(operation),
        )
        return [Violation("status_code_conformance", f"HTTP {status} is not declared ({', '.join(answers)})", found)]
    tokens: list[str | int] = [*operation_tokens, "responses", key]
    answer = answers[key]
    if isinstance(answer, dict) and isinstance(answer.get("$ref"), str):
        tokens = [t.replace("~1", "/").replace("~0", "~") for t in answer["$ref"].lstrip("#/").split("/")]
        answer = resolved(answer, document)
    content: dict[str, Any] = answer.get("content") or {}
    if not content:
        return []
    media_type = content_type.split(";")[0].strip().lower()
    declared = [m for m, media in content.items() if not (isinstance(media, dict) and media.get("x-tolerated"))]
    if media_type not in declared:
        tolerated = content.get(media_type)
        found = provenance_of(tolerated) if tolerated else provenance_at(document, tokens)
        reason = f" ({tolerated['x-tolerated']})" if tolerated else ""
        message = f"Content-Type {media_type or 'missing'}{reason}; the spec declares {', '.join(declared)}"
        return [Violation("content_type_conformance", message, found)]
    if not media_type.endswith("json") or "schema" not in content[media_type]:
        return []
    schema_tokens = [*tokens, "content", media_type, "schema"]
    violations: dict[str, Violation] = {}
    for error in validator_for(content[media_type]["schema"]).iter_errors(body):
        path = list(error.schema_path)
        node = [*schema_tokens, *path[2:]] if path[:2] in (["allOf", 0], ["allOf", "0"]) else path
        missing = getattr(error.kind, "property", None)
        if path and path[-1] == "required" and isinstance(missing, str):
            node = [*node[:-1], "properties", missing]
        where = "/".join(str(t) for t in error.instance_path) or "body"
        message = f"{where}: {error.message}"
        violations.setdefault(message, Violation("response_schema_conformance", message, provenance_at(document, node)))
    return list(violations.values())


def _pointer_tokens(document: dict[str, Any], tokens: list[str]) -> Any:
    node: Any = document
    for token in tokens:
        node = node[token]
    return node
