"""junit.xml of a load run: one test case per threshold and per baseline figure, for CI test views.

A breached threshold or a regressed figure is a failure with the measured value in its message,
so a CI that shows JUnit results shows what held and what did not without opening a report. A run
that sent nothing is a failure too; one Locust could not finish is an error.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

from telecontract.load.results import LoadReport


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
    for problem in report.problems:  # nothing sent, or Locust did not finish: the run means nothing
        case = ElementTree.SubElement(suite, "testcase", classname=f"{name}.run", name=problem.name)
        cases += 1
        if problem.broken:
            errors += 1
            ElementTree.SubElement(case, "error", message=problem.message, type="run")
        else:
            failures += 1
            ElementTree.SubElement(case, "failure", message=problem.message, type="run")
    suite.set("tests", str(cases))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    ElementTree.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)
