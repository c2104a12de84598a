"""`telecontract sink`: serve the callback receiver."""

from __future__ import annotations

from pathlib import Path

import click
import uvicorn

from telecontract.cli import serving
from telecontract.cli.mock import connection_limit_options, limits_of
from telecontract.cli.options import max_body_option, spec_option
from telecontract.connection_limits import uvicorn_config
from telecontract.credentials import Credentials
from telecontract.errors import UsageError
from telecontract.sink import SinkConfig, create_sink
from telecontract.spec import Spec, load_spec, use_spec


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
    spec = use_spec(spec_path) if spec_path else load_spec()
    kinds = _webhooks(spec)  # a spec the sink cannot use fails here, before the database exists
    if not database.parent.is_dir():
        raise UsageError(f"--db {database}: the folder {database.parent} does not exist.", hint="Create it first.")
    # Bound next: the banner shows the real port (--port 0), and a taken port is exit 2, not a banner.
    sock = serving.bind(host, port)
    limits = limits_of(max_header_bytes, header_deadline, request_deadline)
    app = create_sink(config, spec)  # creates the database
    url = serving.base_url(host, sock)
    click.echo(f"telecontract sink on {url}, storing in {database}")
    for kind in kinds:
        click.echo(f"  POST {url}/{kind}")
    uvicorn.Server(uvicorn_config(app, limits, log_level="warning", access_log=False)).run(sockets=[sock])


def _webhooks(spec: Spec) -> list[str]:
    """The webhooks the sink takes; a spec without any would have it refuse every callback."""
    found = spec.document.get("webhooks")
    if not isinstance(found, dict) or not found:
        raise UsageError(
            f"{spec.source} describes no webhooks (a 'webhooks' map): the sink would refuse every callback.",
            hint="Pass a spec with the providers' webhooks, or leave --spec out for the bundled one.",
        )
    return sorted(spec.webhooks())
