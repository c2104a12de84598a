"""`telecontract sink`: serve the callback receiver."""

from __future__ import annotations

from pathlib import Path

import click
import uvicorn

from telecontract.cli.mock import connection_limit_options, limits_of
from telecontract.cli.options import max_body_option, spec_option
from telecontract.connection_limits import uvicorn_config
from telecontract.credentials import Credentials
from telecontract.sink import SinkConfig, create_sink
from telecontract.spec import use_spec


@click.command(epilog="Example: telecontract sink --port 8090 --db deliveries.sqlite3 --fail-first 2")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8090, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--db",
    "database",
    default="deliveries.sqlite3",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="SQLite file the deliveries are stored in.",
)
@click.option(
    "--fail-first",
    default=0,
    show_default=True,
    type=click.IntRange(0),
    help="Answer 503 to the first N attempts of every delivery (makes senders retry).",
)
@max_body_option
@connection_limit_options
@click.option(
    "--open-reads",
    is_flag=True,
    help="Answer GET /_sink/deliveries without the account's credentials (anyone on the host may read).",
)
@spec_option("whose webhooks the sink validates")
def sink(
    host: str,
    port: int,
    database: Path,
    fail_first: int,
    max_body_bytes: int,
    max_header_bytes: int,
    header_deadline: float,
    request_deadline: float,
    open_reads: bool,
    spec_path: Path | None,
) -> None:
    """Receive provider callbacks: verify signatures, validate against the spec, store before answering.

    POST /<webhook name> (voiceTransactionCallback, voiceEvent, maskingTransactionStatus,
    vtsSessionCallback); GET /_sink/deliveries/<reference> lists what arrived about one call (with
    the account's Basic credentials, unless --open-reads).
    """
    config = SinkConfig(
        credentials=Credentials.from_env(),
        database=database,
        fail_first=fail_first,
        max_body_bytes=max_body_bytes,
        open_reads=open_reads,
    )
    click.echo(f"telecontract sink on http://{host}:{port}, storing in {database}")
    spec = use_spec(spec_path) if spec_path else None
    limits = limits_of(max_header_bytes, header_deadline, request_deadline)
    app = create_sink(config, spec)
    uvicorn.Server(uvicorn_config(app, limits, host=host, port=port, log_level="warning", access_log=False)).run()
