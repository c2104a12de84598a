"""Every option of `telecontract gate` checked before anything starts: a mistake is exit 2, no request sent.

The command line's values become the run's one `RunOptions` here (URLs, numbers file, receivers,
defects, rule levels, operations, suite folder). pytest arguments after `--` that the gate sets
itself are refused with the gate's flag to use instead: the gate hands the engine its options as
one object, so pytest's copies of them would be silently ignored. A bare word among them that is no
test path (`telecontract gate strict`, the dashes forgotten) is refused too, with the flag meant.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from telecontract import suite as suite_package
from telecontract import webhooks
from telecontract.contract import plugin as engine
from telecontract.contract.engine import command_line
from telecontract.contract.options import RunOptions
from telecontract.contract.rules import check_rule_levels
from telecontract.contract.scope import NOT_SELECTED, in_scope, reasons_for
from telecontract.contract.target import check_defects, check_url
from telecontract.errors import UsageError
from telecontract.internals import pytest_test_paths
from telecontract.numbers import read_numbers
from telecontract.receiver_urls import parse_receiver_urls
from telecontract.spec import Spec, load_spec

# pytest options the gate sets on the command line it builds, with the gate's flag for each.
SET_BY_THE_GATE = {"--hypothesis-seed": "--seed", "--junit-xml": "--junit-xml", "--junitxml": "--junit-xml"}
DEEP_PROFILE = "--hypothesis-profile"  # the gate's --deep sets it; without --deep it is the user's to choose


def find_suite(explicit: Path | None) -> Path:
    """The contract suite: --suite, else the one shipped in the package (`telecontract.suite`)."""
    if explicit is not None:
        if not explicit.is_dir():
            raise UsageError(f"Contract suite folder not found: {explicit}", hint="Pass --suite FOLDER.")
        return explicit
    return Path(suite_package.__file__).resolve().parent


def options_from(params: Mapping[str, Any]) -> RunOptions:
    """The run's options from the gate's parsed parameters (click's), each value checked."""
    raised, lowered = check_rule_levels(params["fail_on_rules"], params["warn_on_rules"])
    urls = {key: params[key] for key in ("target_url", "telesign_url", "telesign_voice_url", "vts_url")}
    for key, url in urls.items():
        if url is not None and not url.strip():
            # `--target-url "${{ vars.URL }}"` with the variable unset: the run would test the embedded
            # mock and pass, saying nothing of the target meant. (An empty variable is unset: click's way.)
            flag = "--" + key.replace("_", "-")
            raise UsageError(f"{flag} is empty.", hint=f"Give {flag} a URL, or leave it out to test the embedded mock.")
    receivers = _receivers(params["receiver_urls"], live=any(urls.values()))
    if receivers and params["defects"]:
        raise UsageError("--defect switches a defect on in the embedded mock; --receiver-url tests your receiver.")
    if params["suite"] is not None:
        find_suite(params["suite"])
    numbers_file: Path | None = params["numbers"]
    spec_path: Path | None = params["spec_path"]
    options = RunOptions(
        **urls,
        defects=frozenset(params["defects"]),
        rate_limit=params["rate_limit"],
        max_requests=params["max_requests"],
        strict=params["strict"],
        validity_unit=params["validity_unit"],
        numbers=read_numbers(numbers_file) if numbers_file else None,
        numbers_file=numbers_file,
        deep=params["deep"],
        allow_calls=params["allow_calls"],
        callback_url=check_url(params["callback_url"], "--callback-url") if params["callback_url"] else None,
        operations=tuple(params["operations"]),
        spec=spec_path.resolve() if spec_path else None,
        report_dir=params["report_dir"],
        seed=params["seed"],
        receiver_urls=tuple(receivers.items()),
        receiver_timeout=params["receiver_timeout"],
        fail_on_rules=raised,
        warn_on_rules=lowered,
        suite=params["suite"],
        pytest_args=tuple(params["pytest_args"]),
    )
    check_defects(options)
    check_operations(load_spec(), options.operations)
    return options


def _receivers(values: Iterable[str], *, live: bool) -> dict[str, str]:
    """kind -> URL of the team's receiver (reachability is checked apart: it is not a parse)."""
    values = tuple(values)
    if not values:
        return {}
    if live:
        raise UsageError(
            "--receiver-url tests your receiver; --target-url and the provider URLs test a provider.",
            hint="Run the gate once for each.",
        )
    return parse_receiver_urls(values, webhooks.kinds(load_spec()))


def check_operations(spec: Spec, texts: Iterable[str]) -> None:
    """An --operation text that selects nothing is a typo: the run would check nothing."""
    for text in texts:
        if not any(text in op.operation_id or text in op.label for op in spec.operations()):
            some = ", ".join(op.operation_id for op in spec.operations()[:3])
            raise UsageError(
                f"--operation {text!r} matches no operation of the spec.",
                hint=f"Give part of an operationId or of 'METHOD /path', e.g. {some}; --dry-run lists them all.",
            )


def check_something_runs(spec: Spec, options: RunOptions) -> None:
    """A provider run whose every operation is left out would send nothing and fail for it: say why now."""
    if options.receiver_urls:
        return
    reasons = reasons_for(spec, options)
    if not in_scope(spec, reasons):
        # Why the operations the user asked for are left out; the others were not asked for.
        why = sorted({why for why in reasons.values() if why != NOT_SELECTED} or set(reasons.values()))
        raise UsageError(f"Every operation is left out of this run: {'; '.join(why)}.", hint="See --dry-run.")


def check_writable(*folders: Path | None) -> None:
    """The report folders are made now: one that cannot be is found before the run, not after it."""
    for folder in folders:
        if folder is None:
            continue
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"Cannot write reports to {folder}: {exc.strerror or exc}.") from None


