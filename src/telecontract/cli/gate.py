"""`telecontract gate`: run the contract suite against a target and give a verdict."""

from __future__ import annotations

import contextlib
import random
import tempfile
import time
from collections import Counter
from pathlib import Path

import click
import pytest
from rich.table import Table

from telecontract import hygiene
from telecontract import receiver_urls as receiver_targets
from telecontract.cli import gate_checks
from telecontract.cli.console import terminal
from telecontract.cli.gate_checks import find_suite
from telecontract.cli.gate_plan import print_plan
from telecontract.cli.gate_plugins import INTERRUPTED, Collect, Interruption
from telecontract.cli.gate_report import print_report, written_reports
from telecontract.cli.options import RATE, progress_option, spec_option, validity_unit_option
from telecontract.cli.self_test import run_self_test
from telecontract.contract import plugin as engine
from telecontract.contract.live_run import guarded
from telecontract.contract.progress import GateProgress
from telecontract.contract.rules import RULES
from telecontract.contract.scope import in_scope, reasons_for
from telecontract.contract.target import ENV_TARGET_URL, credentials_needed, described, live_target
from telecontract.credentials import Credentials
from telecontract.errors import UsageError
from telecontract.internals import hypothesis_home
from telecontract.progress import Mode
from telecontract.provenance import SOURCES, Provenance, every_provenance
from telecontract.receiver import suite as receiver_suite
from telecontract.redaction import redact_text
from telecontract.spec import Spec, load_spec, use_spec
from telecontract.webhooks import PROVIDER_TIMEOUT


