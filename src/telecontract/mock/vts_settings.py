"""What a VTS request may set on a session: the spec's settings, typed; nothing else is kept.

The update schema lists the writable settings (and `session_uuid`, which the plivo SDK repeats in
the body) and forbids every other key; the mock names why: a read-only field (`first_party`,
`virtual_number`, ...) or an unknown one is a 400, never stored. Stored as given,
`first_party: ["x"]` once broke every later list and carrier request, of every client.
A create's own fields (parties, PIN and geomatch settings the plivo SDK sends) are accepted, but
only the settings the session renders are kept: an undocumented field is not stored.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from typing import Any

from telecontract.spec import Spec

UPDATE = "updateVtsMaskingSession"
READ_ONLY = frozenset(
    {
        "first_party",
        "second_party",
        "virtual_number",
        "status",
        "created_time",
        "modified_time",
        "expiry_time",
        "last_interaction_time",
        "total_call_count",
        "total_call_amount",
        "total_call_billed_duration",
        "interaction",
        "api_id",
        "message",
    }
)


def _properties(spec: Spec, schema: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    schema = spec.resolve(schema)
    for part in schema.get("allOf", []):
        yield from _properties(spec, part)
    for name, definition in schema.get("properties", {}).items():
        yield name, spec.resolve(definition)


@functools.cache
def updatable(spec: Spec) -> dict[str, dict[str, Any]]:
    """The update body's properties and their schemas, as the spec lists them."""
    return dict(_properties(spec, spec.request_schema(UPDATE, "application/json")))


def update_problem(spec: Spec, body: Mapping[str, Any]) -> tuple[str, str] | None:
    """(field, why) for the first field an update may not carry; None when every field may be set."""
    allowed = updatable(spec)
    for name in body:
        if name in READ_ONLY:
            return name, "is read-only: it cannot be changed by an update"
        if name not in allowed:
            return name, "is not a setting of a session"
    # A `session_uuid` in the body (the plivo SDK repeats it) is not read: the path names the session.
    return None


def typed(spec: Spec, settings: Mapping[str, Any], keep: Mapping[str, Any]) -> dict[str, Any]:
    """The settings named in `keep`, typed as the update schema says (JSON's 30.0 is the integer 30)."""
    schemas = updatable(spec)
    kept: dict[str, Any] = {}
    for name, value in settings.items():
        if name not in keep:
            continue
        if schemas.get(name, {}).get("type") == "integer" and isinstance(value, float):
            value = int(value)
        kept[name] = value
    return kept
