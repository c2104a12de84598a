"""`telecontract gate --dry-run`: what a run would do, per operation with the spec's marks, sending nothing."""

from __future__ import annotations

from rich.table import Table

from telecontract.cli.console import terminal
from telecontract.contract.options import RunOptions
from telecontract.contract.scope import in_scope, reasons_for
from telecontract.contract.target import credentials_needed
from telecontract.credentials import unset
from telecontract.phone import redact_number
from telecontract.spec import load_spec
from telecontract.wire.marks import Marks


def _marks_text(marks: Marks, operation: object) -> str:
    marked = marks.of(operation.operation_id)  # type: ignore[attr-defined]
    parts = []
    if marked.places_call:
        parts.append("places calls")
    if marked.call_switches:
        parts.append(f"places a call when {', '.join(sorted(marked.call_switches))} is true")
    if marked.party_fields:
        parts.append(f"people's numbers in {', '.join(sorted(marked.party_fields))}")
    if marked.callback_fields:
        parts.append(f"calls back {', '.join(sorted(marked.callback_fields))}")
    return "; ".join(parts) or "-"


def print_plan(options: RunOptions, urls: dict[str, str] | None) -> None:
    """What a run would do, without sending a single request."""
    console = terminal()
    spec = load_spec()
    reasons = reasons_for(spec, options)
    console.print("[bold]Dry run[/]: nothing is sent.")
    for surface, url in (urls or {"every surface": "the embedded mock on 127.0.0.1"}).items():
        console.print(f"target {surface}: {url}")
    table = Table(title="Operations")
    for column in ("operation", "plan", "the live-run guard knows (spec marks)"):
        table.add_column(column, overflow="fold")
    marks = Marks(spec)
    for operation in spec.operations():
        why = reasons.get(operation.operation_id)
        table.add_row(operation.label, f"left out: {why}" if why else "exercised", _marks_text(marks, operation))
    console.print(table)
    budget = options.effective_max_requests
    rate = options.effective_rate_limit
    console.print(
        f"requests: at most {budget} (--max-requests)" if budget else "requests: unbounded (the embedded mock)",
        f"at {rate}" if rate else "",
    )
    console.print(f"calls: {'allowed (--allow-calls)' if options.allow_calls else 'none placed'}")
    if options.live:
        where = options.callback_url or "none: callback, recording and play URLs are left out (--callback-url)"
        console.print(f"callbacks to: {where}")
    if missing := unset(credentials_needed(spec, options)):
        console.print(f"credentials: {', '.join(missing)} not set; the run would stop there (exit 2)")
    elif options.live:
        console.print("credentials: from the TELECONTRACT_* variables")
    console.print(f"operations exercised: {len(in_scope(spec, reasons))} of {len(spec.operations())}")
    if options.numbers:
        console.print(f"numbers ({len(options.numbers)}, only these go into party fields):")
        for number in options.numbers:
            console.print(f"  {redact_number(number)}")
    elif options.live:
        console.print("numbers: none listed (--numbers FILE), so no operation that takes a party number runs")
    else:
        console.print("numbers: generated for the embedded mock")
