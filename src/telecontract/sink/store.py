"""Durable storage of deliveries: SQLite in WAL mode, group commit, never ack before fsync.

Requests hand their row to one writer thread and wait; the writer inserts everything queued,
commits once (synchronous=FULL, so the WAL is on disk), and only then releases the waiters.
Many deliveries share one fsync, and none is acknowledged before it is durable.
"""

from __future__ import annotations

import asyncio
import queue
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY,
    webhook TEXT NOT NULL,
    reference TEXT NOT NULL,         -- reference_id or session_uuid of the payload, '' if none
    delivery_key TEXT NOT NULL,      -- sha256 of URL and body: the same delivery retried has the same key
    received_at REAL NOT NULL,
    answered INTEGER NOT NULL,       -- the HTTP status the sink answered
    signature_ok INTEGER NOT NULL,
    schema_errors TEXT NOT NULL,     -- JSON list, empty when the payload matches the spec
    headers TEXT NOT NULL,           -- JSON, secrets redacted
    body BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_key ON deliveries (delivery_key);
CREATE INDEX IF NOT EXISTS deliveries_reference ON deliveries (reference);
"""
COLUMNS = (
    "webhook",
    "reference",
    "delivery_key",
    "received_at",
    "answered",
    "signature_ok",
    "schema_errors",
    "headers",
    "body",
)
MAX_BATCH = 512


@dataclass(frozen=True, slots=True)
class Delivery:
    id: int
    webhook: str
    reference: str
    delivery_key: str
    received_at: float
    answered: int
    signature_ok: bool
    schema_errors: str
    headers: str
    body: bytes


def connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.executescript(SCHEMA)
    return connection


class DeliveryStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._connection = connect(path)
        self._queue: queue.SimpleQueue[tuple[tuple[Any, ...], asyncio.Future[int], asyncio.AbstractEventLoop] | None]
        self._queue = queue.SimpleQueue()
        self._writer = threading.Thread(target=self._write_forever, name="sink-writer", daemon=True)
        self._writer.start()

    async def add(self, row: tuple[Any, ...]) -> int:
        """Store one delivery; returns its id once it is committed to disk."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[int] = loop.create_future()
        self._queue.put((row, future, loop))
        return await future

    def _write_forever(self) -> None:
        placeholders = ", ".join("?" for _ in COLUMNS)
        insert = f"INSERT INTO deliveries ({', '.join(COLUMNS)}) VALUES ({placeholders})"
        while True:
            item = self._queue.get()
            if item is None:
                return
            batch = [item]
            while len(batch) < MAX_BATCH:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self._queue.put(None)  # finish this batch, then stop
                    break
                batch.append(more)
            try:
                self._connection.execute("BEGIN")
                ids = [self._connection.execute(insert, row).lastrowid for row, _, _ in batch]
                self._connection.execute("COMMIT")
            except sqlite3.Error as exc:
                self._connection.execute("ROLLBACK") if self._connection.in_transaction else None
                for _, future, loop in batch:
                    loop.call_soon_threadsafe(_fail, future, exc)
                continue
            for (_, future, loop), row_id in zip(batch, ids, strict=True):
                loop.call_soon_threadsafe(_resolve, future, row_id)

    def close(self) -> None:
        self._queue.put(None)
        self._writer.join(timeout=10)
        self._connection.close()


def _resolve(future: asyncio.Future[int], value: int | None) -> None:
    if not future.done():
        future.set_result(value or 0)


def _fail(future: asyncio.Future[int], exc: BaseException) -> None:
    if not future.done():
        future.set_exception(exc)


def read_deliveries(path: Path, webhook: str | None = None, reference: str | None = None) -> Iterator[Delivery]:
    """Stored deliveries in arrival order, optionally of one webhook or reference (fresh connection)."""
    connection = sqlite3.connect(path)
    try:
        where, params = [], []
        for column, value in (("webhook", webhook), ("reference", reference)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        query = f"SELECT id, {', '.join(COLUMNS)} FROM deliveries"
        query += (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id"
        for row in connection.execute(query, params):
            yield Delivery(row[0], row[1], row[2], row[3], row[4], row[5], bool(row[6]), row[7], row[8], row[9])
    finally:
        connection.close()


@dataclass(frozen=True, slots=True)
class Tally:
    """What a receiver has stored: for lost and duplicate counting.

    Only signed deliveries count as received: a forged, unsigned or replayed one is stored with
    its verdict (signature_ok 0) and counted in `deliveries` and `unsigned`, never as accepted.
    """

    deliveries: int  # every attempt stored, failed-on-purpose and unsigned ones included
    accepted: int  # signed attempts answered 2xx
    unique_accepted: int  # distinct signed deliveries answered 2xx
    accepted_references: frozenset[str]
    unsigned: int = 0  # forged, unsigned or replayed attempts

    @property
    def duplicates(self) -> int:
        """Deliveries acknowledged more than once (the sender retried after we had said yes)."""
        return self.accepted - self.unique_accepted


RECEIVED = "answered < 300 AND signature_ok = 1"  # what a reader may count as arrived


def tally(path: Path) -> Tally:
    connection = sqlite3.connect(path)
    try:
        deliveries, accepted, unique, unsigned = connection.execute(
            f"SELECT COUNT(*), COALESCE(SUM({RECEIVED}), 0), COUNT(DISTINCT CASE WHEN {RECEIVED} "
            "THEN delivery_key END), COALESCE(SUM(signature_ok = 0), 0) FROM deliveries"
        ).fetchone()
        references = frozenset(
            r
            for (r,) in connection.execute(
                f"SELECT DISTINCT reference FROM deliveries WHERE {RECEIVED} AND reference != ''"
            )
        )
    finally:
        connection.close()
    return Tally(deliveries, accepted, unique, references, unsigned)
