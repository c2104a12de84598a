"""JUnit names for the shipped suites that do not depend on where telecontract is installed.

pytest names a JUnit test case's class after the test file's path from the rootdir. The gate runs
the suite from site-packages, so one CI job reports
`.venv.lib.python3.11.site-packages.telecontract.suite.test_operations`, a job whose virtualenv
lives elsewhere (or a new Python) another name, and a CI's test history, which GitHub, GitLab and
Jenkins key on classname and name, starts afresh at every runner change. Here the classname is
the test's import path, as Java's JUnit names a class by its package
(`telecontract.suite.test_operations`, a test class appended), behind `--junit-prefix` when one
is given; in the legacy families `file` is the path inside the package. Test names are pytest's.

Loaded by the suites' own conftest.py, so it holds for the gate, for plain pytest on the suite and
for the repository's own test run, and touches no other test.
"""

from __future__ import annotations

import pytest

from telecontract.internals import junit_writer


def classname(item: pytest.Item) -> str:
    """`telecontract.suite.test_operations` (and `.TestClass` for a method): where the test is imported from."""
    module = getattr(item, "module", None)
    names = [module.__name__ if module is not None else item.path.stem]
    names += [node.name for node in item.listchain() if isinstance(node, pytest.Class)]
    return ".".join(names)


def file_of(item: pytest.Item) -> str:
    """`telecontract/suite/test_operations.py`: the file inside the package, wherever it is installed."""
    module = getattr(item, "module", None)
    return module.__name__.replace(".", "/") + ".py" if module is not None else item.path.name


@pytest.hookimpl(tryfirst=True)  # before a skip mark ends the setup: skipped tests get the same names
def pytest_runtest_setup(item: pytest.Item) -> None:
    xml = junit_writer(item.config)
    if xml is None:
        return  # no --junit-xml
    reporter = xml.node_reporter(item.nodeid)
    # The reporter keeps attributes set before its first report over the ones it derives (pytest's own
    # `record_xml_attribute` works so, without the experimental-API warning on every test).
    reporter.add_attribute("classname", ".".join(filter(None, (xml.prefix, classname(item)))))
    reporter.add_attribute("file", file_of(item))
