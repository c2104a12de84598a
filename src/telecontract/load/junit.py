"""junit.xml of a load run: one test case per threshold and per baseline figure, for CI test views.

A breached threshold or a regressed figure is a failure with the measured value in its message,
so a CI that shows JUnit results shows what held and what did not without opening a report.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree import ElementTree

if TYPE_CHECKING:
    from telecontract.load.run import LoadReport


def write(path: Path, report: LoadReport) -> None:
    name = f"telecontract load {Path(report.scenario).stem}"
    suite = ElementTree.Element("testsuite", name=name)
    cases = failures = errors = 0
    for verdict in report.verdicts:
        case = ElementTree.SubElement(suite, "testcase", classname=f"{name}.thresholds", name=str(verdict.threshold))
        cases += 1
        if not verdict.passed:
            failures += 1
            ElementTree.SubElement(case, "failure", message=verdict.line(), type="threshold")
    for comparison in report.comparisons:
        case = ElementTree.SubElement(suite, "testcase", classname=f"{name}.baseline", name=comparison.metric)
        cases += 1
        if comparison.regressed:
            failures += 1
            ElementTree.SubElement(case, "failure", message=comparison.line(), type="regression")
    if report.locust_exit_code not in (0, 1):  # Locust itself failed: no figure to trust
        case = ElementTree.SubElement(suite, "testcase", classname=name, name="locust run")
        cases += 1
        errors += 1
        ElementTree.SubElement(case, "error", message=f"Locust exited {report.locust_exit_code}", type="run")
    suite.set("tests", str(cases))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    ElementTree.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)
