"""Where each rule of the contract comes from, and what a response owes to each source.

Every constraint in the spec that can fail a response carries an `x-provenance` (on its own node,
or inherited from the nearest enclosing node that has one; a `$ref`'d component carries its own):

    x-provenance: {source: documented, page: "...", quote: "..."}
    x-provenance: {source: provider-reference, reference: "...", repository: ..., path: ..., commit: ...}
    x-provenance: {source: provider-reference, reference: "...", url: "https://..."}
    x-provenance: {source: inferred, why: "..."}

Only sourced rules (documented, provider-reference) fail a run by default. To let schemathesis
judge only those, `relaxed_document` drops every inferred constraint from the response side of a
copy of the spec; `strict_violations` then measures a response against the full spec and names the
source of each broken constraint, so what only the full spec forbids is reported as a warning.
A media type marked `x-tolerated` (for example TeleSign's plain-text 429 seen in the wild) is
accepted by the relaxed copy and a warning in the full spec.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Literal

Source = Literal["documented", "provider-reference", "inferred"]
SOURCES: tuple[Source, ...] = ("documented", "provider-reference", "inferred")

# Keywords that can fail an instance; an inferred node loses them in the relaxed copy.
CONSTRAINTS = frozenset(
    {
        "type",
        "enum",
        "const",
        "pattern",
        "format",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minProperties",
        "maxProperties",
        "required",
        "additionalProperties",
        "anyOf",
        "oneOf",
        "not",
    }
)
RELAXED_SUFFIX = "~relaxed"


@dataclass(frozen=True, slots=True)
class Provenance:
    source: Source
    citation: str  # "page: quote", the reference's name, or why we inferred it

    @property
    def sourced(self) -> bool:
        return self.source != "inferred"

    def __str__(self) -> str:
        return f"{self.source}: {self.citation}"

    @classmethod
    def parse(cls, value: Any) -> Provenance:
        """An `x-provenance` value; raises ValueError when it is incomplete."""
        if not isinstance(value, dict) or value.get("source") not in SOURCES:
            raise ValueError(f"x-provenance needs a source out of {', '.join(SOURCES)}: {value!r}")
        source = value["source"]
        if source == "documented":
            if not value.get("page") or not value.get("quote"):
                raise ValueError(f"a documented x-provenance names its page and quotes it: {value!r}")
            citation = f'{value["page"]}: "{value["quote"]}"'
        elif source == "provider-reference":
            if not value.get("reference"):
                raise ValueError(f"a provider-reference x-provenance names the reference: {value!r}")
            citation = str(value["reference"]) + _where(value)
        else:
            if not value.get("why"):
                raise ValueError(f"an inferred x-provenance says why in one line: {value!r}")
            citation = str(value["why"])
        return cls(source, citation)


def _where(value: dict[str, Any]) -> str:
    """Where a reader finds a provider's material: repository, path and commit, or the page's address.

    A name alone ("TeleSign's published definitions") cannot be checked, so it is refused.
    """
    if value.get("repository"):
        commit = str(value.get("commit", ""))
        if not value.get("path") or len(commit) != 40:
            raise ValueError(f"a repository source names its path and full commit: {value!r}")
        return f" ({value['repository']}, {value['path']}, commit {commit[:7]})"
    if value.get("url"):
        return f" ({value['url']})"
    raise ValueError(f"a provider-reference names where to find it (repository + path + commit, or url): {value!r}")


def provenance_of(node: Any) -> Provenance | None:
    if isinstance(node, dict) and "x-provenance" in node:
        return Provenance.parse(node["x-provenance"])
    return None


def every_provenance(node: Any) -> list[Any]:
    """Every `x-provenance` value below `node`, as written (not parsed)."""
    found: list[Any] = []
    if isinstance(node, dict):
        if "x-provenance" in node:
            found.append(node["x-provenance"])
        for value in node.values():
            found += every_provenance(value)
    elif isinstance(node, list):
        for value in node:
            found += every_provenance(value)
    return found


def provenance_at(document: dict[str, Any], tokens: list[str | int]) -> Provenance | None:
    """The provenance in force at a location: the last one met walking down to it from the root."""
    found = provenance_of(document)
    node: Any = document
    for token in tokens:
        try:
            node = node[int(token)] if isinstance(node, list) else node[token]
        except (KeyError, IndexError, ValueError, TypeError):
            break
        found = provenance_of(node) or found
    return found


# ---- the relaxed copy ------------------------------------------------------------------------


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
        response = _resolve(answer, document)
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


def _resolve(node: Any, document: dict[str, Any]) -> Any:
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        node = _pointer(document, node["$ref"])
    return node


def _pointer(document: dict[str, Any], ref: str) -> Any:
    node: Any = document
    for token in ref.lstrip("#/").split("/"):
        node = node[token.replace("~1", "/").replace("~0", "~")]
    return node


# ---- what only the full spec forbids -----------------------------------------------------------


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
            (p for k in same_class if (p := provenance_of(_resolve(answers[k], document)))),
            provenance_of(operation),
        )
        return [Violation("status_code_conformance", f"HTTP {status} is not declared ({', '.join(answers)})", found)]
    tokens: list[str | int] = [*operation_tokens, "responses", key]
    answer = answers[key]
    if isinstance(answer, dict) and isinstance(answer.get("$ref"), str):
        tokens = [t.replace("~1", "/").replace("~0", "~") for t in answer["$ref"].lstrip("#/").split("/")]
        answer = _resolve(answer, document)
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


# ---- completeness ------------------------------------------------------------------------------


def unsourced_constraints(document: dict[str, Any]) -> list[str]:
    """Pointers of response-failing constraints with no provenance in force: each one is a gap."""
    gaps: list[str] = []
    seen: set[str] = set()

    def walk_schema(node: Any, pointer: str, inherited: Provenance | None) -> None:
        if not isinstance(node, dict):
            return
        here = provenance_of(node) or inherited
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/") and ref not in seen:
            seen.add(ref)
            walk_schema(_pointer(document, ref), ref, None)  # a component answers for itself
        if here is None and CONSTRAINTS & node.keys():
            gaps.append(pointer)
        for key in ("properties", "patternProperties", "$defs"):
            for name, sub in (node.get(key) or {}).items():
                walk_schema(sub, f"{pointer}/{key}/{name}", here)
        for key in ("items", "additionalProperties", "not", "contains"):
            if isinstance(node.get(key), dict):
                walk_schema(node[key], f"{pointer}/{key}", here)
        for key in ("allOf", "anyOf", "oneOf", "prefixItems"):
            for index, sub in enumerate(node.get(key) or []):
                walk_schema(sub, f"{pointer}/{key}/{index}", here)

    def walk_response(answer: Any, pointer: str) -> None:
        if isinstance(answer, dict) and isinstance(answer.get("$ref"), str):
            pointer, answer = answer["$ref"], _resolve(answer, document)
        here = provenance_of(answer)
        if here is None:
            gaps.append(pointer)
        for name, header in (answer.get("headers") or {}).items():
            if isinstance(header, dict) and isinstance(header.get("$ref"), str):
                header = _resolve(header, document)
            if (provenance_of(header) or here) is None:
                gaps.append(f"{pointer}/headers/{name}")
        for media_type, media in (answer.get("content") or {}).items():
            walk_schema(media.get("schema"), f"{pointer}/content/{media_type}/schema", provenance_of(media) or here)

    for path, item in document.get("paths", {}).items():
        for method, operation in ((m, item[m]) for m in item if isinstance(item.get(m), dict)):
            for status, answer in (operation.get("responses") or {}).items():
                walk_response(answer, f"#/paths/{path}/{method}/responses/{status}")
    return sorted(set(gaps))
