"""Is a response what the spec says? Used by every load scenario: a non-conforming 2xx is a failure."""

from __future__ import annotations

from telecontract.conformance import response_problems
from telecontract.spec import Spec


def violation(spec: Spec, operation_id: str, status: int, content_type: str, body: bytes) -> str | None:
    """Why the response breaks the spec (the first reason), or None when it conforms."""
    first = next(iter(response_problems(spec, spec.operation(operation_id), status, content_type, body)), None)
    if first is None:
        return None
    where = f": {first.where.lstrip('/') or '(root)'}" if first.step == "schema" else ""
    return f"{operation_id} {status}{where}: {first.message}"
