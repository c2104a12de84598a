"""`telecontract gate`: run the contract suite against a target and give a verdict."""

from __future__ import annotations

import contextlib
import random
import signal
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import FrameType

import click
import pytest
from rich.table import Table

from telecontract import receiver_urls as receiver_targets
from telecontract.cli import gate_checks
from telecontract.cli.console import terminal
from telecontract.cli.gate_checks import find_suite
from telecontract.cli.options import RATE, progress_option, spec_option, validity_unit_option
from telecontract.cli.self_test import run_self_test
from telecontract.contract import plugin as engine
from telecontract.contract.live_run import guarded
from telecontract.contract.options import RunOptions
from telecontract.contract.progress import GateProgress
from telecontract.contract.rules import RULES
from telecontract.contract.scope import in_scope, reasons_for
from telecontract.contract.summary import RunSummary, summary_for
from telecontract.contract.target import ENV_TARGET_URL, credentials_needed, described, live_target
from telecontract.credentials import Credentials, unset
from telecontract.errors import UsageError
from telecontract.internals import hypothesis_home
from telecontract.phone import redact_number
from telecontract.progress import Mode
from telecontract.provenance import SOURCES, Provenance, every_provenance
from telecontract.receiver import suite as receiver_suite
from telecontract.redaction import redact_text
from telecontract.spec import load_spec, use_spec
from telecontract.verdict import Verdict
from telecontract.webhooks import PROVIDER_TIMEOUT
from telecontract.wire.marks import Marks


class _Collect:
    """A pytest plugin that hands the run's summary back to the CLI, which prints it (the engine does not)."""

    def __init__(self) -> None:
        self.summary = RunSummary()

    def pytest_configure(self, config: pytest.Config) -> None:
        self.summary = summary_for(config)
        config.stash[engine.SUMMARY_PRINTED_BY_CALLER] = True


# The shell's code for a process that Ctrl-C (SIGINT) stopped: 128 + 2.
INTERRUPTED = 130


class _Interruption:
    """Ctrl-C during a run: pytest stops and prints nothing more; the gate says so in one line (exit 130).

    pytest's own answer to a KeyboardInterrupt is its traceback, every error the interrupted fixtures
    left, and exit status 2 ("the suite could not run"). Here the terminal report is dropped once the
    interrupt is caught. A KeyboardInterrupt can also land where Python swallows it (a garbage
    collector callback): the handler then still asks pytest to stop after the running test.
    """

    def __init__(self) -> None:
        self.caught = False
        self.config: pytest.Config | None = None
        self.session: pytest.Session | None = None

    def pytest_configure(self, config: pytest.Config) -> None:
        self.config = config

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self.session = session

    @pytest.hookimpl(tryfirst=True)
    def pytest_keyboard_interrupt(self) -> None:
        self.caught = True
        if self.config is not None and (reporter := self.config.pluginmanager.get_plugin("terminalreporter")):
            writer = self.config.get_terminal_writer()
            if writer.width_of_current_line:  # a test's letter: the gate's line starts a line of its own
                writer.line()
            writer.flush()
            self.config.pluginmanager.unregister(reporter)

    @contextlib.contextmanager
    def handled(self) -> Iterator[None]:
        """Python's own SIGINT handler, which also marks the run interrupted (a SIGINT ignored stays so)."""
        previous = signal.getsignal(signal.SIGINT)
        if previous is not signal.default_int_handler or threading.current_thread() is not threading.main_thread():
            yield
            return

        def interrupt(signum: int, frame: FrameType | None) -> None:
            self.caught = True
            if self.session is not None:
                self.session.shouldstop = "interrupted"
            raise KeyboardInterrupt

        signal.signal(signal.SIGINT, interrupt)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous)


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
        use_spec(spec_path)  # a bad file is a usage error here, before anything runs
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
        _print_plan(options, target.urls if target else None)
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
    collect, interruption = _Collect(), _Interruption()
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
    written = _written(options.report_dir, junit_xml, since=started)
    _report(collect.summary, verdict, redact_text(where), receiver=bool(receivers), written=written)
    terminal().print(f"seed {seed}; repeat this run with: {options.command()}", soft_wrap=True, highlight=False)
    raise SystemExit(verdict.exit_code)


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


def _print_plan(options: RunOptions, urls: dict[str, str] | None) -> None:
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


# What the engine and pytest write, in the order a reader wants them.
REPORTS = ("report.html", "summary.md", "junit.xml", "traffic.har", "traffic.ndjson")


def _written(report_dir: Path | None, junit_xml: Path | None, *, since: float) -> list[Path]:
    """The reports this run wrote (an earlier run's left in the folder are not this run's)."""
    paths = [report_dir / name for name in REPORTS] if report_dir else []
    if junit_xml and junit_xml not in paths:
        paths.append(junit_xml)
    # A second of slack: some file systems keep modification times in whole seconds.
    return [path for path in paths if path.is_file() and path.stat().st_mtime >= since - 1]


def _report(
    summary: RunSummary, verdict: Verdict, target: str, *, receiver: bool = False, written: Sequence[Path] = ()
) -> None:
    console = terminal()
    subject = "webhook" if receiver else "operation"
    table = Table(title=f"{'Receiver' if receiver else 'Contract'} gate against {target}")
    table.add_column(subject, no_wrap=True)
    for column in ("cases", "checks", "failed checks", "errors", "warnings"):
        table.add_column(column, justify="right")
    rows = _rows(summary, f"(no single {subject})")
    for label, *figures in rows:
        table.add_row(label, *map(str, figures))
    totals = [sum(column) for column in zip(*(figures for _, *figures in rows), strict=True)] if rows else [0] * 5
    table.add_row("total", *map(str, totals), style="bold")
    console.print(table)
    console.print(f"check kinds: {', '.join(sorted(summary.check_names)) or 'none'}")
    for (rule, severity, source), count in sorted(summary.rule_counts().items()):
        colour = "red" if severity == "error" else "yellow"
        console.print(f"[{colour}]{severity}[/]: {rule} x{count} (source: {source})")
    for label, why in sorted(summary.out_of_scope.items()):
        console.print(f"left out: {label}: {why}")
    if written:  # where to look next, once, before the verdict (as `telecontract load` says it)
        console.print(f"reports: {', '.join(map(str, written))}", soft_wrap=True, highlight=False)
    colour = {"PASS": "green", "INCOMPLETE": "yellow"}.get(verdict.label, "red")
    console.print(f"[bold {colour}]{verdict.label}[/]: {verdict.reason}", soft_wrap=True)  # one line


def _rows(summary: RunSummary, elsewhere: str) -> list[tuple[str, int, int, int, int, int]]:
    """(label, cases, checks, failed checks, errors, warnings) per operation or webhook, so the rows add up
    to the total: each finding counts on the row it is about, and those about none on a row of their own."""
    by_row: dict[str, Counter[str]] = {label: Counter() for label in summary.operations}
    for found in summary.findings:
        row = found.operation if found.operation in by_row else elsewhere
        by_row.setdefault(row, Counter())[found.severity] += 1
    rows = []
    for label, counts in sorted(by_row.items(), key=lambda item: (item[0] == elsewhere, item[0])):
        tally = summary.operations.get(label)
        figures = (tally.cases, tally.checks, tally.failed_checks) if tally else (0, 0, 0)
        rows.append((label, *figures, counts["error"], counts["warning"]))
    return rows
