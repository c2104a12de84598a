"""Options several commands share, written once: `--spec` and `--validity-unit`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from telecontract.contract.options import DEFAULT_VALIDITY_UNIT, VALIDITY_UNITS


def spec_option(what: str) -> Callable[[Any], Any]:
    """`--spec PATH` (as `spec_path`); `what` says what the command does with it."""
    return click.option(
        "--spec",
        "spec_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help=f"The OpenAPI spec {what} (default: the bundled one).",
    )


validity_unit_option = click.option(
    "--validity-unit",
    type=click.Choice(sorted(VALIDITY_UNITS)),
    default=DEFAULT_VALIDITY_UNIT,
    show_default=True,
    help="The account's unit of validity_period (the documents' example counts hours).",
)
