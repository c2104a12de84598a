"""`telecontract config`: the settings a run would use, and where each came from."""

from __future__ import annotations

import os
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from telecontract.cli.configured import commands, origins
from telecontract.cli.console import terminal
from telecontract.config import ConfigFile
from telecontract.errors import UsageError
from telecontract.redaction import redact_text


@click.command(
    epilog="Examples: telecontract config; telecontract config load --profile release; "
    "telecontract --config ci/telecontract.toml config gate"
)
@click.argument("command_names", nargs=-1, metavar="[COMMAND]...")
@click.option("--profile", default=None, help="Show `telecontract load --profile NAME` as well.")
@click.pass_context
def config(ctx: click.Context, command_names: tuple[str, ...], profile: str | None) -> None:
    """Print the effective settings of gate and load (or the COMMANDs given) and where each came from:
    an environment variable, the config file and table, or the default. Flags given to a run win
    over all of these.
    """
    found: ConfigFile = ctx.find_root().obj or ConfigFile()
    group = ctx.find_root().command
    assert isinstance(group, click.Group)
    every = dict(commands(group))
    wanted = command_names or ("gate", "load")
    named = {name for path in every for name in path}
    unknown = [name for name in wanted if name not in named]
    if unknown:
        names = ", ".join(" ".join(p) for p in every)
        raise UsageError(f"No command named {unknown[0]!r}.", hint=f"Commands: {names}.")
    paths = [path for path in every if set(path) & set(wanted)]
    out = terminal()
    out.print(f"config file: {found.path}" if found.path else "config file: none found (flags and defaults only)")
    for path in paths:
        chosen = profile if path == ("load",) else None
        title = f"telecontract {' '.join(path)}" + (f" --profile {chosen}" if chosen else "")
        table = Table(title=title, title_justify="left")
        for column in ("setting", "value", "from"):
            table.add_column(column, overflow="fold")
        for key, setting in sorted(origins(every[path], found, path, ctx.find_root(), profile=chosen).items()):
            style = "dim" if setting.origin == "default" else ""
            table.add_row(key, escape(_shown(setting.value)), escape(setting.origin), style=style)
        out.print(table)


def _shown(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, list | tuple):
        return ", ".join(_shown(v) for v in value) or "-"
    if isinstance(value, Path) or (isinstance(value, str) and value.startswith("/")):
        return os.path.relpath(value)  # as the user would type it from here
    return redact_text(str(value))
