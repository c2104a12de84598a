"""Progress of a long run: a live bar on a terminal, plain periodic lines in CI logs.

The gate (`telecontract.contract.progress`) and load runs (`telecontract.load.run`) report what is
done, the phase and the run's own figures; this module decides how that looks. On a terminal, a
rich progress bar with elapsed time and an estimate; elsewhere (CI), one line without escape codes
when the phase changes and every `every` seconds.

Written to a duplicate of the process's stderr, taken when the display starts: pytest's output
capture swaps the standard streams while a test runs, and progress must still reach the user.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import IO, Literal

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

Mode = Literal["auto", "bar", "lines", "off"]
MODES: tuple[Mode, ...] = ("auto", "bar", "lines", "off")
EVERY_SECONDS = 10.0


def clock(seconds: float) -> str:
    """1:05 or 1:02:03."""
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class ProgressDisplay:
    """`update(done, phase, detail)` as work is done; `close()` before the run's own summary.

    `work`: what the whole run costs, when its steps do not cost alike (`update(..., work=...)` then
    says how much of it is done); the time left is estimated from the work, the count shows steps.

    `before_line`: called before each plain line is written, e.g. to end (and flush) a line another
    writer left open on stdout, so that in a log of both streams each progress line starts a line.
    """

    def __init__(
        self,
        total: float,
        *,
        unit: str,
        mode: Mode = "auto",
        every: float = EVERY_SECONDS,
        before_line: Callable[[], None] | None = None,
        work: float | None = None,
    ) -> None:
        self.total = total
        self.work = total if work is None else work
        self.unit = unit
        self.every = every
        self.before_line = before_line
        self.started = time.monotonic()
        self._stream: IO[str] | None = None
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        self._last_line = 0.0
        self._phase = ""
        if mode == "auto":
            mode = "bar" if sys.stderr.isatty() and os.environ.get("TERM") != "dumb" else "lines"
        self.mode = mode
        if mode == "off":
            return
        self._stream = os.fdopen(os.dup(sys.stderr.fileno()), "w", buffering=1, encoding="utf-8", errors="replace")
        if mode == "bar":
            console = Console(file=self._stream, force_terminal=True)
            self._bar = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                TextColumn("{task.fields[steps]}"),
                TextColumn(unit),
                TextColumn("{task.fields[detail]}"),
                TimeElapsedColumn(),
                TextColumn("elapsed"),
                TimeRemainingColumn(),
                TextColumn("left"),
                console=console,
                transient=True,
                redirect_stdout=False,
                redirect_stderr=False,
            )
            # The bar and its estimate follow the work; the count beside it is of steps.
            self._task = self._bar.add_task("starting", total=self.work, detail="", steps=f"0/{total:.0f}")
            self._bar.start()

    def update(self, done: float, *, phase: str, detail: str = "", work: float | None = None) -> None:
        work = done if work is None else work
        if self._bar is not None and self._task is not None:
            steps = f"{done:.0f}/{self.total:.0f}"
            self._bar.update(self._task, completed=work, description=phase, detail=detail, steps=steps)
            return
        if self._stream is None:
            return
        now = time.monotonic()
        if phase == self._phase and now - self._last_line < self.every:
            return
        self._phase, self._last_line = phase, now
        if self.before_line is not None:
            self.before_line()
        self._stream.write(self.line(done, phase=phase, detail=detail, work=work) + "\n")

    def line(self, done: float, *, phase: str, detail: str = "", work: float | None = None) -> str:
        """progress: phase, 12/40 unit, detail, 1:05 elapsed, about 2:10 left."""
        work = done if work is None else work
        elapsed = time.monotonic() - self.started
        parts = [f"progress: {phase}", f"{done:.0f}/{self.total:.0f} {self.unit}"]
        if detail:
            parts.append(detail)
        parts.append(f"{clock(elapsed)} elapsed")
        if max(1.0, self.work / 50) <= work < self.work:  # too early, and an estimate is noise
            parts.append(f"about {clock(elapsed / work * (self.work - work))} left")
        return ", ".join(parts)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
        if self._stream is not None:
            self._stream.close()
            self._stream = None
