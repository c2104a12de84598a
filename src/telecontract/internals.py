"""Every place the engine leans on a dependency's private or undocumented internals, and nowhere else.

Each function here wraps one touchpoint that has no public equivalent in the versions
`pyproject.toml` allows; everything with a public API uses the public one where it is needed.
`tests/test_internals.py` exercises each touchpoint on the installed versions and names it when a
release removes or changes it, so an upgrade fails there, loudly, rather than somewhere in a run.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the Locust process imports this module too; it needs no pytest
    import pytest

RATE_LIMITED = 429


# ---- pytest -------------------------------------------------------------------------------------


def junit_writer(config: pytest.Config) -> Any | None:
    """The run's JUnit writer (`--junit-xml`), or None: pytest keeps it in the stash under a private key.

    Touchpoint: `_pytest.junitxml.xml_key`, and the writer's `node_reporter(nodeid)`, `prefix` and
    the reporter's `add_attribute` (the public `record_xml_attribute` warns on every test).
    """
    try:
        from _pytest.junitxml import xml_key
    except ImportError:  # a pytest without it writes its own names
        return None
    return config.stash.get(xml_key, None)


def pytest_test_paths(args: Sequence[str], *, plugins: Sequence[object] = ()) -> list[str]:
    """The arguments pytest would take as test paths, by its own parser with every plugin's options.

    Touchpoint: `_pytest.config.get_config` and the config's `_parser.parse_known_and_unknown_args`
    (pytest has no public way to parse a command line without running it). Raises whatever pytest
    raises for arguments it cannot parse.
    """
    import os

    from _pytest.config import get_config

    config = get_config(list(args))
    for plugin in plugins:
        config.pluginmanager.register(plugin)
    config.pluginmanager.consider_preparse(list(args), exclude_only=False)
    if not os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD"):
        config.pluginmanager.load_setuptools_entrypoints("pytest11")
    namespace, _unknown = config._parser.parse_known_and_unknown_args(list(args))
    return [str(word) for word in namespace.file_or_dir]


# ---- hypothesis ---------------------------------------------------------------------------------


def hypothesis_profile_asked(config: pytest.Config) -> str | None:
    """The profile given with `--hypothesis-profile`, read by the option's name in hypothesis's plugin.

    Touchpoint: the `hypothesis_profile` destination of hypothesis's pytest plugin option.
    """
    return config.getoption("hypothesis_profile", None)


@contextlib.contextmanager
def hypothesis_home(directory: Path) -> Iterator[None]:
    """Hypothesis keeps its files (failing examples, caches) in `directory` while the block runs.

    Touchpoint: `hypothesis.configuration.set_hypothesis_home_dir` and the module's private
    `__hypothesis_home_directory`, read to put back the folder in use before (hypothesis has no
    getter; a settings `database` would move the examples but not the rest of `.hypothesis/`).
    """
    from hypothesis import configuration

    before = vars(configuration).get("__hypothesis_home_directory")
    configuration.set_hypothesis_home_dir(directory)
    try:
        yield
    finally:
        configuration.set_hypothesis_home_dir(before)


# ---- schemathesis -------------------------------------------------------------------------------


def custom_check_error(raised: Any) -> Any:
    """The error our own check raised, which schemathesis hands back wrapped in a `CustomFailure`.

    Touchpoint: `CustomFailure.exception` (undocumented).
    """
    return getattr(raised, "exception", raised)


def probe_rate_limited(raised: Any) -> bool:
    """`ignored_auth` failed only because the probe it sent itself, without credentials, was answered 429.

    Touchpoint: its failure (`IgnoredAuth`) carries no status, only its message's text
    ("Expected 401 or 403, got `429 Too Many Requests` ..."). The other checks judge the case's own
    response, whose 429 the judge sets aside before any check runs.
    """
    failures = getattr(raised, "exceptions", None) or [raised]
    return any(f"got `{RATE_LIMITED} " in str(getattr(failure, "message", "")) for failure in failures)


def state_machine_recorder(machine: Any) -> Any | None:
    """The recorder a schemathesis state machine keeps of its steps, for `validate_response(recorder=)`.

    Touchpoint: the state machine's `recorder` attribute and `Case.validate_response`'s `recorder`
    keyword, both undocumented; without them a step's checks cannot see the steps before it.
    """
    return getattr(machine, "recorder", None)


# ---- Locust -------------------------------------------------------------------------------------


def request_rows(stats: Any) -> list[Any]:
    """Every per-request row of a Locust `RequestStats`, sorted by (name, method).

    Touchpoint: `RequestStats.entries` (undocumented; only `stats.total` is).
    """
    return [entry for _key, entry in sorted(stats.entries.items())]


def error_rows(stats: Any) -> list[Any]:
    """Every distinct error of a Locust `RequestStats`, with its occurrences.

    Touchpoint: `RequestStats.errors` (undocumented).
    """
    return list(stats.errors.values())
