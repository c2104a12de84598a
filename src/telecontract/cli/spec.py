"""`telecontract spec export [PATH]`: the bundled spec as a file, for `drift spec` and `--spec` edits.

With only the wheel installed the spec lives somewhere in site-packages; this writes that copy out
byte for byte, to PATH or to standard output (as `pip freeze` or `kubectl get -o yaml` do, so
`> file` and pipes work). An existing PATH is kept unless `--force`: it may be the team's edited copy.
"""

from __future__ import annotations

from pathlib import Path

import click

from telecontract.errors import UsageError
from telecontract.spec import bundled_spec_path, read_document


@click.group("spec", epilog="Example: telecontract spec export openapi.yaml")
def spec_group() -> None:
    """The OpenAPI spec every command judges by (bundled with telecontract)."""


@spec_group.command(
    "export",
    epilog="\b\nExamples:\n  telecontract spec export openapi.yaml\n  telecontract spec export > openapi.yaml\n"
    "  telecontract drift spec openapi.yaml edited.yaml",
)
@click.argument("path", required=False, type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
def export(path: Path | None, force: bool) -> None:
    """Write the bundled spec to PATH (default, or -: standard output), exactly as shipped.

    Edit the copy and pass it with --spec (gate, mock, sink, load, drift), or compare two versions
    with `telecontract drift spec OLD NEW`.
    """
    source = bundled_spec_path()
    content = source.read_bytes()
    if path is None or str(path) == "-":
        click.echo(content, nl=False)
        return
    if path.exists() and not force:
        raise UsageError(f"{path} exists.", hint="Add --force to replace it, or give another PATH.")
    if not path.parent.is_dir():
        raise UsageError(f"{path}: the folder {path.parent} does not exist.", hint="Create it first.")
    path.write_bytes(content)
    version = read_document(source).get("info", {}).get("version", "?")
    click.echo(f"wrote the bundled spec (info.version {version}) to {path}")
