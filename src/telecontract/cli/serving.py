"""The listening socket of `mock`, `sink` and `record`: bound before anything is printed or created.

Binding first (as uvicorn does with `--fd`, and as `mock` always has) means the banner shows the
real port even with `--port 0`, and a port that is taken or a host that is not this machine's is
a usage error (exit 2, naming the flag to change) before a database is created or a banner claims
a server that never starts. uvicorn left to bind by itself prints a traceback-free error but exits
3, which the gate uses for "incomplete".
"""

from __future__ import annotations

import errno
import socket

from telecontract.errors import UsageError

BACKLOG = 2048  # uvicorn's own default: connections made right after the banner wait here
ANY_INTERFACE = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}
HOST_HINT = "--host takes an address of this machine: 127.0.0.1 (this machine only), 0.0.0.0 (every interface) or ::1."


def bind(host: str, port: int) -> socket.socket:
    """A socket listening on host:port (port 0: any free one), or a UsageError that names the fix."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        raise UsageError(
            f"Cannot listen on {host}:{port}: {host} is not an IP address or a known host name ({exc.strerror}).",
            hint=HOST_HINT,
        ) from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise UsageError(f"Cannot listen on {host}:{port}: {exc.strerror}.", hint=_hint(exc.errno, port)) from None
    sock.listen(BACKLOG)
    return sock


def _hint(code: int | None, port: int) -> str:
    if code == errno.EADDRINUSE:
        return f"Something else listens on port {port}: pick another --port, or --port 0 for any free one."
    if code == errno.EACCES:
        return "Ports below 1024 need privileges: pick --port 1024 or above, or --port 0 for any free one."
    if code == errno.EADDRNOTAVAIL:
        return HOST_HINT
    return "Check --host and --port."


def base_url(host: str, sock: socket.socket) -> str:
    """http://HOST:PORT with the port the socket really got (IPv6 hosts in brackets)."""
    return _url(host, int(sock.getsockname()[1]))


def reachable_url(host: str, sock: socket.socket) -> str:
    """The URL a client on this machine uses: a server on every interface is reached on loopback."""
    return _url(ANY_INTERFACE.get(host, host), int(sock.getsockname()[1]))


def _url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"
