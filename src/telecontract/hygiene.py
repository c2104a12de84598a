"""Checks on the spec itself: valid OpenAPI 3.1, resolvable refs, examples that match, 4xx bodies.

Each check returns the problems it found as sentences with a JSON pointer; an empty list is a pass.
The test suite runs them on every change, and `telecontract drift docs` runs them on demand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from openapi_spec_validator import OpenAPIV31SpecValidator

from telecontract.errors import SpecError
from telecontract.spec import Spec


@dataclass(frozen=True, slots=True)
class Problem:
    check: str
    pointer: str
    message: str

    def __str__(self) -> str:
        return f"[{self.check}] {self.pointer}: {self.message}"


def valid_openapi_31(spec: Spec) -> list[Problem]:
    if not str(spec.document.get("openapi", "")).startswith("3.1"):
        return [Problem("openapi-3.1", "#/openapi", f"version is {spec.document.get('openapi')!r}, not 3.1.x")]
    validator = OpenAPIV31SpecValidator(spec.document)
    return [
        Problem("openapi-3.1", "#/" + "/".join(map(str, error.absolute_path)), error.message)
        for error in validator.iter_errors()
    ]


def refs_resolve(spec: Spec) -> list[Problem]:
    problems = []
    for pointer, ref in _refs(spec.document, "#"):
        try:
            spec.pointer(ref)
        except SpecError:
            problems.append(Problem("refs-resolve", pointer, f"$ref {ref!r} does not resolve"))
    return problems


def _refs(node: Any, pointer: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield pointer, node["$ref"]
        for key, value in node.items():
            yield from _refs(value, f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _refs(value, f"{pointer}/{index}")


def examples_match_schemas(spec: Spec) -> list[Problem]:
    problems = []
    for example in spec.examples():
        try:
            validator = spec.validator(example.schema)
        except ValueError as exc:  # a schema that does not compile, e.g. an unresolvable $ref
            problems.append(Problem("examples-valid", example.pointer, f"schema does not compile: {exc}"))
            continue
        for error in validator.iter_errors(example.value):
            where = "/".join(map(str, error.instance_path)) or "(root)"
            problems.append(Problem("examples-valid", example.pointer, f"at {where}: {error.message}"))
    return problems


def client_errors_documented(spec: Spec) -> list[Problem]:
    problems = []
    for operation in spec.operations():
        responses = operation.definition.get("responses", {})
        documented = [
            spec.resolve(response)
            for status, response in responses.items()
            if str(status).startswith("4") or str(status) == "4XX"
        ]
        if not any(_has_schema(response) for response in documented):
            problems.append(
                Problem(
                    "4xx-documented",
                    f"#/paths/{operation.path}/{operation.method}",
                    f"{operation.label} has no 4xx response with a schema",
                )
            )
    return problems


def _has_schema(response: dict[str, Any]) -> bool:
    return any("schema" in media for media in response.get("content", {}).values())


CHECKS: dict[str, Callable[[Spec], list[Problem]]] = {
    "openapi-3.1": valid_openapi_31,
    "refs-resolve": refs_resolve,
    "examples-valid": examples_match_schemas,
    "4xx-documented": client_errors_documented,
}


def check_spec(spec: Spec) -> list[Problem]:
    return [problem for check in CHECKS.values() for problem in check(spec)]
