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


# ---- the packages' arrows point one way -----------------------------------------------------------

# Root modules that make the public API out of the packages: they may import any package, and no
# package imports them. Every other root module is shared ground that imports no package.
FACADES = frozenset({"__init__.py", "testing.py", "routing.py", "pytest_plugin.py"})


def node_of(module: str) -> str:
    """The graph node of a module path under telecontract/: its package, `api` or `shared` at the root."""
    first, _, rest = module.partition("/")
    if rest:
        return first
    return "api" if first in FACADES else "shared"


def module_path(dotted: str) -> str | None:
    """`telecontract.mock.defects` -> `mock/defects.py` (or `mock/__init__.py`); None outside the package."""
    parts = dotted.split(".")
    if parts[0] != "telecontract":
        return None
    inner = parts[1:]
    for cut in range(len(inner), 0, -1):
        candidate = SOURCE.joinpath(*inner[:cut])
        if candidate.with_suffix(".py").is_file():
            return "/".join(inner[:cut]) + ".py"
        if (candidate / "__init__.py").is_file():
            return "/".join(inner[:cut]) + "/__init__.py"
    return "__init__.py"


def imports_of(path: Path) -> set[str]:
    """Every telecontract module `path` imports, at its top or inside a function, as a path."""
    import ast

    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:  # `from telecontract.mock import defects` imports a module
                target = module_path(f"{node.module}.{alias.name}") or module_path(node.module)
                if target:
                    found.add(target)
        elif isinstance(node, ast.Import):
            found.update(filter(None, (module_path(alias.name) for alias in node.names)))
    return found


def package_graph() -> dict[str, dict[str, set[str]]]:
    """node -> node it imports -> the modules that do (for the message)."""
    graph: dict[str, dict[str, set[str]]] = {}
    for path in SOURCE.rglob("*.py"):
        here = path.relative_to(SOURCE).as_posix()
        for target in imports_of(path):
            if node_of(target) != node_of(here):
                graph.setdefault(node_of(here), {}).setdefault(node_of(target), set()).add(f"{here} -> {target}")
    return graph


def test_the_module_path_of_an_import_is_found_by_its_package() -> None:
    assert module_path("telecontract.mock.defects") == "mock/defects.py"
    assert module_path("telecontract.mock.defects.DEFECTS") == "mock/defects.py"
    assert module_path("telecontract.contract.reports.html") == "contract/reports/html.py"
    assert module_path("telecontract.sink") == "sink/__init__.py"
    assert module_path("schemathesis.checks") is None
    # Same basename, other package: each is its own.
    assert node_of("contract/options.py") == "contract" and node_of("cli/options.py") == "cli"
    assert node_of("spec.py") == "shared" and node_of("testing.py") == "api"


def test_no_package_imports_in_a_loop() -> None:
    graph = package_graph()
    loops = []
    for start in graph:
        # Depth-first from each node: a path back to it is a loop.
        stack = [(start, [start])]
        seen: set[str] = set()
        while stack:
            node, path = stack.pop()
            for following in graph.get(node, {}):
                if following == start:
                    loops.append(" -> ".join([*path, start]))
                elif following not in seen:
                    seen.add(following)
                    stack.append((following, [*path, following]))
    evidence = {
        f"{a} -> {b}": sorted(graph[a][b])[:3]
        for loop in loops
        for a, b in zip(loop.split(" -> "), loop.split(" -> ")[1:], strict=False)
    }
    assert loops == [], f"package import loops: {sorted(set(loops))}\nimports: {evidence}"


def test_shared_root_modules_import_no_package_and_no_package_imports_the_api() -> None:
    graph = package_graph()
    assert sorted(graph.get("shared", {})) == [], f"shared root modules import packages: {graph.get('shared')}"
    importers = {node: sorted(edges["api"]) for node, edges in graph.items() if "api" in edges}
    assert importers == {}, "packages import the public API's facade modules"
