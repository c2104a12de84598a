"""Jinja2, set up once: templates from this package, every value escaped unless marked safe."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from importlib.metadata import version
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("telecontract.html", "templates"),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True),
        undefined=StrictUndefined,  # a typo in a template fails the report's test, not silently blanks a cell
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["ms"] = lambda value: "-" if value is None else f"{value:,.1f}"
    env.filters["number"] = number
    env.filters["pretty"] = pretty
    return env


def pretty(body: str) -> str:
    """A JSON body indented for reading; anything else as it came."""
    try:
        return json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except ValueError:
        return body


def number(value: float | None) -> str:
    """5,770 and 1,153 for big figures, 0.012 and 84.7 for small ones; '-' for none."""
    if value is None:
        return "-"
    if value == int(value) or abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def render(template: str, **context: Any) -> str:
    """A whole page; every page gets the tool's version and when it was made."""
    made = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return environment().get_template(template).render(version=version("telecontract"), made=made, **context)
