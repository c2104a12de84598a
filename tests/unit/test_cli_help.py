"""Every command's --help ends with an example of its use."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from telecontract.cli import cli


def commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix] if prefix else []
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found += commands(command, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


@pytest.mark.parametrize("path", commands(cli), ids=" ".join)
def test_help_ends_with_an_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    example = result.output.strip().split("\n\n")[-1]
    assert example.lstrip().startswith(("Example:", "Examples:")), result.output[-500:]
    assert f"telecontract {path[0]}" in example
