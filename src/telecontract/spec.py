"""Loading `specs/openapi.yaml` and answering questions about it.

The spec is the single source of truth: the mock validates requests with the schemas found here,
the contract suite generates cases from the same file, and the drift checks compare against it.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema_rs
import yaml

from telecontract.errors import SpecError

ENV_SPEC = "TELECONTRACT_SPEC"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


_chosen: Path | None = None


def use_spec(path: Path) -> Spec:
    """Make `path` the spec of this process (a command's `--spec`): every later `load_spec()` reads it.

    For one run inside a longer-lived process (pytest, `load.run.run`), `spec_chosen` instead."""
    global _chosen
    spec = Spec(read_document(path), source=path)  # fail here, with the file named, if it is bad
    _chosen = path.resolve()
    load_spec.cache_clear()
    return spec


@contextlib.contextmanager
def spec_chosen(path: Path) -> Iterator[Spec]:
    """`path` as the spec of every `load_spec()` while the block runs (a run's `--spec`), the one
    chosen before it afterwards: a library caller's process is not changed for good."""
    global _chosen
    before = _chosen
    spec = use_spec(path)
    try:
        yield spec
    finally:
        _chosen = before
        load_spec.cache_clear()


def default_spec_path() -> Path:
    """`--spec`, else `$TELECONTRACT_SPEC`, else the copy shipped in the wheel, else the repository's."""
    if _chosen is not None:
        return _chosen
    if env := os.environ.get(ENV_SPEC):
        return Path(env)
    return bundled_spec_path()


def bundled_spec_path() -> Path:
    """The copy shipped in the wheel, else the repository's (`telecontract spec export` writes it out)."""
    shipped = resources.files("telecontract") / "specs" / "openapi.yaml"
    if shipped.is_file():
        return Path(str(shipped))
    return Path(__file__).resolve().parents[2] / "specs" / "openapi.yaml"


@dataclass(frozen=True, slots=True)
class Operation:
    method: str
    path: str
    operation_id: str
    definition: dict[str, Any]

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"


@dataclass(frozen=True, slots=True)
class Example:
    """A named example somewhere in the spec, and the schema it must satisfy."""

    pointer: str
    value: Any
    schema: dict[str, Any]


class Spec:
    def __init__(self, document: dict[str, Any], source: Path | None = None) -> None:
        self.document = document
        self.source = source
        self._validators: dict[str, jsonschema_rs.Validator] = {}

    # ---- navigation --------------------------------------------------------------------------

    def operations(self) -> list[Operation]:
        return list(self._operations_in(self.document.get("paths", {})))

    def webhooks(self) -> dict[str, Operation]:
        return {op.path: op for op in self._operations_in(self.document.get("webhooks", {}))}

    def operation(self, operation_id: str) -> Operation:
        try:
            return self._by_operation_id[operation_id]
        except KeyError:
            raise SpecError(f"The spec has no operation with operationId {operation_id!r}.") from None

    def path_of(self, path: str) -> str | None:
        """The spec's key for `path`, with or without a trailing slash (providers differ on it)."""
        paths = self.document.get("paths", {})
        if path in paths:
            return path
        other = path[:-1] if path.endswith("/") else path + "/"
        return other if other in paths else None

    @functools.cached_property
    def _by_operation_id(self) -> dict[str, Operation]:
        # Built once: the mock, the sink and the load users look operations up per request.
        return {op.operation_id: op for op in self.operations() + list(self.webhooks().values())}

    def _operations_in(self, items: dict[str, Any]) -> Iterator[Operation]:
        for path, item in items.items():
            item = self.resolve(item)
            for method in HTTP_METHODS:
                if method in item:
                    definition = item[method]
                    yield Operation(method, path, definition.get("operationId", f"{method} {path}"), definition)

    def resolve(self, node: Any) -> Any:
        """Follow a local `$ref` (and chains of them) to the node it names."""
        while isinstance(node, dict) and "$ref" in node:
            node = self.pointer(node["$ref"])
        return node

    def pointer(self, ref: str) -> Any:
        if not ref.startswith("#"):
            raise SpecError(f"Only local references are supported, not {ref!r}.")
        node: Any = self.document
        for token in ref[1:].lstrip("/").split("/") if ref != "#" else []:
            token = token.replace("~1", "/").replace("~0", "~")
            try:
                node = node[int(token)] if isinstance(node, list) else node[token]
            except (KeyError, IndexError, ValueError, TypeError):
                raise SpecError(f"Reference {ref!r} does not resolve.") from None
        return node

    # ---- schemas -----------------------------------------------------------------------------

    def request_schema(self, operation_id: str, media_type: str) -> dict[str, Any]:
        body = self.resolve(self.operation(operation_id).definition["requestBody"])
        return body["content"][media_type]["schema"]

    def response_schema(self, operation_id: str, status: str, media_type: str = "application/json") -> dict[str, Any]:
        response = self.resolve(self.operation(operation_id).definition["responses"][status])
        return response["content"][media_type]["schema"]

    @functools.cache  # noqa: B019 - one Spec per process, validators live as long as it
    def request_validator(self, operation_id: str, media_type: str) -> jsonschema_rs.Validator:
        return self.validator(self.request_schema(operation_id, media_type))

    @functools.cache  # noqa: B019 - as above
    def response_validator(
        self, operation_id: str, status: str, media_type: str = "application/json"
    ) -> jsonschema_rs.Validator:
        return self.validator(self.response_schema(operation_id, status, media_type))

    def validator(self, schema: dict[str, Any]) -> jsonschema_rs.Validator:
        """A validator for a schema taken from this spec; its `$ref`s resolve against the spec."""
        key = repr(schema)
        cached = self._validators.get(key)
        if cached is None:
            wrapper = {
                "$schema": JSON_SCHEMA_DIALECT,
                "components": self.document.get("components", {}),
                "allOf": [schema],
            }
            cached = jsonschema_rs.validator_for(wrapper, validate_formats=True)
            self._validators[key] = cached
        return cached

    # ---- examples ----------------------------------------------------------------------------

    def examples(self) -> Iterator[Example]:
        """Every named example of a media type, with the schema of that media type."""
        yield from self._examples_in(self.document.get("paths", {}), "#/paths")
        yield from self._examples_in(self.document.get("webhooks", {}), "#/webhooks")
        yield from self._examples_in(self.document.get("components", {}).get("responses", {}), "#/components/responses")

    def _examples_in(self, node: Any, pointer: str) -> Iterator[Example]:
        if isinstance(node, dict):
            if "schema" in node and "examples" in node:
                for name, example in node["examples"].items():
                    example = self.resolve(example)
                    yield Example(f"{pointer}/examples/{_escape(name)}", example.get("value"), node["schema"])
            if "schema" in node and "example" in node:
                yield Example(f"{pointer}/example", node["example"], node["schema"])
            for key, value in node.items():
                if key not in ("examples", "schema"):
                    yield from self._examples_in(value, f"{pointer}/{_escape(str(key))}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                yield from self._examples_in(value, f"{pointer}/{index}")


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def read_document(path: Path) -> dict[str, Any]:
    try:
        # utf-8-sig: a byte order mark (Windows editors write one) is not part of the document.
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SpecError(
            f"Spec file not found: {path}",
            hint=f"Check the path; `telecontract spec export {path}` writes the bundled spec there to start from.",
        ) from None
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise SpecError(
            f"{path}:{line}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x}).",
            hint="Save it as UTF-8: YAML and JSON documents are UTF-8.",
        ) from None
    except OSError as exc:
        raise SpecError(f"Cannot read spec file {path}: {exc.strerror}") from None
    try:
        document = _parse(text)
    except yaml.YAMLError as exc:
        raise SpecError(
            _yaml_problem(path, exc),
            hint="Fix the document at that place (in YAML: indentation, tabs, an unclosed bracket or quote).",
        ) from None
    if not isinstance(document, dict) or "openapi" not in document:
        raise SpecError(f"{path} is not an OpenAPI document (no top-level 'openapi' field).")
    return document


def _parse(text: str) -> Any:
    """YAML (or JSON) with libyaml when it is there (ten times faster: every suite process reads the
    spec); a document it refuses is read again by the pure-Python loader, whose messages we quote."""
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            return yaml.load(text, Loader=fast)  # CSafeLoader: the safe loader, in C
        except yaml.YAMLError:
            pass
    return yaml.safe_load(text)


def _yaml_problem(path: Path, exc: yaml.YAMLError) -> str:
    """One line, compiler style: `spec.yaml:3:1: not valid YAML or JSON: what (while what)`."""
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        mark = exc.problem_mark
        context = f" ({exc.context})" if exc.context else ""
        return f"{path}:{mark.line + 1}:{mark.column + 1}: not valid YAML or JSON: {exc.problem}{context}"
    # Other errors (a character YAML refuses) name the text they read: name the file instead.
    said = " ".join(str(exc).replace('"<unicode string>"', str(path)).split())
    return f"{path} is not valid YAML or JSON: {said}"


@functools.cache
def load_spec(path: Path | None = None) -> Spec:
    """The spec at `path` (default: `default_spec_path()`), parsed once per process."""
    path = path or default_spec_path()
    return Spec(read_document(path), source=path)
