"""Which operations a run exercises, and why it leaves the others out.

Against the embedded mock, all of them. Against a live target, by the spec's marks (so an edited
spec with other operation ids is scoped the same): an operation that places a call needs
`--allow-calls`, one whose body takes a person's number needs the user's list (`--numbers`), one
whose provider has no URL (its own flag or `--target-url`) is not sent anywhere, and an operation
that only works on what an excluded one creates (the spec's links) goes with it.
"""

from __future__ import annotations

from telecontract.contract.live_run import upstreams
from telecontract.contract.options import RunOptions
from telecontract.spec import Operation, Spec
from telecontract.wire.marks import Marks
from telecontract.wire.policy import PROVIDERS, provider_of

NOT_SELECTED = "not selected (--operation)"


def out_of_scope(spec: Spec, options: RunOptions) -> dict[str, str]:
    """operationId -> why the run leaves it out."""
    selected = options.operations
    hosts = upstreams(options)
    marks = Marks(spec)
    reasons: dict[str, str] = {}
    for operation in spec.operations():
        marked = marks.of(operation.operation_id)
        if selected and not any(text in operation.operation_id or text in operation.label for text in selected):
            reasons[operation.operation_id] = NOT_SELECTED
        elif not options.live:
            continue
        elif hosts[provider := provider_of(operation.path)] is None:
            name, flag = PROVIDERS[provider]
            reasons[operation.operation_id] = f"no URL for {name}; pass {flag} (or --target-url) to include it"
        elif marked.places_call and not options.allow_calls:
            reasons[operation.operation_id] = "places real calls; pass --allow-calls to include it"
        elif marked.body_party_fields and not options.numbers:
            reasons[operation.operation_id] = "takes a party number; pass --numbers FILE with the numbers you may use"
    for source, target in _links(spec):
        if source in reasons and target not in reasons:
            reasons[target] = f"works on what {source} creates, which is left out"
    return reasons


def reasons_for(spec: Spec, options: RunOptions) -> dict[str, str]:
    """`out_of_scope` for a run's options (what the gate's plan and the suite both ask)."""
    return out_of_scope(spec, options)


def in_scope(spec: Spec, reasons: dict[str, str]) -> list[Operation]:
    return [op for op in spec.operations() if op.operation_id not in reasons]


def _links(spec: Spec) -> list[tuple[str, str]]:
    return [
        (operation.operation_id, link["operationId"])
        for operation in spec.operations()
        for response in operation.definition.get("responses", {}).values()
        for link in spec.resolve(response).get("links", {}).values()
        if link.get("operationId") and link["operationId"] != operation.operation_id
    ]
