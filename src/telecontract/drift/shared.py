"""Our contract against a provider's own definition, over the operations both describe.

Operation ids differ between the two (ours `createSmsMaskedSession`, theirs
`createMaskedSMSSession`), so operations pair by method and path: the path joined to the base path
of the operation's servers (TeleSign's `/voice` on `https://rest-ww.telesign.com/v2` is our
`/v2/voice`), path parameters by position (`{id}` is `{reference_id}`), a trailing slash ignored.
Both documents are then cut down to those operations, theirs filed under our paths, so the one
spec diff compares them; servers are left out of both (their base paths are in the paths now).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from telecontract.spec import Operation, Spec

_PARAMETER = re.compile(r"\{[^}/]*\}")


@dataclass(frozen=True, slots=True)
class Shared:
    ours: Spec  # our document, only the shared operations
    theirs: Spec  # theirs, only the shared operations, each under our path
    pairs: tuple[tuple[str, str], ...]  # (our "METHOD path", theirs)
    only_ours: tuple[str, ...]  # operations and webhooks left out, each side
    only_theirs: tuple[str, ...]

    def left_out(self, ours: str, theirs: str) -> str:
        """One line: what each side has that the other does not."""

        def listed(name: str, keys: tuple[str, ...]) -> str:
            return f"only in {name} ({len(keys)}): {', '.join(keys) if keys else 'none'}"

        return f"left out: {listed(ours, self.only_ours)}; {listed(theirs, self.only_theirs)}"


def shared(ours: Spec, theirs: Spec) -> Shared:
    """Both documents reduced to the operations they share, paired by method and path."""
    their_ops = {key: op for op in theirs.operations() for key in _match_keys(theirs, op)}
    pairs: dict[str, tuple[Operation, Operation]] = {}
    for op in ours.operations():
        found = next((their_ops[k] for k in sorted(_match_keys(ours, op)) if k in their_ops), None)
        if found is not None and found.label not in {t.label for _, t in pairs.values()}:
            pairs[op.label] = (op, found)
    taken = {t.label for _, t in pairs.values()}
    only_ours = [op.label for op in ours.operations() if op.label not in pairs]
    only_theirs = [op.label for op in theirs.operations() if op.label not in taken]
    only_ours += [f"WEBHOOK {name}" for name in ours.webhooks()]
    only_theirs += [f"WEBHOOK {name}" for name in theirs.webhooks()]
    return Shared(
        _reduced(ours, [(o, o) for o, _ in pairs.values()]),
        _reduced(theirs, list(pairs.values())),
        tuple((o.label, t.label) for o, t in pairs.values()),
        tuple(only_ours),
        tuple(only_theirs),
    )


def _match_keys(spec: Spec, op: Operation) -> set[str]:
    """`POST /v2/voice` for each base path the operation may be served under."""
    path = _PARAMETER.sub("{}", op.path).rstrip("/") or "/"
    return {f"{op.method.upper()} {(base + path).rstrip('/') or '/'}" for base in _base_paths(spec, op)}


def _base_paths(spec: Spec, op: Operation) -> set[str]:
    """The path part of the servers that serve the operation (its own, its path's, or the document's)."""
    item = spec.resolve(spec.document.get("paths", {}).get(op.path, {}))
    servers = op.definition.get("servers") or item.get("servers") or spec.document.get("servers") or []
    bases = {_base_path(server) for server in servers if isinstance(server, dict) and "url" in server}
    return bases or {""}


def _base_path(server: dict[str, Any]) -> str:
    """`https://rest-ww.telesign.com/v2` -> `/v2`, server variables at their defaults."""
    url = str(server["url"])
    for name, variable in (server.get("variables") or {}).items():
        url = url.replace(f"{{{name}}}", str((variable or {}).get("default", "")))
    return _PARAMETER.sub("{}", urlparse(url).path).rstrip("/")


def _reduced(spec: Spec, pairs: list[tuple[Operation, Operation]]) -> Spec:
    """`spec` with only the operations of `pairs` (ours, kept), each filed under our path; no servers."""
    paths: dict[str, dict[str, Any]] = {}
    for ours, kept in pairs:
        item = spec.resolve(spec.document.get("paths", {}).get(kept.path, {}))
        names = _renamed(kept.path, ours.path)
        target = paths.setdefault(ours.path, {})
        if "parameters" in item:
            target["parameters"] = _parameters(spec, item["parameters"], names)
        definition = dict(kept.definition)
        if "parameters" in definition:
            definition["parameters"] = _parameters(spec, definition["parameters"], names)
        target[ours.method] = definition
    document = {k: v for k, v in spec.document.items() if k not in ("paths", "webhooks", "servers")}
    return Spec({**document, "paths": paths}, source=spec.source)


def _renamed(theirs: str, ours: str) -> dict[str, str]:
    """Their path parameter names -> ours, by position: `/call/{id}` against `/call/{reference_id}`."""
    return {t[1:-1]: o[1:-1] for t, o in zip(_PARAMETER.findall(theirs), _PARAMETER.findall(ours), strict=False)}


def _parameters(spec: Spec, declared: list[Any], names: dict[str, str]) -> list[Any]:
    """Path parameters under our names, so they compare with ours; the others as written."""
    result = []
    for parameter in declared:
        found = spec.resolve(parameter)
        if isinstance(found, dict) and found.get("in") == "path" and names.get(found.get("name", "")):
            parameter = {**found, "name": names[found["name"]]}
        result.append(parameter)
    return result
