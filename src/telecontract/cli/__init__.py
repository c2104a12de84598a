"""`telecontract`: one command over the mock, the contract gate, load runs and drift checks."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from telecontract import config as config_file
from telecontract.cli.config import config
from telecontract.cli.configured import default_map
from telecontract.cli.drift import drift
from telecontract.cli.gate import gate
from telecontract.cli.load import load
from telecontract.cli.mock import mock
from telecontract.cli.record import record
from telecontract.cli.sink import sink
from telecontract.cli.spec import spec_group
from telecontract.errors import TelecontractError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="telecontract")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar=config_file.ENV_CONFIG,
    default=None,
    help="Config file (default: telecontract.toml, or [tool.telecontract] in pyproject.toml, "
    "in this folder or above, up to the project root). Flags override it.",
)
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None) -> None:
    """Contract tests, load tests and drift detection for telephony APIs."""
    found = config_file.load(config_path)
    ctx.obj = found
    ctx.default_map = default_map(cli, found)


cli.add_command(gate)
cli.add_command(mock)
cli.add_command(load)
cli.add_command(sink)
cli.add_command(drift)
cli.add_command(record)
cli.add_command(config)
cli.add_command(spec_group)


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2)
    except TelecontractError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except SystemExit:
        raise
    else:
        sys.exit(0)
