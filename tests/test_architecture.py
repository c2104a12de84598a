"""ARCHITECTURE.md names every module, and the public API is sorted, importable and documented."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import telecontract

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "telecontract"
# A package's line in the module tree: `mock/` at the start (after the indentation), then spaces or nothing.
PACKAGE_LINE = re.compile(r"^( *)(\w+)/(?:\s|$)")
# A module named on a line, bare (`app.py`) or under a subfolder of the package (`reports/html.py`).
MODULE = re.compile(r"(?<![\w/.])((?:\w+/)*\w+\.py)\b")
PACKAGE_MARKERS = frozenset({"__init__.py", "__main__.py"})


def listed_modules(architecture: str) -> set[str]:
    """Every module of the "Every module" tree, as its path under telecontract/ (`mock/voice_v2.py`).

    A package line opens a folder that holds every line indented deeper than it, its own
    description and continuation lines included (`drift/` lists its modules there); a name counts
    only in the folder it is listed under, so `voice_v2.py` under `mock/` says nothing of
    `contract/voice_v2.py`.
    """
    tree = architecture.split("## Every module, one line each", 1)[1].split("```", 2)[1]
    folders: list[tuple[int, str]] = []  # (indentation, name), the root `telecontract/` first
    found: set[str] = set()
    for line in tree.splitlines():
        if not line.strip():
            continue
        indentation = len(line) - len(line.lstrip(" "))
        while folders and folders[-1][0] >= indentation:
            folders.pop()
        rest = line
        if package := PACKAGE_LINE.match(line):
            folders.append((indentation, package.group(2)))
            rest = line[package.end() :]
        folder = "/".join(name for _, name in folders[1:])
        found.update(f"{folder}/{name}" if folder else name for name in MODULE.findall(rest))
    return {path for path in found if path.rsplit("/", 1)[-1] not in PACKAGE_MARKERS}


def source_modules() -> set[str]:
    return {path.relative_to(SOURCE).as_posix() for path in SOURCE.rglob("*.py") if path.name not in PACKAGE_MARKERS}


def test_architecture_names_every_module_under_its_package() -> None:
    listed = listed_modules((ROOT / "ARCHITECTURE.md").read_text())
    modules = source_modules()
    assert sorted(modules - listed) == [], "ARCHITECTURE.md's module tree does not list these under their package"
    assert sorted(listed - modules) == [], "ARCHITECTURE.md's module tree lists modules src/ does not have"


def test_a_module_is_found_only_under_its_own_package() -> None:
    listed = listed_modules((ROOT / "ARCHITECTURE.md").read_text())
    # Nested folders, lists on one line and modules named in a package's continued description.
    assert {"contract/reports/html.py", "load/hooks/final_figures.py", "mock/voice_v2.py"} <= listed
    assert {"load/scenarios/callback_storm.py", "drift/proxy.py", "receiver/suite/test_receiver.py"} <= listed
    # Two dummy modules whose file names the tree lists, but in another package: both are unlisted.
    dummies = {"contract/voice_v2.py", "sink/plugin.py"}
    assert all(any(path.endswith("/" + dummy.split("/")[1]) for path in listed) for dummy in dummies)
    assert sorted((source_modules() | dummies) - listed) == sorted(dummies)


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
