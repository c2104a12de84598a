"""Importing telecontract changes nothing in the importing process (issue 24, item 3).

No hypothesis profile (registered or loaded), no GC state (thresholds, frozen objects, enabled)
and no thread, each checked in a fresh interpreter: every module of the package is imported,
except the contract suites' test modules (pytest's to import, under the engine).

Locust monkey-patches the standard library (gevent's `patch_all`) when it is imported, so the
modules that import Locust or gevent are checked apart: in a second fresh process, Locust is
imported first and the state is taken after it; what our modules do on top must be nothing.
The hypothesis profiles are then checked where they belong: loaded by the engine for a run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PROBE = textwrap.dedent(
    """
    import gc, importlib, importlib.abc, json, os, pkgutil, sys, threading

    BLOCKED = ("locust", "gevent")
    PRELOAD = os.environ["PROBE_MODE"] == "locust"


    class Blocked(ImportError):
        pass


    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise Blocked(name)
            return None


    def is_test_module(name):  # pytest's to import, under the engine; a `__main__` is a program
        in_a_suite = name.startswith(("telecontract.suite.", "telecontract.receiver.suite."))
        return name.endswith(".__main__") or in_a_suite and name.rsplit(".", 1)[1].startswith("test_")


    def state():
        from hypothesis import settings

        profiles = getattr(settings, "_profiles", {})  # read only: which profiles exist, and how
        return {
            "hypothesis profile loaded": settings.get_current_profile_name(),
            "hypothesis settings in force": repr(settings.default),
            "hypothesis profiles": {name: repr(value) for name, value in sorted(profiles.items())},
            "gc thresholds": list(gc.get_threshold()),
            "gc frozen objects": gc.get_freeze_count(),
            "gc enabled": gc.isenabled(),
            "threads": sorted(thread.name for thread in threading.enumerate()),
            "locust's CSV flush": getattr(sys.modules.get("locust.stats"), "CSV_STATS_FLUSH_INTERVAL_SEC", None),
        }


    if PRELOAD:
        import locust  # noqa: F401  (its own patching happens before the state is taken)
    else:
        sys.meta_path.insert(0, Block())
    import hypothesis  # noqa: F401  (a team's process has it: its default profile is the one to keep)

    before = state()
    import telecontract

    names = [info.name for info in pkgutil.walk_packages(telecontract.__path__, "telecontract.")]
    names = [name for name in names if not is_test_module(name)]
    imported, needs_locust = [], []
    for name in names:
        try:
            importlib.import_module(name)
        except Blocked:
            needs_locust.append(name)
        else:
            imported.append(name)
    print(json.dumps({"before": before, "after": state(), "imported": imported, "needs_locust": needs_locust}))
    """
)


def probe(mode: str) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TELECONTRACT_")}
    completed = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=300, env=env | {"PROBE_MODE": mode}
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def changed(result: dict) -> dict:
    before, after = result["before"], result["after"]
    return {key: {"before": before[key], "after": after[key]} for key in before if before[key] != after[key]}


@pytest.mark.parametrize("mode", ["without locust", "locust"])
def test_importing_every_module_changes_nothing(mode: str) -> None:
    result = probe(mode)
    if mode == "locust":
        assert not result["needs_locust"]
    else:
        # The package, the engine, the CLI and the mock's ASGI app are among the modules imported.
        for name in ("telecontract.contract.plugin", "telecontract.cli", "telecontract.mock.asgi"):
            assert name in result["imported"]
        assert "telecontract.load.plugin" in result["needs_locust"]  # checked by the "locust" case
    assert changed(result) == {}, f"importing {len(result['imported'])} modules changed the process"


@pytest.mark.parametrize(
    ("args", "env", "examples"),
    [
        ([], {}, 25),
        (["--hypothesis-profile=quick"], {}, 5),
        (["--hypothesis-profile=deep"], {}, 300),
        ([], {"TELECONTRACT_HYPOTHESIS_PROFILE": "quick"}, 5),
    ],
    ids=["ours by default", "quick", "deep", "from the environment"],
)
def test_the_engine_loads_its_profile_for_the_run(tmp_path: Path, args: list[str], env: dict, examples: int) -> None:
    (tmp_path / "test_profile.py").write_text(
        "from hypothesis import settings\n\n\n"
        "def test_profile():\n"
        f"    assert settings.default.max_examples == {examples}, settings.get_current_profile_name()\n"
        "    assert settings.default.deadline is None\n"
        "    assert settings.get_profile('default').max_examples == 100  # hypothesis's own, untouched\n"
    )
    clean = {key: value for key, value in os.environ.items() if not key.startswith("TELECONTRACT_")}
    command = [sys.executable, "-m", "pytest", "-o", "addopts=", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"]
    command += ["-p", "telecontract.contract.plugin", str(tmp_path), *args]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=300, env=clean | env, cwd=tmp_path)
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]


def test_the_mock_app_tunes_gc_when_its_server_starts() -> None:
    script = textwrap.dedent(
        """
        import gc

        from starlette.testclient import TestClient

        before = gc.get_threshold()
        from telecontract.mock.asgi import app

        assert gc.get_threshold() == before and gc.get_freeze_count() == 0
        with TestClient(app):  # the ASGI lifespan's startup, as under `uvicorn telecontract.mock.asgi:app`
            assert gc.get_threshold() != before and gc.get_freeze_count() > 0
        """
    )
    clean = {key: value for key, value in os.environ.items() if not key.startswith("TELECONTRACT_")}
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, env=clean)
    assert completed.returncode == 0, completed.stderr[-3000:]
