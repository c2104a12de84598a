"""`telecontract mock`: serve the reference mock provider."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import uvicorn

from telecontract.cli import accounts, serving
from telecontract.cli.options import max_body_option, spec_option, validity_unit_option
from telecontract.connection_limits import (
    HEADER_DEADLINE_SECONDS,
    MAX_HEADER_BYTES,
    REQUEST_DEADLINE_SECONDS,
    ConnectionLimits,
    uvicorn_config,
)
from telecontract.credentials import Credentials
from telecontract.mock import MockConfig, create_app
from telecontract.mock.app import tune_gc
from telecontract.mock.defects import DEFECTS
from telecontract.mock.quirks import QUIRKS
from telecontract.spec import use_spec


def connection_limit_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--max-header-bytes, --header-deadline, --request-deadline: one `limits` (mock and sink)."""

    options = [
        click.option(
            "--max-header-bytes",
            type=click.IntRange(1024),
            default=MAX_HEADER_BYTES,
            show_default=True,
            help="Request line and headers larger than this are refused with 431.",
        ),
        click.option(
            "--header-deadline",
            type=click.FloatRange(min=0.0, min_open=True),
            default=HEADER_DEADLINE_SECONDS,
            show_default=True,
            help="Seconds a request's headers may take to arrive (then 408, and the connection closed).",
        ),
        click.option(
            "--request-deadline",
            type=click.FloatRange(min=0.0, min_open=True),
            default=REQUEST_DEADLINE_SECONDS,
            show_default=True,
            help="Seconds a whole request (headers and body) may take to arrive (then 408, closed).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def limits_of(max_header_bytes: int, header_deadline: float, request_deadline: float) -> ConnectionLimits:
    return ConnectionLimits(max_header_bytes, header_deadline, request_deadline)


def _list_defects(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    width = max(len(name) for name in DEFECTS)
    for name, defect in sorted(DEFECTS.items()):
        # The finding the self-test requires, so a caught defect is caught for its own reason.
        expected = defect.expected
        click.echo(f"{name:<{width}}  {defect.description}")
        click.echo(f"{'':<{width}}  caught by {expected.rule} on {expected.where}, saying {expected.detail!r}")
    ctx.exit(0)


def _list_quirks(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    width = max(len(name) for name in QUIRKS)
    for name, quirk in sorted(QUIRKS.items()):
        click.echo(f"{name:<{width}}  {quirk.description}")
    ctx.exit(0)


@click.command(epilog="Example: telecontract mock --port 8080 --time-scale 0.001 --defect masked_id_is_real_number")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any free).")
@click.option(
    "--defect",
    "defects",
    multiple=True,
    type=click.Choice(sorted(DEFECTS)),
    help="Break the contract on purpose (repeatable); see --list-defects.",
)
@click.option(
    "--time-scale",
    default=1.0,
    show_default=True,
    type=click.FloatRange(min=0.0, min_open=True),
    help="Multiply provider-side delays (call progress, callback retries, expiry); 0.001 makes 10 s 10 ms.",
)
@click.option(
    "--quirk",
    "quirks",
    multiple=True,
    type=click.Choice(sorted(QUIRKS)),
    help="Answer in a way a real provider may and still conform (repeatable); see --list-quirks.",
)
@click.option("--voice-event-url", default=None, help="Customer event URL for Voice v2 calls.")
@spec_option("the mock validates against")
@validity_unit_option
@max_body_option
@connection_limit_options
@click.option(
    "--open-simulator",
    is_flag=True,
    help="Answer the carrier simulator (/_sim/*) without the account's credentials.",
)
@click.option(
    "--list-defects",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_list_defects,
    help="List the defect catalogue and exit.",
)
@click.option(
    "--list-quirks",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_list_quirks,
    help="List the conforming variations (quirks) and exit.",
)
def mock(
    host: str,
    port: int,
    defects: tuple[str, ...],
    quirks: tuple[str, ...],
    time_scale: float,
    voice_event_url: str | None,
    spec_path: Path | None,
    validity_unit: str,
    max_body_bytes: int,
    max_header_bytes: int,
    header_deadline: float,
    request_deadline: float,
    open_simulator: bool,
) -> None:
    """Serve the reference mock provider (TeleSign and VTS paths on one port).

    Accounts come from TELECONTRACT_TELESIGN_CUSTOMER_ID, TELECONTRACT_TELESIGN_API_KEY,
    TELECONTRACT_VTS_AUTH_ID and TELECONTRACT_VTS_AUTH_TOKEN (defaults: the embedded mock's).
    """
    config = MockConfig(
        credentials=Credentials.from_env(),
        time_scale=time_scale,
        defects=frozenset(defects),
        quirks=frozenset(quirks),
        voice_event_url=voice_event_url,
        validity_unit=validity_unit,
        max_body_bytes=max_body_bytes,
        open_simulator=open_simulator,
        own_process=True,
    )
    app = create_app(config, use_spec(spec_path) if spec_path else None)
    # Bound first: the banner shows the real port (--port 0), and a taken port is exit 2, not a banner.
    sock = serving.bind(host, port)
    click.echo(f"telecontract mock listening on {serving.base_url(host, sock)}")
    for line in accounts.lines(config.credentials, serving.reachable_url(host, sock)):
        click.echo(line)
    if defects:
        click.echo(f"defects on: {', '.join(sorted(defects))}")
    tune_gc()
    limits = limits_of(max_header_bytes, header_deadline, request_deadline)
    server = uvicorn.Server(uvicorn_config(app, limits, log_level="warning", access_log=False))
    server.run(sockets=[sock])
