"""Every private touchpoint in `telecontract.internals` still works on the installed versions.

Each test exercises one touchpoint for real and, when a release has removed or changed it, fails
with a message that names the touchpoint and the function to update. The last test keeps the
touchpoints in that one module.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import configuration
from schemathesis import checks
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from telecontract import internals

pytest_plugins = ["pytester"]

SOURCE = Path(internals.__file__).resolve().parent


def moved(touchpoint: str, function: str) -> str:
    return f"{touchpoint} is gone or changed in this release: update telecontract.internals.{function}"


# ---- pytest -------------------------------------------------------------------------------------


def test_the_junit_writer_is_found_in_the_stash(pytester: pytest.Pytester) -> None:
    seen: dict[str, Any] = {}

    class Probe:
        @pytest.hookimpl(tryfirst=True)
        def pytest_runtest_setup(self, item: pytest.Item) -> None:
            writer = internals.junit_writer(item.config)
            seen["writer"] = writer
            reporter = writer.node_reporter(item.nodeid)
            reporter.add_attribute("classname", "stable.name")
            seen["prefix"] = writer.prefix

    pytester.makepyfile("def test_one():\n    pass\n")
    result = pytester.runpytest_inprocess("--junit-xml=out.xml", "-p", "no:cacheprovider", plugins=[Probe()])
    assert result.ret == 0
    assert seen.get("writer") is not None, moved(
        "_pytest.junitxml.xml_key (the JUnit writer's stash key)", "junit_writer"
    )
    assert seen["prefix"] is None
    xml = (pytester.path / "out.xml").read_text()
    assert 'classname="stable.name"' in xml, moved("the JUnit node reporter's add_attribute", "junit_writer")


def test_no_junit_writer_without_junit_xml(pytester: pytest.Pytester) -> None:
    seen: list[Any] = []

    class Probe:
        def pytest_runtest_setup(self, item: pytest.Item) -> None:
            seen.append(internals.junit_writer(item.config))

    pytester.makepyfile("def test_one():\n    pass\n")
    assert pytester.runpytest_inprocess("-p", "no:cacheprovider", plugins=[Probe()]).ret == 0
    assert seen == [None]


def test_pytest_test_paths_are_parsed_with_every_plugins_options() -> None:
    try:
        paths = internals.pytest_test_paths(["-k", "strict", "--timeout", "5", "tests/test_x.py", "-x"])
    except AttributeError as missing:
        pytest.fail(f"{moved('_pytest.config.get_config / Config._parser', 'pytest_test_paths')}: {missing}")
    # `strict` is -k's expression and 5 pytest-timeout's value, not paths.
    assert paths == ["tests/test_x.py"]


# ---- hypothesis ---------------------------------------------------------------------------------


def test_the_hypothesis_profile_option_is_read_by_its_name(pytester: pytest.Pytester) -> None:
    seen: list[str | None] = []

    class Probe:
        def pytest_configure(self, config: pytest.Config) -> None:
            seen.append(internals.hypothesis_profile_asked(config))

    pytester.makeconftest("from hypothesis import settings\nsettings.register_profile('team', max_examples=3)\n")
    pytester.makepyfile("def test_one():\n    pass\n")
    result = pytester.runpytest_inprocess("--hypothesis-profile=team", "-p", "no:cacheprovider", plugins=[Probe()])
    assert result.ret == 0
    assert seen == ["team"], moved("hypothesis's pytest option dest `hypothesis_profile`", "hypothesis_profile_asked")


def test_the_hypothesis_home_is_moved_and_put_back(tmp_path: Path) -> None:
    before = configuration.storage_directory("examples", intent_to_write=False).path
    try:
        with internals.hypothesis_home(tmp_path / "home"):
            inside = configuration.storage_directory("examples", intent_to_write=False).path
    except AttributeError as missing:
        pytest.fail(f"{moved('hypothesis.configuration.set_hypothesis_home_dir', 'hypothesis_home')}: {missing}")
    after = configuration.storage_directory("examples", intent_to_write=False).path
    assert inside == tmp_path / "home" / "examples", moved("set_hypothesis_home_dir", "hypothesis_home")
    assert after == before, moved("hypothesis.configuration's __hypothesis_home_directory", "hypothesis_home")


# ---- schemathesis -------------------------------------------------------------------------------

DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "touchpoints", "version": "1"},
    "components": {"securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "Authorization"}}},
    "security": [{"key": []}],
    "paths": {
        "/things": {
            "post": {
                "operationId": "createThing",
                "parameters": [
                    {"name": "X-Key", "in": "header", "required": True, "schema": {"type": "string", "enum": ["k"]}}
                ],
                "responses": {
                    "201": {
                        "description": "created",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                        "links": {"read": {"operationId": "getThing", "parameters": {"id": "$response.body#/id"}}},
                    },
                    "429": {"description": "slow down"},
                },
            }
        },
        "/things/{id}": {
            "get": {
                "operationId": "getThing",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "the thing"}, "429": {"description": "slow down"}},
            }
        },
    },
}


def schema_answering(status_without_auth: int) -> schemathesis.BaseSchema:
    """The document above, served by an app that creates anything and answers `status_without_auth`
    to a request without credentials."""

    async def create(request: Request) -> JSONResponse:
        if "authorization" not in request.headers:
            return JSONResponse({"error": "no"}, status_code=status_without_auth)
        return JSONResponse({"id": "t1"}, status_code=201)

    schema = schemathesis.openapi.from_dict(DOCUMENT)
    schema.app = Starlette(routes=[Route("/things", create, methods=["POST"])])
    return schema


def failures_of(case: Any, response: Any, check: Any) -> list[Any]:
    try:
        case.validate_response(response, checks=[check])
    except BaseException as raised:  # a FailureGroup is a BaseExceptionGroup
        return list(getattr(raised, "exceptions", [raised]))
    return []


def test_a_custom_checks_own_error_is_unwrapped() -> None:
    class Broken(AssertionError):
        pass

    def ours(ctx: Any, response: Any, case: Any) -> None:
        raise Broken("ours")

    case = schema_answering(401)["/things"]["POST"].Case(headers={"X-Key": "k", "Authorization": "a"})
    [failure] = failures_of(case, case.call(), ours)
    assert isinstance(internals.custom_check_error(failure), Broken), moved(
        "CustomFailure.exception", "custom_check_error"
    )


def test_a_rate_limited_auth_probe_is_told_by_its_message() -> None:
    case = schema_answering(429)["/things"]["POST"].Case(headers={"X-Key": "k", "Authorization": "a"})
    found = failures_of(case, case.call(), checks.ignored_auth)
    assert any(internals.probe_rate_limited(f) for f in found), moved(
        "ignored_auth's message text (got `429 ...)", "probe_rate_limited"
    )
    accepted = schema_answering(201)["/things"]["POST"].Case(headers={"X-Key": "k", "Authorization": "a"})
    assert not any(internals.probe_rate_limited(f) for f in failures_of(accepted, accepted.call(), checks.ignored_auth))


def test_the_state_machine_keeps_a_recorder_that_validate_response_takes() -> None:
    import inspect

    machine = schema_answering(401).as_state_machine()()
    recorder = internals.state_machine_recorder(machine)
    assert recorder is not None, moved("the state machine's `recorder` attribute", "state_machine_recorder")
    taken = inspect.signature(schemathesis.Case.validate_response).parameters
    assert "recorder" in taken, moved("Case.validate_response(recorder=)", "state_machine_recorder")


# ---- Locust -------------------------------------------------------------------------------------


LOCUST_PROBE = """
import json
from locust.stats import RequestStats
from telecontract import internals
stats = RequestStats()
stats.log_request("POST", "/b", 12, 10)
stats.log_request("GET", "/a", 5, 10)
stats.log_error("POST", "/b", "HTTP 503")
stats.log_error("POST", "/b", "HTTP 503")
print(json.dumps({
    "rows": [[r.method, r.name, r.num_requests] for r in internals.request_rows(stats)],
    "errors": [[e.name, e.occurrences] for e in internals.error_rows(stats)],
}))
"""


def test_locusts_rows_and_errors_are_read() -> None:
    # In a process of its own: importing locust monkey-patches the process for gevent.
    import json
    import subprocess
    import sys

    ran = subprocess.run([sys.executable, "-c", LOCUST_PROBE], capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, f"{moved('RequestStats.entries / RequestStats.errors', 'request_rows')}: {ran.stderr}"
    figures = json.loads(ran.stdout.strip().splitlines()[-1])
    assert figures == {"rows": [["GET", "/a", 1], ["POST", "/b", 1]], "errors": [["/b", 2]]}


# ---- the touchpoints live here and nowhere else -------------------------------------------------

PRIVATE = {
    r"ctx\.internals": "schemathesis's CheckContext.internals",
    r"schemathesis\.core\b": "schemathesis.core (private; schemathesis.errors and schemathesis.checks are public)",
    r"schemathesis\.specs\b": "schemathesis.specs (private; schemathesis.checks is public)",
    r"\bset_hypothesis_home_dir\b": "hypothesis.configuration.set_hypothesis_home_dir",
    r"\b_pytest\b": "pytest's private _pytest package",
    r"\._describe_range\b": "click's private _describe_range",
    r"\bSubtestReport\b": "pytest's SubtestReport class (told apart by timing instead)",
    r"\.entries\.items\(\)|\.errors\.values\(\)": "Locust's RequestStats.entries / .errors (dicts)",
    r"__name__\.split": "a dependency's class by its name (jsonschema_rs error kinds)",
    r'"hypothesis_profile"': "hypothesis's pytest option dest",
    r"got `": "a failure's message text",
    r'"recorder"': "the state machine's recorder attribute",
    r'"exception"': "CustomFailure.exception",
}


def code_lines(path: Path) -> list[tuple[int, str]]:
    """The lines of a module without its comments and docstrings (which may name a touchpoint freely)."""
    import ast
    import io
    import tokenize

    source = path.read_text()
    docstrings: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                docstrings.update(range(body[0].lineno, (body[0].end_lineno or body[0].lineno) + 1))
    lines = source.splitlines()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            row, column = token.start
            lines[row - 1] = lines[row - 1][:column]
    return [(number, line) for number, line in enumerate(lines, 1) if number not in docstrings]


def test_private_touchpoints_are_only_in_the_adapter_module() -> None:
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        if path.name == "internals.py" and path.parent == SOURCE:
            continue
        for number, line in code_lines(path):
            found += [
                f"{path.relative_to(SOURCE)}:{number}: {what}"
                for pattern, what in PRIVATE.items()
                if re.search(pattern, line)
            ]
    assert found == [], "move these into telecontract/internals.py (with a test here):\n" + "\n".join(found)
