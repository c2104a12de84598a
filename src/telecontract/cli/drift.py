"""`telecontract drift`: has the API moved away from the spec, or the spec from itself?"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from telecontract import hygiene
from telecontract.cli.console import terminal
from telecontract.drift import output, recordings, spec_diff, traffic
from telecontract.drift.findings import ERROR, WARNING, Finding, drift_finding, exit_code
from telecontract.drift.severity import Level, apply_levels, read_levels
from telecontract.drift.shared import shared
from telecontract.errors import SpecError, UsageError
from telecontract.spec import Spec, default_spec_path, read_document

FAIL_ON = {"error": ERROR, "warning": WARNING}
Command = Callable[..., Any]  # a command's function, before or after click has wrapped it


def _load(path: Path) -> Spec:
    try:
        return Spec(read_document(path), source=path)
    except SpecError as exc:
        raise UsageError(str(exc.message), hint=exc.hint or "Pass an OpenAPI 3.x document (YAML or JSON).") from None


def _emit(findings: list[Finding], fmt: str, fail_on: str, title: str, notes: tuple[str, ...] = ()) -> None:
    click.echo(output.render(findings, fmt, title=title, notes=notes))
    raise SystemExit(exit_code(findings, FAIL_ON[fail_on]))


def _common(command: Command) -> Command:
    command = click.option("--format", "fmt", type=click.Choice(output.FORMATS), default="text", show_default=True)(
        command
    )
    return click.option(
        "--fail-on",
        type=click.Choice(sorted(FAIL_ON)),
        default="error",
        show_default=True,
        help="Lowest severity that makes the exit code 1.",
    )(command)


def _levels(command: Command) -> Command:
    """`--severity-levels FILE` and `--list-rules`, for the commands whose rules have ids."""
    command = click.option(
        "--severity-levels",
        "levels_file",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="A file of 'RULE LEVEL' lines (error, warning, info, off) that overrides default severities.",
    )(command)
    return click.option(
        "--list-rules",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=_list_rules,
        help="List every rule with its default severity and an example, and exit.",
    )(command)


def _read_levels(path: Path | None, known: list[str]) -> dict[str, Level]:
    return read_levels(path, known) if path is not None else {}


def _list_rules(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    table = Table(title=f"Rules of telecontract drift {ctx.info_name} (change a severity with --severity-levels)")
    for column in ("rule", "default severity", "what it means", "example"):
        table.add_column(column, overflow="fold")
    if ctx.info_name == "spec":
        for rule in spec_diff.RULES:
            table.add_row(rule.id, rule.severity, rule.summary, rule.example)
    else:
        for rule_id, (severity, summary) in traffic.TRAFFIC_RULES.items():
            table.add_row(rule_id, severity, summary, traffic.EXAMPLES[rule_id])
    terminal().print(table)
    ctx.exit(0)


@click.group(epilog="Example: telecontract drift spec old/openapi.yaml specs/openapi.yaml --format markdown")
def drift() -> None:
    """Spec against spec, traffic against spec, the spec's examples against its schemas.

    Exit codes: 0 no drift at or above --fail-on, 1 drift, 2 usage or input error.
    """


@drift.command(
    "spec",
    epilog="\b\nExamples:\n  telecontract drift spec old/openapi.yaml specs/openapi.yaml --fail-on warning\n"
    "  telecontract drift spec specs/openapi.yaml telesign-voice.yml --shared-operations",
)
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option(
    "--shared-operations",
    is_flag=True,
    help="OLD is our contract, NEW a provider's published definition: compare only the operations both "
    "describe, paired by method and path (server base path included, operation ids ignored).",
)
@_common
@_levels
def spec_command(
    old: Path, new: Path, shared_operations: bool, fmt: str, fail_on: str, levels_file: Path | None
) -> None:
    """Classify every change from OLD to NEW as breaking (error), risky (warning) or safe (info).

    Compares operations, status codes, parameters, headers and every field, inside oneOf / anyOf
    branches too: constraints both ways, types, enums, nullability, defaults, requiredness. A
    breaking change needs a new major info.version.

    With --shared-operations, the findings say where the provider's definition (NEW) and our
    contract (OLD) part ways: an error is where a client built to our contract may be caught out
    (a request the provider's word refuses, an answer our contract does not describe).
    Operations only one side has are listed in one line, not judged; info.version and servers
    are not compared.
    """
    levels = _read_levels(levels_file, [rule.id for rule in spec_diff.RULES])
    ours, theirs = _load(old), _load(new)
    if not shared_operations:
        _emit(spec_diff.diff(ours, theirs, levels), fmt, fail_on, f"spec drift {old} -> {new}")
    both = shared(ours, theirs)
    if not both.pairs:
        raise UsageError(
            f"{new} and {old} share no operation (method and path).",
            hint="Paths are joined to each document's server base path; check the servers of both.",
        )
    findings = spec_diff.diff(both.ours, both.theirs, levels, versioned=False)
    title = f"where {new} and our contract {old} part ways, over {len(both.pairs)} shared operation(s)"
    notes = (
        f"read as {old.name} -> {new.name}: what would change if our contract took the provider's word",
        both.left_out(old.name, new.name),
    )
    _emit(findings, fmt, fail_on, title, notes)


@drift.command("traffic", epilog="Example: telecontract drift traffic reports/gate/traffic.ndjson --format junit")
@click.argument("recording", type=click.Path(path_type=Path))
@click.option("--spec", "spec_path", type=click.Path(path_type=Path), default=None, help="Default: the bundled spec.")
@_common
@_levels
def traffic_command(recording: Path, spec_path: Path | None, fmt: str, fail_on: str, levels_file: Path | None) -> None:
    """Report what recorded traffic (NDJSON or HAR) does that the spec does not explain: the
    provider's answers and the client's requests alike."""
    levels = _read_levels(levels_file, list(traffic.TRAFFIC_RULES))
    spec = _load(spec_path or default_spec_path())
    recorded = recordings.read(recording)
    findings = apply_levels(traffic.analyse(spec, recorded.exchanges), levels)
    title = f"traffic drift in {recording} ({len(recorded.exchanges)} exchanges"
    title += f", {recorded.skipped} unreadable entries skipped)" if recorded.skipped else ")"
    _emit(findings, fmt, fail_on, title)


@drift.command("docs", epilog="Example: telecontract drift docs --spec edited.yaml")
@click.option("--spec", "spec_path", type=click.Path(path_type=Path), default=None, help="Default: the bundled spec.")
@_common
def docs_command(spec_path: Path | None, fmt: str, fail_on: str) -> None:
    """Every example in the spec still validates; the spec is valid OpenAPI 3.1 with resolvable refs."""
    spec = _load(spec_path or default_spec_path())
    findings = [drift_finding(p.check, ERROR, p.pointer, p.message) for p in hygiene.check_spec(spec)]
    _emit(findings, fmt, fail_on, f"spec hygiene of {spec.source}")
