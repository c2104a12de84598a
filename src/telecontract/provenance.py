"""Where each rule of the contract comes from, and what a response owes to each source.

Every constraint in the spec that can fail a response carries an `x-provenance` (on its own node,
or inherited from the nearest enclosing node that has one; a `$ref`'d component carries its own):

    x-provenance: {source: documented, page: "...", quote: "..."}
    x-provenance: {source: provider-reference, reference: "...", repository: ..., path: ..., commit: ...}
    x-provenance: {source: provider-reference, reference: "...", url: "https://..."}
    x-provenance: {source: inferred, why: "..."}

Only sourced rules (documented, provider-reference) fail a run by default: `telecontract.relaxed_spec`
makes the copy of the spec schemathesis judges with (inferred constraints dropped from responses),
`telecontract.violations` measures a response against the full spec and names the source of each
broken constraint (a warning where only the full spec forbids it). Here: the provenance itself,
read where it is in force, and the constraints that have none (gaps).
"""

from __future__ import annotations

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


# ---- following $refs -------------------------------------------------------------------------


def resolved(node: Any, document: dict[str, Any]) -> Any:
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        node = pointed(document, node["$ref"])
    return node


def pointed(document: dict[str, Any], ref: str) -> Any:
    node: Any = document
    for token in ref.lstrip("#/").split("/"):
        node = node[token.replace("~1", "/").replace("~0", "~")]
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
            walk_schema(pointed(document, ref), ref, None)  # a component answers for itself
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
            pointer, answer = answer["$ref"], resolved(answer, document)
        here = provenance_of(answer)
        if here is None:
            gaps.append(pointer)
        for name, header in (answer.get("headers") or {}).items():
            if isinstance(header, dict) and isinstance(header.get("$ref"), str):
                header = resolved(header, document)
            if (provenance_of(header) or here) is None:
                gaps.append(f"{pointer}/headers/{name}")
        for media_type, media in (answer.get("content") or {}).items():
            walk_schema(media.get("schema"), f"{pointer}/content/{media_type}/schema", provenance_of(media) or here)

    for path, item in document.get("paths", {}).items():
        for method, operation in ((m, item[m]) for m in item if isinstance(item.get(m), dict)):
            for status, answer in (operation.get("responses") or {}).items():
                walk_response(answer, f"#/paths/{path}/{method}/responses/{status}")
    return sorted(set(gaps))
