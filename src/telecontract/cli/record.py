"""`telecontract record`: a recording, validating proxy in front of a provider."""

from __future__ import annotations

import logging
from pathlib import Path

import click
import uvicorn

from telecontract.cli import serving
from telecontract.cli.options import max_body_option
from telecontract.contract.target import check_url
from telecontract.credentials import Credentials
from telecontract.drift.proxy import create_proxy
from telecontract.errors import UsageError
from telecontract.spec import default_spec_path, load_spec


@click.command(
    epilog="Example: telecontract record --upstream https://rest-ww.telesign.com --port 8070 --out staging.ndjson"
)
@click.option("--upstream", required=True, help="The provider (or staging proxy) to forward to.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8070, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--out",
    default="recorded.ndjson",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="NDJSON file the (redacted) exchanges are appended to.",
)
@max_body_option
@click.option("--spec", "spec_path", type=click.Path(path_type=Path), default=None)
def record(upstream: str, host: str, port: int, out: Path, max_body_bytes: int, spec_path: Path | None) -> None:
    """Forward every request to --upstream, record it, and log spec violations as they pass.

    Point your app at http://HOST:PORT instead of the provider; read the recording later with
    `telecontract drift traffic FILE`.
    """
    # Our own lines only (what broke the spec, an upstream that failed): httpx would log every
    # forwarded request at INFO, and every exchange is in the recording already.
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    logging.getLogger("telecontract").setLevel(logging.INFO)
    target = _upstream(upstream)
    if not out.parent.is_dir():
        raise UsageError(f"--out {out}: the folder {out.parent} does not exist.", hint="Create it first.")
    app = create_proxy(
        target,
        load_spec(spec_path or default_spec_path()),
        out,
        Credentials.from_env(),
        max_body_bytes=max_body_bytes,
    )
    # Bound first: the banner shows the real port (--port 0), and a taken port is exit 2, not a banner.
    sock = serving.bind(host, port)
    click.echo(f"recording {serving.base_url(host, sock)} -> {target} into {out}")
    uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False)).run(sockets=[sock])


def _upstream(url: str) -> str:
    """--upstream as a base URL; without a scheme the fix is the same URL with one."""
    if "://" not in url:
        raise UsageError(f"--upstream {url!r} must start with http:// or https://.", hint=f"--upstream https://{url}")
    return check_url(url, flag="--upstream")
