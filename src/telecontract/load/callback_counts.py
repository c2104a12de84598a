"""The callbacks of a load run, counted from the receiver's database and the users' ledger of placed
calls: placed, stored, lost, duplicated, and how fast and how late they were delivered."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

from telecontract.load.ledger import read_placed
from telecontract.sink.store import read_deliveries, tally

# Callbacks of the run's last calls may still be queued at the target when Locust stops.
CALLBACK_GRACE_SECONDS = 30.0


def callback_metrics(database: Path, ledger_dir: Path) -> dict[str, float]:
    placed = read_placed(ledger_dir) if ledger_dir.exists() else set()
    if not placed:
        return {}
    # The last calls of the run still have callbacks in flight: wait until they land or time runs out.
    deadline = time.monotonic() + CALLBACK_GRACE_SECONDS
    while True:
        stored = tally(database)
        lost = placed - stored.accepted_references
        if not lost or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    return {
        "placed": len(placed),
        "stored": stored.unique_accepted,
        "lost_callbacks": len(lost),
        "duplicate_callbacks": stored.duplicates,
        **delivery_timing(database),
    }


def delivery_timing(database: Path) -> dict[str, float]:
    """Deliveries/s, and end-to-end delay of Voice v1 callbacks: payload status time to stored on disk."""
    delays, received = [], []
    for delivery in read_deliveries(database, webhook="voiceTransactionCallback"):
        if not delivery.signature_ok or delivery.answered >= 300:
            continue  # not received: forged, unsigned, replayed, or failed by the sink on purpose
        received.append(delivery.received_at)
        try:
            updated = json.loads(delivery.body)["status"]["updated_on"]
            sent = datetime.strptime(updated, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC).timestamp()
        except (KeyError, ValueError, TypeError):
            continue
        delays.append((delivery.received_at - sent) * 1000)
    if not delays:
        return {}
    delays.sort()
    span = max(received) - min(received)
    return {
        "deliveries_per_s": round(len(received) / span, 1) if span > 0 else float(len(received)),
        "delay_p50_ms": round(delays[len(delays) // 2], 1),
        "delay_p99_ms": round(delays[min(len(delays) - 1, int(len(delays) * 0.99))], 1),
    }
