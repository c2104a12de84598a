"""Detection power, proven: the suite against the mock once per defect, and against the faithful mock.

Every run is strict (warnings count). Every defect must be caught by the rule meant to catch it,
and a defect that breaks a sourced rule (documented or provider-reference) must be caught as an
error, so the gate catches it without `--strict` too. The faithful mock must pass under several
seeds with no finding at all. Each run is a separate pytest process (schemathesis and hypothesis
keep global state), two at a time; each is judged by `telecontract.verdict.decide`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from telecontract.contract.rules import rule
from telecontract.findings import Finding
from telecontract.mock.defects import DEFECTS
from telecontract.verdict import Verdict, decide


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
    def caught_by_intended_rule(self) -> bool:
        return self.defect is not None and DEFECTS[self.defect].caught_by in self.failed_rules

    @property
    def needs_error(self) -> bool:
        """The intended rule is sourced, so the defect must fail the gate without --strict too."""
        if self.defect is None:
            return False
        intended = rule(DEFECTS[self.defect].caught_by)
        return intended.provenance is None or intended.provenance.sourced

    @property
    def caught_without_strict(self) -> bool:
        intended = DEFECTS[self.defect].caught_by if self.defect else None
        return any(f.rule == intended and f.severity == "error" for f in self.findings)

    @property
    def ok(self) -> bool:
        if self.defect is None:
            # Judged on what pytest concluded; a crash at interpreter exit is reported apart.
            return self.verdict.passed and not self.findings
        return (
            not self.verdict.passed
            and self.caught_by_intended_rule
            and (self.caught_without_strict or not self.needs_error)
        )


def run_suite(
    suite: Path, *, defect: str | None, seed: int, profile: str | None = None, narrow: bool = False
) -> SuiteRun:
    """One suite run; `narrow`: only the operations where the defect shows (`Defect.operations`)."""
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
            f"--hypothesis-seed={seed}",
            f"--summary-json={summary_path}",
            "--contract-strict",
        ]
        if defect:
            args.append(f"--defect={defect}")
            if narrow:
                args += [f"--operation={text}" for text in DEFECTS[defect].operations]
        if profile:
            args.append(f"--hypothesis-profile={profile}")
        # faulthandler: if the process dies after pytest has finished, stderr says where.
        env = os.environ | {"PYTHONFAULTHANDLER": "1"}
        completed = subprocess.run(args, capture_output=True, text=True, timeout=900, env=env)
        summary = json.loads(summary_path.read_text()) if summary_path.exists() else {}
    label = defect or f"faithful (seed {seed})"
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
    return SuiteRun(label, defect, seed, status, completed.returncode, findings, verdict, output)


def self_test(
    suite: Path,
    *,
    defects: Iterable[str] | None = None,
    seeds: Iterable[int] = (1, 2, 3, 4, 5),
    workers: int = 2,
    profile: str | None = None,
    narrow: bool = False,
    on_done: Callable[[SuiteRun, int], None] | None = None,
) -> list[SuiteRun]:
    """The faithful runs (one per seed, everything) and one run per defect.

    `narrow`: each defect's run covers only the operations where it shows, which proves the same
    (its rule catches it) in a fraction of the time; `gate --self-test` runs everything.
    `on_done(run, done)` hears of each run as it ends (the CLI's progress).
    """
    plan: list[tuple[str | None, int]] = [(None, seed) for seed in seeds]
    plan += [(defect, 1) for defect in (DEFECTS if defects is None else defects)]
    done = 0
    lock = threading.Lock()

    def run(item: tuple[str | None, int]) -> SuiteRun:
        nonlocal done
        finished = run_suite(suite, defect=item[0], seed=item[1], profile=profile, narrow=narrow)
        with lock:
            done += 1
            if on_done is not None:
                on_done(finished, done)
        return finished

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, plan))
