"""telecontract: contract tests, load tests and drift detection for telephony APIs.

The names a team imports are listed in `__all__` and documented in the README. They are imported
on first use, so `import telecontract.x` stays cheap (Locust workers, the CLI).
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "CallbackReceiver": "telecontract.testing",
    "Credentials": "telecontract.credentials",
    "DEFECTS": "telecontract.mock.defects",
    "Finding": "telecontract.findings",
    "MockProvider": "telecontract.testing",
    "QUIRKS": "telecontract.mock.quirks",
    "RunOptions": "telecontract.contract.options",
    "Spec": "telecontract.spec",
    "Verdict": "telecontract.verdict",
    "decide": "telecontract.verdict",
    "load_spec": "telecontract.spec",
    "route_to_mock": "telecontract.routing",
}

__all__ = [
    "DEFECTS",
    "QUIRKS",
    "CallbackReceiver",
    "Credentials",
    "Finding",
    "MockProvider",
    "RunOptions",
    "Spec",
    "Verdict",
    "decide",
    "load_spec",
    "route_to_mock",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'telecontract' has no attribute {name!r}")
    return getattr(importlib.import_module(_WHERE[name]), name)