def _list_rules(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    counts = Counter(Provenance.parse(p).source for p in every_provenance(load_spec().document))
    per_constraint = ", ".join(f"{counts[s]} {s}" for s in SOURCES)
    table = Table(
        title="Rules the gate reports (errors fail it; warnings with --strict or --fail-on-rule RULE; "
        "--warn-on-rule RULE lowers a rule's errors to warnings)"
    )
    for column in ("rule", "source", "severity", "what it says", "where it comes from"):
        table.add_column(column, overflow="fold")
    for name, rule in sorted(RULES.items()):
        if rule.provenance is None:
            where = f"x-provenance in the spec: {per_constraint}"
            table.add_row(name, "per constraint", "by source", rule.summary, where)
        else:
            severity = rule.severity_for(rule.provenance)
            table.add_row(name, rule.provenance.source, severity, rule.summary, rule.provenance.citation)
    console = terminal()
    console.print(table)
    console.print(
        "Each rule's level can be set: --fail-on-rule RULE (fail_on_rule = [...] in the config file) or "
        "--warn-on-rule RULE (warn_on_rule = [...]); a name that is not a rule above is a usage error (exit 2)."
    )
    ctx.exit(0)


@click.command(
    epilog="Examples: telecontract gate --target-url https://staging.example.com --numbers numbers.txt "
    "--strict; telecontract gate --receiver-url voiceEvent=http://127.0.0.1:8000/events --strict"
)
@click.option(
    "--target-url",
    envvar=ENV_TARGET_URL,
    default=None,
    help=f"Server under test for every path, e.g. a proxy (env {ENV_TARGET_URL}); default: the embedded mock.",
)
@click.option("--telesign-url", default=None, help="TeleSign host for Number Masking and Voice v2 (rest-ww).")
@click.option("--telesign-voice-url", default=None, help="TeleSign host for Voice v1 (rest-api).")
@click.option("--vts-url", default=None, help="VTS host.")
@click.option(
    "--numbers",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File of the numbers a live run may use, one per line (digits with country code; # comments). "
    "Without it, operations that take a party number are left out.",
)
@click.option(
    "--receiver-url",
    "receiver_urls",
    multiple=True,
    metavar="[KIND=]URL",
    help="Test your webhook receiver instead of a provider (repeatable). KIND is a webhook of the spec "
    "(voiceTransactionCallback, voiceEvent, maskingTransactionStatus, vtsSessionCallback); a bare URL "
    "receives every kind.",
)
@click.option(
    "--receiver-timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=PROVIDER_TIMEOUT,
    show_default=True,
    help="Seconds the provider waits for your receiver's answer (not documented: our inference).",
)
@click.option(
    "--allow-calls",
    is_flag=True,
    help="Let a live run place real calls (operations marked x-telecontract-places-call: Voice v1, Voice v2 dial).",
)
@click.option(
    "--callback-url",
    default=None,
    metavar="URL",
    help="Your receiver's base URL: on a live target the only host callback, recording and play URLs may name "
    "(without it they are left out of requests).",
)
@click.option(
    "--operation",
    "operations",
    multiple=True,
    help="Only operations whose operationId or label contains this text (repeatable), e.g. /v2/voice.",
)
@click.option("--strict", is_flag=True, help="Count warnings (inferred rules) as failures.")
@click.option(
    "--fail-on-rule",
    "fail_on_rules",
    multiple=True,
    metavar="RULE",
    help="Count this rule's warnings as failures, the others' not (repeatable), e.g. receiver_answers_in_time.",
)
@click.option(
    "--warn-on-rule",
    "warn_on_rules",
    multiple=True,
    metavar="RULE",
    help="Count this rule's errors as warnings only (repeatable), e.g. receiver_refuses_forged_callback when your "
    "receiver authenticates callbacks another way (an allow-list, mutual TLS).",
)
@validity_unit_option
@click.option("--dry-run", is_flag=True, help="Print the plan (operations, requests, numbers) and send nothing.")
@click.option("--seed", type=int, default=None, help="Hypothesis seed, for a reproducible run.")
@click.option(
    "--rate-limit", type=RATE, default=None, help="Requests per time unit, e.g. 10/s (default when live: 10/s)."
)
@click.option(
    "--max-requests",
    type=click.IntRange(1),
    default=None,
    help="Request budget (default when live: 5000); if it runs out, the gate exits 3 (incomplete).",
)
@click.option("--deep", is_flag=True, help="Many more generated cases per operation (slower).")
@progress_option
@click.option(
    "--junit-xml",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write a JUnit XML report here.",
)
@click.option(
    "--report-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write report.html, junit.xml, summary.md, traffic.har and traffic.ndjson (all redacted) here.",
)
@spec_option("to test against; an edited copy drives everything")
@click.option("--suite", type=click.Path(path_type=Path), default=None, help="Contract suite folder.")
@click.option(
    "--defect",
    "defects",
    multiple=True,
    metavar="NAME",
    help="Switch a defect on in the embedded mock (repeatable), to see the gate catch it; "
    "see telecontract mock --list-defects.",
)
@click.option(
    "--self-test",
    is_flag=True,
    help="Prove detection power: run the suite (strict) once per mock defect and on the faithful mock.",
)
@click.option(
    "--seeds", default=5, show_default=True, type=click.IntRange(1, 100), help="With --self-test: faithful runs."
)
@click.option(
    "--list-rules",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_list_rules,
    help="List every rule with its source and severity, and exit.",
)
@click.argument("pytest_args", nargs=-1, type=click.UNPROCESSED)
def gate(
    target_url: str | None,
    telesign_url: str | None,
    telesign_voice_url: str | None,
    vts_url: str | None,
    numbers: Path | None,
    receiver_urls: tuple[str, ...],
    receiver_timeout: float,
    allow_calls: bool,
    callback_url: str | None,
    operations: tuple[str, ...],
    strict: bool,
    fail_on_rules: tuple[str, ...],
    warn_on_rules: tuple[str, ...],
    validity_unit: str,
    dry_run: bool,
    seed: int | None,
    rate_limit: str | None,
    max_requests: int | None,
    deep: bool,
    progress: Mode,
    junit_xml: Path | None,
    report_dir: Path | None,
    spec_path: Path | None,
    suite: Path | None,
    defects: tuple[str, ...],
    self_test: bool,
    seeds: int,
    pytest_args: tuple[str, ...],
) -> None:
    """Run the contract suite. Exit 0 pass, 1 a sourced rule broke (or any, with --strict), 2 usage
    error, 3 incomplete (the request budget ran out).

    Credentials for a live target come from TELECONTRACT_TELESIGN_CUSTOMER_ID,
    TELECONTRACT_TELESIGN_API_KEY, TELECONTRACT_VTS_AUTH_ID and TELECONTRACT_VTS_AUTH_TOKEN.
    Extra arguments after `--` go to pytest (except the options the gate sets itself: refused).
    Every option is checked before anything starts: a mistake is exit 2 with nothing sent.
    """
    if spec_path is not None:
        # A bad file is a usage error here, before anything runs; examples it no longer honours, a note.
        _note_inconsistent_examples(use_spec(spec_path), spec_path)
    context = click.get_current_context()
    gate_flags = {flag for param in context.command.params for flag in param.opts}
    gate_checks.refuse_gate_options(pytest_args, gate_flags, deep=deep)
    if seed is None and not (self_test or dry_run):
        # Every run has a seed, printed with the command that repeats it.
        seed = random.SystemRandom().randrange(1, 2**31)
    options = gate_checks.options_from(context.params | {"seed": seed})
    target = live_target(options, Credentials.from_env()) if options.live else None  # checks the URLs
    receivers = dict(options.receiver_urls)
    if receivers:
        receiver_targets.check_reachable(receivers)
    if self_test:
        if options.live:
            raise UsageError("--self-test runs against the embedded mock's defects; drop the target URLs.")
        run_self_test(find_suite(suite), seeds, progress, options)  # with --spec and --operation
        return
    if dry_run:
        print_plan(options, target.urls if target else None)
        return
    spec = load_spec()
    gate_checks.check_something_runs(spec, options)
    Credentials.from_env(required=credentials_needed(spec, options))
    gate_checks.check_writable(report_dir, junit_xml.parent if junit_xml else None)
    # The engine comes as a plugin object, so the suite runs the same from any folder; no cache is
    # written next to it (it may live in site-packages).
    chosen = find_suite(suite) if not receivers else Path(receiver_suite.__file__).resolve().parent
    # Not the addopts of whatever project the suite sits in (ours runs its own tests on two workers).
    args = [str(chosen), "-q", "-o", "addopts=", "-p", "no:cacheprovider", "-p", "no:randomly", "-o", "timeout=300"]
    args += ["-W", "ignore::pytest.PytestAssertRewriteWarning"]  # our plugins load before pytest starts
    if seed is not None:
        args.append(f"--hypothesis-seed={seed}")
    if deep:
        args.append("--hypothesis-profile=deep")
    if report_dir:
        junit_xml = junit_xml or report_dir / "junit.xml"
    if junit_xml:
        args.append(f"--junit-xml={junit_xml}")
    args += pytest_args
    collect, interruption = Collect(), Interruption()
    started = time.time()
    operation_count = 0 if receivers else len(spec.operations())
    exercised = 0 if receivers else len(in_scope(spec, reasons_for(spec, options)))
    progress_plugin = GateProgress(progress, operation_count, exercised)
    # Hypothesis keeps failing examples in a folder: with the reports when there are some, else in a
    # temporary one, never as a stray .hypothesis/ in the team's working folder.
    try:
        with (
            interruption.handled(),
            tempfile.TemporaryDirectory(prefix="telecontract-") as scratch,
            contextlib.ExitStack() as stack,
        ):
            # Every request of a live run leaves through the guard; a target that cannot be reached: exit 2.
            guard = stack.enter_context(guarded(options, spec)) if target else None
            plugins = [engine.Preset(options, guard), engine, collect, interruption, progress_plugin]
            stack.enter_context(hypothesis_home(report_dir / ".hypothesis" if report_dir else Path(scratch)))
            # One options object, handed over as is: no argv or environment round trip.
            exit_code = int(pytest.main(args, plugins=plugins))
    except KeyboardInterrupt:  # before pytest's session, or a second Ctrl-C while it stopped
        interruption.caught = True
    if interruption.caught:
        click.echo(
            f"interrupted: the run stopped at Ctrl-C, before its verdict; repeat it with: {options.command()}",
            err=True,
        )
        raise SystemExit(INTERRUPTED)
    verdict = collect.summary.verdict(strict=strict, suite_status=exit_code)
    where = ", ".join(sorted(set(receivers.values()))) if receivers else described(options).removeprefix("the ")
    written = written_reports(options.report_dir, junit_xml, since=started)
    print_report(collect.summary, verdict, redact_text(where), receiver=bool(receivers), written=written)
    terminal().print(f"seed {seed}; repeat this run with: {options.command()}", soft_wrap=True, highlight=False)
    raise SystemExit(verdict.exit_code)


def _note_inconsistent_examples(spec: Spec, path: Path) -> None:
    """An edited spec whose own request examples no longer match its schemas: the run sends them, so
    a target that refuses them is right, and the warnings they raise are the spec's to fix."""
    stale = [problem for problem in hygiene.examples_match_schemas(spec) if "/requestBody/" in problem.pointer]
    if stale:
        terminal().print(
            f"note: {len(stale)} request example(s) in {path} do not match their own schemas "
            f"(first: {stale[0].pointer}); "
            f"warnings about the answers to them are the spec's to fix: telecontract drift docs --spec {path}",
            soft_wrap=True,
            highlight=False,
        )
