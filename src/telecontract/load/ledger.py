"""What the load users asked for callbacks about, so lost callbacks can be counted after the run.

Each process appends to its own file (no locking across Locust workers); lines are reference ids.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO

from telecontract.load.settings import ENV_LEDGER_DIR


class Ledger:
    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self._file: TextIO | None = None
        self._pid = 0

    @classmethod
    def from_env(cls) -> Ledger:
        directory = os.environ.get(ENV_LEDGER_DIR)
        return cls(Path(directory) if directory else None)

    def placed(self, reference: str) -> None:
        if self.directory is None:
            return
        if self._pid != os.getpid():  # opened lazily: Locust --processes forks after importing us
            self.directory.mkdir(parents=True, exist_ok=True)
            self._file = (self.directory / f"placed-{os.getpid()}.txt").open("a", buffering=1, encoding="ascii")
            self._pid = os.getpid()
        assert self._file is not None
        self._file.write(reference + "\n")


def read_placed(directory: Path) -> set[str]:
    return {line.strip() for path in directory.glob("placed-*.txt") for line in path.read_text().splitlines() if line}
