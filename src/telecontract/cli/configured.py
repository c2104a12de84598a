"""The config file applied to the commands: each key checked against the command's own option.

A key is an option's long flag with underscores (`--max-requests` -> `max_requests`); its value is
checked by that option's click type, so a file accepts exactly what the command line accepts. The checked
values become click's `default_map`, which is why flags and environment variables win over them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from telecontract.config import ConfigFile
from telecontract.errors import UsageError

# Options a file may not set: they act instead of running, or take the rest of the line; and the
# mock's defects, a demonstration of what the gate catches, never a team's standing setting.
NOT_SETTINGS = frozenset({"help", "list_rules", "pytest_args", "profile", "self_test", "seeds", "defects"})
PROFILES = "profiles"
# A top-level report_dir is the root of every command's reports: the gate writes into DIR/gate.
PER_COMMAND_FOLDER = "report_dir"


@dataclass(frozen=True, slots=True)
class Setting:
    value: Any
    origin: str  # "telecontract.toml [load]", "env TELECONTRACT_TARGET_URL", "flag", "default"


def key_of(option: click.Option) -> str:
    """The file's key for an option: its long flag without dashes (`--max-requests` -> max_requests)."""
    longest = max(option.opts, key=len)
    return longest.lstrip("-").replace("-", "_")


def settings_of(command: click.Command) -> dict[str, click.Option]:
    """The options of a command a file may set, by key."""
    return {
        key_of(p): p
        for p in command.params
        if p.name and isinstance(p, click.Option) and p.name not in NOT_SETTINGS and not p.hidden
    }


def as_defaults(command: click.Command, settings: dict[str, Setting]) -> dict[str, Any]:
    """Settings by file key -> click's default_map for the command (keyed by parameter name)."""
    options = settings_of(command)
    return {options[key].name: setting.value for key, setting in settings.items()}


def commands(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """Every command under the group with its path, e.g. (("drift", "spec"), <Command spec>)."""
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))
        elif name != "config":
            yield (*path, name), command


def default_map(group: click.Group, config: ConfigFile) -> dict[str, Any]:
    """click's nested default_map for every command, from the file; every key and value checked."""
    every = dict(commands(group))
    shared = {key for command in every.values() for key in settings_of(command)}
    sections = {path[0] for path in every}
    for key, value in config.settings.items():
        if key in sections:
            continue
        if key not in shared:
            allowed = ", ".join(sorted(shared))
            raise UsageError(
                f"{config.where()}: unknown key {key!r}.",
                hint=f"Top-level keys: {allowed}; or a table per command: [{'], ['.join(sorted(sections))}].",
            )
        if isinstance(value, dict):
            raise UsageError(f"{config.where()}: {key} is a setting, not a table.")
    result: dict[str, Any] = {}
    for path, command in every.items():
        node = result
        for name in path[:-1]:
            node = node.setdefault(name, {})
        node[path[-1]] = as_defaults(command, resolved(command, config, path, include_profile=None))
        _check_section_keys(config, path, every)
        if path == ("load",):
            for profile in config.table("load", PROFILES):
                resolved(command, config, path, include_profile=profile)  # checked now: a typo fails every run
    return result


def resolved(
    command: click.Command, config: ConfigFile, path: tuple[str, ...], *, include_profile: str | None
) -> dict[str, Setting]:
    """The file's settings for one command (top level, its table, then the profile), checked."""
    options = settings_of(command)
    found: dict[str, Setting] = {}
    layers: list[tuple[tuple[str, ...], dict[str, Any]]] = [((), config.settings), (path, config.table(*path))]
    if include_profile is not None:
        profiles = config.table(*path, PROFILES)
        if include_profile not in profiles:
            known = ", ".join(sorted(profiles)) or "none"
            raise UsageError(
                f"No load profile named {include_profile!r} in {config.where(*path, PROFILES)}.",
                hint=f"Profiles there: {known}. A profile is a table [load.profiles.NAME].",
            )
        layers.append(((*path, PROFILES, include_profile), profiles[include_profile]))
    for table, values in layers:
        if not isinstance(values, dict):
            raise UsageError(f"{config.where(*table)} must be a table.")
        for key, value in values.items():
            if not table and (isinstance(value, dict) or key not in options):
                continue  # another command's table or setting; default_map checked the top level
            if table == path and key == PROFILES and path == ("load",):
                continue
            if key not in options:
                allowed = ", ".join(sorted(options))
                raise UsageError(f"{config.where(*table)}: unknown key {key!r}.", hint=f"Allowed here: {allowed}.")
            checked = _checked(options[key], value, config, table, key)
            if key == PER_COMMAND_FOLDER and not table:
                checked = str(Path(checked) / path[-1])
            found[key] = Setting(checked, config.where(*table))
    return found


