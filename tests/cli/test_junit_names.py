"""JUnit classnames of the shipped suites are their import paths, the same wherever telecontract is installed."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

import telecontract.receiver.suite.conftest as receiver_conftest
import telecontract.suite.conftest as suite_conftest
from telecontract.contract import junit_names

# A suite laid out as the shipped ones are: a package in site-packages whose conftest loads the hook.
TESTS = """
import pytest

def test_plain():
    pass

@pytest.mark.parametrize("n", [1])
def test_with_a_parameter(n):
    pass

@pytest.mark.skip(reason="skipped before its fixtures")
def test_skipped():
    pass

class TestGrouped:
    def test_in_a_class(self):
        pass
"""
HOOKED = "from telecontract.contract.junit_names import pytest_runtest_setup  # noqa: F401\n"


def install(site: Path, conftest: str) -> Path:
    """`pkg/suite` under `site`, as pip lays a package out; its suite folder."""
    suite = site / "pkg" / "suite"
    suite.mkdir(parents=True)
    (site / "pkg" / "__init__.py").write_text("")
    (suite / "__init__.py").write_text("")
    (suite / "conftest.py").write_text(conftest)
    (suite / "test_calls.py").write_text(TESTS)
    return suite


def junit_of(suite: Path, cwd: Path, *extra: str) -> list[tuple[str, str, str | None]]:
    """(classname, name, file) of every test case, run as the gate does: the suite's path, from `cwd`."""
    report = cwd / "junit.xml"
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-o",
        "addopts=",
        str(suite),
        "-q",
        "-p",
        "no:cacheprovider",
        f"--junit-xml={report}",
    ]
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"} | {"PYTHONPATH": str(suite.parents[1])}
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # none is needed, and the installed ones take seconds to import
    done = subprocess.run([*command, *extra], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    cases = ElementTree.parse(report).getroot().iter("testcase")
    return sorted((case.get("classname", ""), case.get("name", ""), case.get("file")) for case in cases)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "pyproject.toml").write_text("[project]\nname = 'team-app'\n")  # the team's own project
    return folder


def locations(project: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A virtualenv inside the project (as `python -m venv .venv` makes) and one elsewhere, another Python."""
    return project / ".venv" / "lib" / "python3.11" / "site-packages", tmp_path / "opt" / "py3.12" / "site-packages"


def test_classnames_are_the_same_from_two_install_locations(project: Path, tmp_path: Path) -> None:
    inside, elsewhere = locations(project, tmp_path)
    first = junit_of(install(inside, HOOKED), project)
    second = junit_of(install(elsewhere, HOOKED), project)
    assert first == second
    assert first == [
        ("pkg.suite.test_calls", "test_plain", None),
        ("pkg.suite.test_calls", "test_skipped", None),
        ("pkg.suite.test_calls", "test_with_a_parameter[1]", None),
        ("pkg.suite.test_calls.TestGrouped", "test_in_a_class", None),
    ]


def test_without_the_hook_pytest_names_them_by_the_install_path(project: Path, tmp_path: Path) -> None:
    """What the shipped suites reported before: the path from the rootdir, venv and Python version included."""
    inside, elsewhere = locations(project, tmp_path)
    first = junit_of(install(inside, ""), project)
    second = junit_of(install(elsewhere, ""), project)
    assert first[0][0] == ".venv.lib.python3.11.site-packages.pkg.suite.test_calls"
    assert first != second


def test_a_junit_prefix_and_the_legacy_file_attribute_follow(project: Path, tmp_path: Path) -> None:
    inside, _ = locations(project, tmp_path)
    cases = junit_of(install(inside, HOOKED), project, "--junit-prefix=nightly", "-o", "junit_family=xunit1")
    assert cases[0] == ("nightly.pkg.suite.test_calls", "test_plain", "pkg/suite/test_calls.py")


def test_both_shipped_suites_load_the_hook() -> None:
    assert suite_conftest.pytest_runtest_setup is junit_names.pytest_runtest_setup
    assert receiver_conftest.pytest_runtest_setup is junit_names.pytest_runtest_setup  # type: ignore[attr-defined]
