"""What the load users asked for callbacks about, so lost callbacks can be counted after the run.

Each process appends to its own file (no locking across Locust workers); lines are reference ids.
"""

from __future__ import annotations

import os
from pathlib import Path

from telecontract.load.settings import ENV_LEDGER_DIR


class Ledger:
    def __init__(self, directory: Path | None) -> None:
        self._file = None
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)
            self._file = (directory / f"placed-{os.getpid()}.txt").open("a", buffering=1, encoding="ascii")

    @classmethod
    def from_env(cls) -> Ledger:
        directory = os.environ.get(ENV_LEDGER_DIR)
        return cls(Path(directory) if directory else None)

    def placed(self, reference: str) -> None:
        if self._file is not None:
            self._file.write(reference + "\n")


def read_placed(directory: Path) -> set[str]:
    return {line.strip() for path in directory.glob("placed-*.txt") for line in path.read_text().splitlines() if line}