def _check_section_keys(config: ConfigFile, path: tuple[str, ...], every: dict[tuple[str, ...], click.Command]) -> None:
    """A group's table holds its subcommands' tables: [drift.spec]; anything else there is a typo."""
    if len(path) < 2:
        return
    group_table = config.table(*path[:-1])
    subcommands = {p[len(path) - 1] for p in every if p[: len(path) - 1] == path[:-1]}
    for key in group_table:
        if key not in subcommands:
            raise UsageError(
                f"{config.where(*path[:-1])}: unknown key {key!r}.",
                hint=f"It holds a table per subcommand: {', '.join(sorted(subcommands))}.",
            )


def _checked(option: click.Parameter, value: Any, config: ConfigFile, table: tuple[str, ...], key: str) -> Any:
    """The value as the option would take it from the command line; a wrong one names what is allowed."""
    if option.multiple and not isinstance(value, list):
        value = [value]
    if isinstance(option.type, click.Path):
        value = [_relative_to(config, v) for v in value] if option.multiple else _relative_to(config, value)
    try:
        with click.Context(click.Command("config")) as context:
            option.type_cast_value(context, value)
    except click.BadParameter as exc:
        raise UsageError(
            f"{config.where(*table)}: {key} = {value!r}: {exc.message}",
            hint=f"Allowed: {describe(option)}.",
        ) from None
    return value


def _relative_to(config: ConfigFile, value: Any) -> Any:
    if isinstance(value, str) and value and not Path(value).is_absolute():
        return str(config.folder / value)
    return value


def described_range(kind: click.IntRange | click.FloatRange) -> str:
    """`between 1 and 100`, `at least 0`, `above 0`: what click's own message says, from public attributes."""
    low = None if kind.min is None else ("above " if kind.min_open else "at least ") + f"{kind.min:g}"
    high = None if kind.max is None else ("below " if kind.max_open else "at most ") + f"{kind.max:g}"
    if low and high and not (kind.min_open or kind.max_open):
        return f"between {kind.min:g} and {kind.max:g}"
    return " and ".join(filter(None, (low, high))) or "of any size"


def describe(option: click.Parameter) -> str:
    """What an option accepts, in words: the choices, a range, or the kind of value."""
    kind = option.type
    if described := getattr(kind, "described", None):  # a type of ours says what it takes
        text = str(described)
    elif isinstance(kind, click.Choice):
        text = "one of " + ", ".join(map(str, kind.choices))
    elif isinstance(option, click.Option) and option.is_flag:
        text = "true or false"
    elif isinstance(kind, click.IntRange | click.FloatRange):
        text = f"a number {described_range(kind)}"
    elif isinstance(kind, click.Path):
        text = "a path (relative to the config file)"
    else:
        text = {"integer": "a whole number", "float": "a number"}.get(kind.name, "a string")
    if option.multiple:
        text = f"a list of {text.removeprefix('a ')}" if not text.startswith("one of") else f"a list, each {text}"
    return text


def origins(
    command: click.Command,
    config: ConfigFile,
    path: tuple[str, ...],
    root: click.Context,
    *,
    profile: str | None = None,
) -> dict[str, Setting]:
    """Every setting of a command as a run with no flags would see it, and where it came from."""
    from_file = resolved(command, config, path, include_profile=profile)
    defaults: Any = root.default_map or {}
    for name in path:
        defaults = defaults.get(name, {})
    args = ["--profile", profile] if profile else []
    with command.make_context(" ".join(path), args, parent=root, default_map=defaults, resilient_parsing=True) as ctx:
        result: dict[str, Setting] = {}
        for key, option in settings_of(command).items():
            assert option.name is not None
            source = ctx.get_parameter_source(option.name)
            envvar = option.envvar if isinstance(option.envvar, str) else None
            if source is click.core.ParameterSource.ENVIRONMENT and envvar:
                origin = f"env {envvar}"
            elif source is click.core.ParameterSource.DEFAULT_MAP and key in from_file:
                origin = from_file[key].origin
            else:
                origin = "default"
            result[key] = Setting(ctx.params.get(option.name), origin)
    return result
