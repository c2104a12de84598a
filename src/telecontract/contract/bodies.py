"""Request bodies for the suite's own requests, built from the spec rather than written by hand.

A test that writes its body by hand breaks when a team's edited spec (`--spec`) adds a required
request field or constrains one: the target rightly answers 400, and the gate fails outside any
named rule (or, worse, names one: no call, so no callback) on a false alarm. So every suite test
that sends a body asks here: the operation's own request example (the documents' example, in the
bundled spec) with the fields the rule is about set over it. Whatever else the spec requires and
the example lacks, or has in a form the spec no longer allows, is filled in: the value the spec
gives the field (`const`, `default`, `examples`, `enum`), else the smallest one schemathesis
generates from its schema, the same on every run. As for generated cases
(`telecontract.contract.generation`), URLs the provider would call point at loopback on the
embedded mock and at the user's receiver on a live run, where party numbers come from the list.

A body the spec refuses even so (an edit that constrains or renames a field the rule itself
sets) is a `SpecError` naming the field: the spec leaves that test no request to send, which is
no finding about the target.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import schemathesis
import schemathesis.errors
from hypothesis import HealthCheck, find, settings
from hypothesis.errors import HypothesisException

from telecontract.contract.generation import LOOPBACK_URL, URL_FIELDS, LiveLimits, listed_example, live_body
from telecontract.contract.options import RunOptions
from telecontract.errors import SpecError
from telecontract.numbers import PARTY_FIELDS
from telecontract.spec import Spec

# One search per field schema, the same each run: no database, derandomized, shrunk to the smallest.
SEARCH = settings(
    database=None, derandomize=True, max_examples=50, deadline=None, suppress_health_check=list(HealthCheck)
)
_NOTHING = object()  # no value found for a field


def request_body(
    spec: Spec,
    operation_id: str,
    fields: Mapping[str, Any] | None = None,
    *,
    media_type: str | None = None,
    from_example: bool = True,
    live: LiveLimits | None = None,
) -> Any:
    """A body for `operation_id` that its request schema accepts, with `fields` set as given.

    `fields` go over the operation's request example (the first that takes them; objects are
    merged, so `{"params": {"to": ...}}` keeps the example's other params). With
    `from_example=False` they are the whole body (a link's `requestBody`), completed only where
    the spec requires more. `media_type`: the request's, when it has several. `live`: the limits
    of a live run (None: the embedded mock).
    """
    content = _content(spec, operation_id)
    media_type = media_type or next(iter(content), None)
    if media_type not in content:
        raise SpecError(f"The spec's {operation_id} takes no {media_type or 'request'} body.")
    given = dict(fields or {})
    starts = _examples(spec, content[media_type]) if from_example else []
    bodies = [_merged(_within_limits(start, live), given) for start in starts or [{}]]
    validator = spec.request_validator(operation_id, media_type)
    for body in bodies:
        if validator.is_valid(body):
            return body
    filler = _Filler(spec, live)
    completed = [filler.complete(body, content[media_type]["schema"], given) for body in bodies]
    for body in completed:
        if validator.is_valid(body):
            return body
    error = next(iter(validator.iter_errors(completed[0])))
    where = ".".join(map(str, error.instance_path)) or "the body"
    raise SpecError(
        f"The spec's request schema for {operation_id} refuses the body this test sends "
        f"({where}: {error.message}), so the test cannot run against it.",
        hint=f"the spec constrains or renames a field the test sets ({', '.join(sorted(given)) or 'none'}); "
        "`telecontract spec export` writes the bundled definition to compare with",
    )


def live_limits(options: RunOptions, *, embedded: bool) -> LiveLimits | None:
    """What a run's own requests may ask for, as its generated cases: None on the embedded mock."""
    if embedded:
        return None
    return LiveLimits(tuple(options.numbers or ()), options.callback_url, options.allow_calls)


@dataclass(frozen=True, slots=True)
class Bodies:
    """`request_body` for one run: its spec and, on a live target, its limits (the suite's `bodies` fixture)."""

    spec: Spec
    live: LiveLimits | None = None

    def __call__(
        self,
        operation_id: str,
        fields: Mapping[str, Any] | None = None,
        *,
        media_type: str | None = None,
        from_example: bool = True,
    ) -> Any:
        return request_body(
            self.spec, operation_id, fields, media_type=media_type, from_example=from_example, live=self.live
        )


# ---- the example, the fields, and the run's limits -------------------------------------------------


def _content(spec: Spec, operation_id: str) -> dict[str, Any]:
    body = spec.resolve(spec.operation(operation_id).definition.get("requestBody", {}))
    return dict(body.get("content", {}))


def _examples(spec: Spec, media: dict[str, Any]) -> list[Any]:
    found = [spec.resolve(example).get("value") for example in media.get("examples", {}).values()]
    if "example" in media:
        found.append(media["example"])
    return [value for value in found if value is not None]


def _merged(base: Any, fields: Mapping[str, Any]) -> Any:
    """`fields` set over `base`: objects merged key by key, anything else replaced."""
    if not isinstance(base, dict):
        return dict(fields) if fields else base
    merged = dict(base)
    for name, value in fields.items():
        if isinstance(value, Mapping) and isinstance(merged.get(name), dict):
            merged[name] = _merged(merged[name], value)
        else:
            merged[name] = value
    return merged


def _within_limits(body: Any, live: LiveLimits | None) -> Any:
    """A value taken from the spec (an example, or a field filled in), as this run may send it."""
    if not isinstance(body, dict):
        return body
    if live is not None:
        body = live_body(body, live)
        return listed_example(body, live.listed) if live.listed else body
    body = {k: LOOPBACK_URL if k in URL_FIELDS and _is_url(v) else v for k, v in body.items()}
    if isinstance(body.get("params"), dict):
        body["params"] = _within_limits(body["params"], live)
    return body


def _is_url(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://"))


# ---- what the spec requires and the body lacks -------------------------------------------------


class _Filler:
    """Completes a body against its schema: required fields added, fields the spec refuses replaced.

    A field `fields` set is never touched. Of a `oneOf` or `anyOf`, the first branch the body can
    be completed to is taken (a dial example stays a dial).
    """

    def __init__(self, spec: Spec, live: LiveLimits | None) -> None:
        self.spec = spec
        self.live = live

    def complete(self, value: Any, schema: Any, given: Any) -> Any:
        schema = self.spec.resolve(schema)
        if not isinstance(value, dict) or not isinstance(schema, dict):
            return value
        return self._complete(
            value, schema, given if isinstance(given, Mapping) else {}, _properties(self.spec, schema)
        )

    def _complete(
        self, value: dict[str, Any], schema: dict[str, Any], given: Mapping[str, Any], known: dict[str, Any]
    ) -> Any:
        value = dict(value)
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value and (found := self._value_for(name, known.get(name, {}))) is not _NOTHING:
                value[name] = found
        for name, field_schema in properties.items():
            if name not in value or (name in given and not isinstance(given[name], Mapping)):
                continue  # absent and optional, or set by the test
            inner = given.get(name, {})
            current = self.complete(value[name], field_schema, inner)
            if not inner and not self._valid(current, field_schema):
                current = self._value_for(name, field_schema)
            if current is not _NOTHING:
                value[name] = current
        for part in schema.get("allOf", []):
            value = self._complete(value, self.spec.resolve(part), given, known)
        for keyword in ("oneOf", "anyOf"):
            branches = [self.spec.resolve(branch) for branch in schema.get(keyword, [])]
            if branches and not any(self._valid(value, branch) for branch in branches):
                for branch in (b for b in branches if self._fits(value, b, given)):
                    trial = self._complete(value, branch, given, known | _properties(self.spec, branch))
                    if self._valid(trial, branch):
                        value = trial
                        break
        return value

    def _fits(self, value: dict[str, Any], branch: dict[str, Any], given: Mapping[str, Any]) -> bool:
        """Can the body be this branch: no `const` of it (a `method`) contradicts the body, nor any
        field the test set? (So a hangup stays a hangup, and no dial is filled in to try.)"""
        for name, schema in _properties(self.spec, branch).items():
            if name not in value:
                continue
            schema = self.spec.resolve(schema)
            if isinstance(schema, dict) and "const" in schema and value[name] != schema["const"]:
                return False
            if name in given and not isinstance(given[name], Mapping) and not self._valid(value[name], schema):
                return False
        return True

    def _valid(self, value: Any, schema: Any) -> bool:
        return bool(self.spec.validator(schema).is_valid(value))

    def _value_for(self, name: str, schema: Any) -> Any:
        """A value for field `name`: this run's own where it has one, else the spec's, else generated."""
        schema = self.spec.resolve(schema)
        own: list[Any] = []
        if name in URL_FIELDS:
            own.append(f"{self.live.callback_url}/{name}" if self.live and self.live.callback_url else LOOPBACK_URL)
        if name in PARTY_FIELDS and self.live and self.live.listed:
            own += [self.live.listed[0], "+" + self.live.listed[0]]
        if isinstance(schema, dict):
            own += [schema[k] for k in ("const", "default", "example") if k in schema]
            own += list(schema.get("examples", [])) + list(schema.get("enum", []))
        for candidate in own:
            if self._valid(candidate, schema):
                return candidate
        return _generated(self.spec, json.dumps(schema, sort_keys=True))


def _properties(spec: Spec, schema: Any) -> dict[str, Any]:
    """Every property an object schema names, through allOf/oneOf/anyOf: the first definition wins."""
    schema = spec.resolve(schema)
    if not isinstance(schema, dict):
        return {}
    found = dict(schema.get("properties", {}))
    for keyword in ("allOf", "oneOf", "anyOf"):
        for part in schema.get(keyword, []):
            found = _properties(spec, part) | found
    return found


_GENERATED: weakref.WeakKeyDictionary[Spec, dict[str, Any]] = weakref.WeakKeyDictionary()


def _generated(spec: Spec, schema_json: str) -> Any:
    """The smallest value schemathesis generates for a field's schema, found once per spec and schema."""
    generated = _GENERATED.setdefault(spec, {})
    if schema_json not in generated:
        document = {
            "openapi": spec.document.get("openapi", "3.1.0"),
            "info": {"title": "one field", "version": "1"},
            "paths": {
                "/field": {
                    "post": {
                        "requestBody": {
                            "required": True,
                            "content": {"application/json": {"schema": json.loads(schema_json)}},
                        },
                        "responses": {"200": {"description": "taken"}},
                    }
                }
            },
            "components": spec.document.get("components", {}),
        }
        operation = schemathesis.openapi.from_dict(document)["/field"]["POST"]
        strategy = operation.as_strategy(generation_mode=schemathesis.GenerationMode.POSITIVE)
        try:
            generated[schema_json] = find(strategy.map(lambda case: case.body), lambda _: True, settings=SEARCH)
        except (HypothesisException, schemathesis.errors.SchemathesisError):
            generated[schema_json] = _NOTHING  # an unsatisfiable schema: the body stays without it
    return generated[schema_json]
