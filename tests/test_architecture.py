"""ARCHITECTURE.md names every module, and the public API is sorted, importable and documented."""

from __future__ import annotations

import importlib
from pathlib import Path

import telecontract

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "telecontract"


def test_architecture_names_every_module() -> None:
    text = (ROOT / "ARCHITECTURE.md").read_text()
    missing = [
        str(path.relative_to(SOURCE))
        for path in sorted(SOURCE.rglob("*.py"))
        if path.name not in ("__init__.py", "__main__.py") and path.name not in text
    ]
    assert missing == [], f"ARCHITECTURE.md does not mention: {missing}"


def test_the_public_api_is_sorted_importable_and_in_the_readme() -> None:
    names = telecontract.__all__
    # isort-style, as ruff keeps it: constants, then classes, then functions, each alphabetical.
    assert names == sorted(names, key=lambda n: (not n.isupper(), not n[0].isupper(), n))
    readme = (ROOT / "README.md").read_text()
    for name in names:
        assert getattr(telecontract, name) is not None
        assert f"`{name}`" in readme, f"README does not document {name}"


def test_the_cli_modules_are_importable_without_starting_anything() -> None:
    for module in ("telecontract.cli.gate", "telecontract.cli.load", "telecontract.pytest_plugin"):
        importlib.import_module(module)
