"""Options several commands share, written once: `--spec`, `--validity-unit`, `--max-body-bytes`, `--progress`;
and option types whose values are checked when the command line (or the config file) is read."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from telecontract.contract.options import DEFAULT_VALIDITY_UNIT, RATE_FORM, VALIDITY_UNITS, per_second
from telecontract.errors import UsageError
from telecontract.limits import MAX_BODY_BYTES
from telecontract.progress import MODES


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

max_body_option = click.option(
    "--max-body-bytes",
    type=click.IntRange(1),
    default=MAX_BODY_BYTES,
    show_default=True,
    help="Request bodies larger than this are refused with 413 (bodies slower than 10 s get 408).",
)

progress_option = click.option(
    "--progress",
    type=click.Choice(MODES),
    default="auto",
    show_default=True,
    help="auto: a live bar on a terminal, plain lines in CI logs; or force bar, lines, off.",
)


class RateType(click.ParamType):
    """A rate limit (`10/s`), checked as the command line is read: a bad one is exit 2 before anything
    starts. The value stays the text the user gave, which the repeat command shows."""

    name = "rate"
    described = f"a rate: {RATE_FORM}"  # what `telecontract config` and a config file's error say

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value).strip()
        try:
            per_second(text)
        except UsageError:
            self.fail(f"{text!r}: expected {RATE_FORM}.", param, ctx)
        return text


RATE = RateType()
