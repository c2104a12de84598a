"""The config file: `[tool.telecontract]` in pyproject.toml, or the same keys in telecontract.toml.

Finding and reading it lives here; which keys a command takes, and checking their values, is the
CLI's business (`telecontract.cli.configured`), because the commands' options define them.

Layout (keys are the long flags with underscores; flags and environment variables override them):

    report_dir = "reports"          # top level: every command that has the option
    [gate]                          # one command only (in pyproject.toml: [tool.telecontract.gate])
    numbers = "numbers.txt"
    [load.profiles.release]         # `telecontract load --profile release`
    scenario = "masking_sessions"
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from telecontract.errors import UsageError

ENV_CONFIG = "TELECONTRACT_CONFIG"  # read by the CLI's --config option, like a flag
OWN_FILE = "telecontract.toml"
PYPROJECT = "pyproject.toml"


@dataclass(frozen=True, slots=True)
class ConfigFile:
    """The settings a file holds, and where they are (for messages and `telecontract config`)."""

    path: Path | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    prefix: str = ""  # "tool.telecontract." in pyproject.toml: how a table is named in that file

    @property
    def folder(self) -> Path:
        """Relative paths in the file are relative to its folder."""
        return self.path.parent if self.path else Path.cwd()

    def where(self, *table: str) -> str:
        """`pyproject.toml [tool.telecontract.load]`: a table named as the file names it."""
        name = _shown(self.path) if self.path else "(no config file)"
        dotted = (self.prefix + ".".join(table)).rstrip(".")
        return f"{name} [{dotted}]" if dotted else name

    def table(self, *keys: str) -> dict[str, Any]:
        """A nested table (empty when absent)."""
        current: Any = self.settings
        for key in keys:
            current = current.get(key, {}) if isinstance(current, dict) else {}
        return current if isinstance(current, dict) else {}


def find(start: Path | None = None) -> Path | None:
    """The config file for a run from `start` (default: the working folder), or None.

    Looks in `start` and its parents: telecontract.toml, else a pyproject.toml with a
    [tool.telecontract] table. The search ends at the project's root (a folder with .git or a
    pyproject.toml), so a checkout never picks up a file from a folder above it.
    """
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        own = candidate / OWN_FILE
        if own.is_file():
            return own
        pyproject = candidate / PYPROJECT
        if pyproject.is_file():  # the project's root: this file, or no config at all
            tool = _parse(pyproject).get("tool", {})
            return pyproject if isinstance(tool, dict) and "telecontract" in tool else None
        if (candidate / ".git").exists():
            return None
    return None


def read(path: Path | None) -> ConfigFile:
    """The file's telecontract settings; a missing or malformed file is a usage error."""
    if path is None:
        return ConfigFile()
    if not path.is_file():
        raise UsageError(f"Config file not found: {path}", hint=f"Check --config or ${ENV_CONFIG}.")
    document = _parse(path)
    if path.name == PYPROJECT or "tool" in document:
        tool = document.get("tool", {})
        settings = tool.get("telecontract", {}) if isinstance(tool, dict) else {}
        if not isinstance(settings, dict):
            raise UsageError(f"{path}: [tool.telecontract] must be a table.")
        return ConfigFile(path=path.resolve(), settings=settings, prefix="tool.telecontract.")
    return ConfigFile(path=path.resolve(), settings=document)


def load(explicit: Path | None = None) -> ConfigFile:
    """The config in effect: `explicit` (--config), else the one `find` finds, else none."""
    return read(explicit if explicit is not None else find())


def _shown(path: Path) -> str:
    """The path as the user would type it from here (../../pyproject.toml)."""
    return os.path.relpath(path)


def _parse(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: not valid TOML: {exc}", hint="Fix the file, or point --config elsewhere.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read it: {exc}") from None