def engine_options() -> list[str]:
    """The long options the engine plugin declares to pytest (what `pytest_addoption` registers)."""

    class Names:  # stands in for pytest's parser and its option groups
        def __init__(self) -> None:
            self.found: list[str] = []

        def getgroup(self, *_: Any, **__: Any) -> Names:
            return self

        def addoption(self, *names: str, **_: Any) -> None:
            self.found.extend(name for name in names if name.startswith("--"))

    names = Names()
    command_line.pytest_addoption(names)  # type: ignore[arg-type]
    return names.found


def owned_options(gate_flags: Collection[str]) -> dict[str, str | None]:
    """pytest option -> the gate's flag that sets it (None: the gate has no flag for it)."""
    owned: dict[str, str | None] = {}
    for name in engine_options():
        flag = name.replace("--contract-", "--", 1)  # --contract-strict is the gate's --strict
        owned[name] = flag if flag in gate_flags else None
    return owned | SET_BY_THE_GATE


def refuse_gate_options(pytest_args: Iterable[str], gate_flags: Collection[str], *, deep: bool) -> None:
    """Arguments after `--` go to pytest; one the gate sets itself would be ignored, so it is refused."""
    owned = owned_options(gate_flags)
    for arg in pytest_args:
        name = arg.split("=", 1)[0]
        if name == DEEP_PROFILE and deep:
            raise UsageError(
                f"{arg} after `--` and --deep both choose the hypothesis profile.", hint="Keep one of them."
            )
        if name not in owned:
            continue
        flag = owned[name]
        hint = (
            f"Give it to the gate, before `--`: telecontract gate {flag} ..."
            if flag
            else "The gate has no flag for it (its reports go to --report-dir); see telecontract gate --help."
        )
        raise UsageError(
            f"{arg} after `--` is an option the gate sets itself, so pytest's would be ignored.", hint=hint
        )
    refuse_bare_words(pytest_args, gate_flags)


def refuse_bare_words(pytest_args: Sequence[str], gate_flags: Collection[str]) -> None:
    """A word pytest would take for a test path but no file or folder has that name: a mistyped flag.

    pytest would say "file or directory not found" among its own output, after the run started; here
    it is one line with the flag meant (`strict` -> --strict), before anything runs.
    """
    if "--pyargs" in pytest_args or all(arg.startswith("-") for arg in pytest_args):
        return  # with --pyargs the words are module names
    for word in taken_as_paths(pytest_args):
        if Path(word.split("::", 1)[0]).exists():
            continue
        if "/" in word or os.sep in word or "::" in word or word.endswith(".py"):
            raise UsageError(f"test path {word!r} not found (paths are from {Path.cwd()}).")
        longs = sorted(flag for flag in gate_flags if flag.startswith("--"))
        bare = word.lstrip("-").split("=", 1)[0]
        meant = (
            f"--{bare}" if f"--{bare}" in longs else next(iter(difflib.get_close_matches(f"--{bare}", longs, 1)), None)
        )
        fix = (
            f"did you mean {meant}?" if meant else "see telecontract gate --help (pytest's own arguments go after `--`)"
        )
        raise UsageError(f"{word!r} is not a gate option or a test path; {fix}")


def taken_as_paths(pytest_args: Sequence[str]) -> list[str]:
    """The arguments pytest would take as test paths, by pytest's own parser (with the options of every
    plugin the run loads, so `-k strict` is an expression, not a path); by their place if it cannot say."""
    args = list(pytest_args)
    try:
        return pytest_test_paths(args, plugins=[engine])
    except (Exception, SystemExit):  # pytest will say what is wrong with them itself
        # A word is an option's value when it follows an option without `=`; a path otherwise.
        return [
            word
            for before, word in zip([None, *args], args, strict=False)
            if not word.startswith("-") and (before is None or not before.startswith("-") or "=" in before)
        ]
