"""Detection power, proven: the suite against the mock once per defect, and against the faithful mock.

Every run is strict (warnings count). A defect counts as caught only when the finding it declares
(`mock.defects.Expected`: the rule, the operation or webhook, a detail of its own) appears in its
run: a failure of the same rule elsewhere or for another cause proves nothing. A defect whose rule
is sourced (documented or provider-reference) must be caught as an error, so the gate catches it
without `--strict` too. Each defect run has a control: the faithful mock with the same seed and
the same scope (operations), which must pass with no finding at all; so no finding of a defect's
run is one the faithful mock would have produced anyway. A run that could not run (pytest's
status beyond 1) is an error of the self-test, never a catch.

Each run is a separate pytest process (schemathesis and hypothesis keep global state), two at a
time; each is judged by `telecontract.verdict.decide`. The runs get the spec and the operations
the gate was given (`--spec`, `--operation`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from telecontract.contract.rules import rule
from telecontract.findings import Finding
from telecontract.mock.defects import DEFECTS, Expected
from telecontract.spec import Spec, load_spec
from telecontract.verdict import Verdict, decide


@dataclass(frozen=True, slots=True)
class Planned:
    """One run to make: a defect (None: the faithful mock), a seed, the operations it covers."""

    defect: str | None
    seed: int
    operations: tuple[str, ...] = ()  # --operation texts; empty: every operation
    left_out: str = ""  # why the run cannot be made (its defect's operations are not selected)

    @property
    def label(self) -> str:
        if self.defect is not None:
            return self.defect
        scope = f", {' '.join(self.operations)}" if self.operations else ""
        return f"faithful (seed {self.seed}{scope})"

    @property
    def expected(self) -> Expected | None:
        return DEFECTS[self.defect].expected if self.defect is not None else None


@dataclass(frozen=True, slots=True)
class SuiteRun:
    label: str
    defect: str | None
    seed: int
    exit_code: int  # pytest's own session status, from the run's summary (-1: no summary written)
    process_exit_code: int  # differs from exit_code only if the process died after pytest finished
    findings: list[Finding]
    verdict: Verdict  # strict
    output_tail: str
    operations: tuple[str, ...] = ()
    expected: Expected | None = None  # the finding that proves the defect caught
    left_out: str = ""

    @property
    def failed_rules(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for found in self.findings:
            counts[found.rule] = counts.get(found.rule, 0) + 1
        return counts

    @property
    def crashed_after_finishing(self) -> bool:
        return self.exit_code == 0 and self.process_exit_code != 0

    @property
    def could_run(self) -> bool:
        """pytest ran the suite to its end (0: passed, 1: tests failed); else an error of the run."""
        return self.exit_code in (0, 1)

    @property
    def caught(self) -> Finding | None:
        """The declared finding, if this run produced it (errors first: they catch without --strict)."""
        if self.expected is None or not self.could_run:
            return None
        matching = [f for f in self.findings if matches(self.expected, f)]
        return min(matching, key=lambda f: f.severity != "error", default=None)

    @property
    def needs_error(self) -> bool:
        """The declared rule is sourced and not a warning by nature, so the gate must fail without --strict."""
        if self.expected is None:
            return False
        intended = rule(self.expected.rule)
        if intended.severity == "warning":
            return False
        return intended.provenance is None or intended.provenance.sourced

    @property
    def caught_without_strict(self) -> bool:
        return self.caught is not None and self.caught.severity == "error"

    @property
    def ok(self) -> bool:
        if self.left_out:
            return True  # not a verdict on detection: the table says why it was not run
        if self.defect is None:
            # Judged on what pytest concluded; a crash at interpreter exit is reported apart.
            return self.verdict.passed and not self.findings
        return (
            not self.verdict.passed and self.caught is not None and (self.caught_without_strict or not self.needs_error)
        )

    @property
    def evidence(self) -> str:
        """What the run showed, in a line: the finding that caught the defect, or what went wrong."""
        if self.left_out:
            return f"left out: {self.left_out}"
        if not self.could_run:
            return f"error: the suite could not run (pytest exit status {self.exit_code})"
        if self.defect is None:
            return (
                "clean" if self.ok else f"{len(self.findings)} findings: {', '.join(sorted(self.failed_rules)) or '-'}"
            )
        if (found := self.caught) is not None:
            return f"{found.rule} on {found.operation}: {found.message}"
        return f"missed; found {', '.join(sorted(self.failed_rules)) or 'nothing'}"


def matches(expected: Expected, found: Finding) -> bool:
    """Is `found` the finding `expected` declares: its rule, where, and its detail in the message?"""
    return found.rule == expected.rule and found.operation == expected.where and expected.detail in found.message


def plan(
    *,
    defects: Iterable[str] | None = None,
    seed: int = 1,
    faithful_seeds: Iterable[int] = (),
    narrow: bool = False,
    selected: tuple[str, ...] = (),
    spec: Spec | None = None,
) -> list[Planned]:
    """The runs of a self-test: controls first, then one run per defect.

    Every defect runs with `seed`; `narrow`: only where it shows (`Defect.operations`), else over
    `selected` (the gate's --operation, empty: everything). Each scope a defect run covers gets a
    faithful control with the same seed; `faithful_seeds` add faithful runs over `selected`.
    """
    spec = spec or load_spec()
    runs = [_defect_run(name, seed, narrow, selected, spec) for name in (DEFECTS if defects is None else defects)]
    controls = [Planned(None, s, selected) for s in faithful_seeds]
    controls += [Planned(None, run.seed, run.operations) for run in runs if not run.left_out]
    unique = list(dict.fromkeys(controls))  # one control per (seed, scope), in order
    return unique + runs


def _defect_run(name: str, seed: int, narrow: bool, selected: tuple[str, ...], spec: Spec) -> Planned:
    shows = DEFECTS[name].operations if narrow else ()
    if not selected or not shows:
        return Planned(name, seed, shows or selected)
    # Both narrowings at once: the operations the defect shows on that --operation also selects.
    both = tuple(op.operation_id for op in spec.operations() if _picked(op.operation_id, op.label, shows, selected))
    return Planned(name, seed, both, left_out="" if both else "none of the operations it shows on is selected")


def _picked(operation_id: str, label: str, *texts: tuple[str, ...]) -> bool:
    """Chosen by every list of --operation texts (a text picks what it is part of, as in `scope`)."""
    return all(any(text in operation_id or text in label for text in chosen) for chosen in texts)


def run_suite(suite: Path, planned: Planned, *, profile: str | None = None, spec_path: Path | None = None) -> SuiteRun:
    """One suite run, as `planned` says, against the spec at `spec_path` (default: the bundled one)."""
    with tempfile.TemporaryDirectory() as scratch:
        summary_path = Path(scratch) / "summary.json"
        args = [
            sys.executable,
            "-m",
            "pytest",
            str(suite),
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            "-o",
            "addopts=",  # one process per run: not a project's addopts (ours: two test workers)
            f"--hypothesis-seed={planned.seed}",
            f"--summary-json={summary_path}",
            "--contract-strict",
            # A run is judged by its findings, not by pytest's reading of a failed assert: without
            # rewriting, each run's start is some 40% cheaper (it rewrote ~370 modules every time
            # where bytecode is not cached, as with PYTHONDONTWRITEBYTECODE).
            "--assert=plain",
        ]
        if planned.defect:
            args.append(f"--defect={planned.defect}")
        args += [f"--operation={text}" for text in planned.operations]
        if spec_path is not None:
            args.append(f"--spec={spec_path}")
        if profile:
            args.append(f"--hypothesis-profile={profile}")
        # faulthandler: if the process dies after pytest has finished, stderr says where.
        env = os.environ | {"PYTHONFAULTHANDLER": "1"}
        completed = subprocess.run(args, capture_output=True, text=True, timeout=900, env=env)
        summary = json.loads(summary_path.read_text()) if summary_path.exists() else {}
    output = completed.stdout[-2000:] + ("\n[stderr]\n" + completed.stderr[-2000:] if completed.stderr else "")
    status = int(summary.get("exit_status", -1))
    findings = [Finding.from_dict(item) for item in summary.get("findings", [])]
    verdict = decide(
        findings,
        strict=True,
        suite_status=status,
        cases=int(summary.get("cases", 0)),
        never_succeeded=summary.get("never_succeeded", []),
        unexercised=summary.get("unexercised", []),
    )
    return SuiteRun(
        planned.label,
        planned.defect,
        planned.seed,
        status,
        completed.returncode,
        findings,
        verdict,
        output,
        operations=planned.operations,
        expected=planned.expected,
    )


def _not_run(planned: Planned) -> SuiteRun:
    verdict = decide([], strict=True, suite_status=0, cases=0)
    return SuiteRun(
        planned.label,
        planned.defect,
        planned.seed,
        0,
        0,
        [],
        verdict,
        "",
        operations=planned.operations,
        expected=planned.expected,
        left_out=planned.left_out,
    )


def self_test(
    suite: Path,
    planned: Sequence[Planned],
    *,
    workers: int = 2,
    profile: str | None = None,
    spec_path: Path | None = None,
    on_done: Callable[[SuiteRun, int], None] | None = None,
) -> list[SuiteRun]:
    """Every planned run (`plan`), in the plan's order. `on_done(run, done)` hears of each as it ends."""
    done = 0
    lock = threading.Lock()

    def run(item: Planned) -> SuiteRun:
        nonlocal done
        finished = _not_run(item) if item.left_out else run_suite(suite, item, profile=profile, spec_path=spec_path)
        with lock:
            done += 1
            if on_done is not None:
                on_done(finished, done)
        return finished

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, planned))
