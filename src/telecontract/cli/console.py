"""Where the commands print tables: rich on a terminal, a fixed wide console in CI logs."""

from __future__ import annotations

from rich.console import Console


def terminal() -> Console:
    found = Console()
    # CI logs are not terminals: give tables room instead of folding every cell.
    return found if found.is_terminal else Console(width=150)
