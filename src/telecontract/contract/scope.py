"""Which operations a run exercises, and why it leaves the others out.

Against the embedded mock, all of them. Against a live target, an operation that takes a party
number needs the user's list (`--numbers`), one that places a call needs `--allow-calls`, and an
operation that only works on what an excluded one creates (the spec's links) goes with it.
"""

from __future__ import annotations

from telecontract.contract.options import RunOptions
from telecontract.spec import Operation, Spec

PARTY_OPERATIONS = frozenset(
    {
        "createSmsMaskedSession",
        "createSmsVoiceMaskedSession",
        "sendVoiceMessage",
        "controlVoiceCall",
        "createVtsMaskingSession",
    }
)
CALL_OPERATIONS = frozenset({"sendVoiceMessage", "controlVoiceCall"})
NOT_SELECTED = "not selected (--operation)"


def out_of_scope(
    spec: Spec,
    *,
    live: bool,
    numbers: tuple[str, ...] | None,
    allow_calls: bool,
    selected: tuple[str, ...] = (),
) -> dict[str, str]:
    """operationId -> why the run leaves it out. `selected`: --operation texts (empty: all)."""
    reasons: dict[str, str] = {}
    for operation in spec.operations():
        if selected and not any(text in operation.operation_id or text in operation.label for text in selected):
            reasons[operation.operation_id] = NOT_SELECTED
        elif not live:
            continue
        elif operation.operation_id in CALL_OPERATIONS and not allow_calls:
            reasons[operation.operation_id] = "places real calls; pass --allow-calls to include it"
        elif operation.operation_id in PARTY_OPERATIONS and not numbers:
            reasons[operation.operation_id] = "takes a party number; pass --numbers FILE with the numbers you may use"
    for source, target in _links(spec):
        if source in reasons and target not in reasons:
            reasons[target] = f"works on what {source} creates, which is left out"
    return reasons


def reasons_for(spec: Spec, options: RunOptions) -> dict[str, str]:
    """`out_of_scope` for a run's options (what the gate's plan and the suite both ask)."""
    return out_of_scope(
        spec,
        live=options.live,
        numbers=options.numbers,
        allow_calls=options.allow_calls,
        selected=options.operations,
    )


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
