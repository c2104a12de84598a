"""Number pools: one active lease per party per number, freed when it ends, and O(1) when a party is full.

Once a party held every number, each allocation for it scanned the whole pool (28 ms for 10,000
numbers) on the mock's one event loop, and every other client waited.
"""

from __future__ import annotations

import time

from telecontract.mock.config import default_dual_pools
from telecontract.mock.pools import Lease, NumberPool

PARTY = "15555551212"


def lease(*parties: str, ends: float = 1000.0) -> Lease:
    return Lease(frozenset(parties), ends)


def full_pool() -> NumberPool:
    """The default US pool (10,000 numbers), every number held by PARTY with someone else."""
    pool = NumberPool(default_dual_pools()["US"])
    for i in range(len(pool.numbers)):
        assert pool.allocate(lease(PARTY, f"1202555{i:04d}"), exclude=frozenset(), now=0.0) is not None
    assert pool.held_by(PARTY) == len(pool.numbers)
    return pool


def test_an_exhausted_party_is_answered_at_once() -> None:
    pool = full_pool()
    started = time.perf_counter()
    for i in range(1000):
        assert pool.allocate(lease(PARTY, f"1303555{i:04d}"), exclude=frozenset(), now=1.0) is None
    per_allocation = (time.perf_counter() - started) / 1000
    assert per_allocation < 0.0005, f"{per_allocation * 1000:.2f} ms per refused allocation"
    # Someone else still gets a number, as fast.
    assert pool.allocate(lease("14155550000", "14155550001"), exclude=frozenset(), now=1.0) is not None


def test_no_two_active_leases_sharing_a_party_share_a_number() -> None:
    pool = NumberPool(("1", "2", "3"))
    first = pool.allocate(lease("a", "b"), exclude=frozenset(), now=0.0)
    second = pool.allocate(lease("a", "c"), exclude=frozenset(), now=0.0)
    third = pool.allocate(lease("d", "b"), exclude=frozenset({"3"}), now=0.0)
    assert len({first, second}) == 2 and third not in (first, "3")
    assert pool.allocate(lease("x", "y"), exclude=frozenset(), now=0.0) is not None  # strangers share


def test_a_party_is_never_given_its_own_number() -> None:
    pool = NumberPool(("+15550001", "+15550002"))
    assert pool.allocate(lease("15550001", "9"), exclude=frozenset(), now=0.0) == "+15550002"


def test_ended_released_and_rescheduled_leases_free_their_numbers() -> None:
    pool = NumberPool(("1",))
    short = lease("a", "b", ends=10.0)
    assert pool.allocate(short, exclude=frozenset(), now=0.0) == "1"
    assert pool.allocate(lease("a", "c"), exclude=frozenset(), now=5.0) is None
    assert pool.allocate(lease("a", "c", ends=30.0), exclude=frozenset(), now=10.0) == "1"  # ended at 10

    kept = lease("e", "f")
    assert pool.allocate(kept, exclude=frozenset(), now=10.0) == "1"
    kept.release()
    assert pool.allocate(lease("e", "g"), exclude=frozenset(), now=10.0) == "1"

    moved = lease("h", "i", ends=100.0)
    assert pool.allocate(moved, exclude=frozenset(), now=10.0) == "1"
    moved.reschedule(20.0)  # an update shortened it
    assert pool.allocate(lease("h", "j"), exclude=frozenset(), now=21.0) == "1"
    longer = lease("k", "l", ends=30.0)
    assert pool.allocate(longer, exclude=frozenset(), now=21.0) == "1"
    longer.reschedule(float("inf"))  # an update made it never expire
    assert pool.allocate(lease("k", "m"), exclude=frozenset(), now=10**9) is None


def test_what_a_pool_keeps_stays_bounded() -> None:
    pool = NumberPool(tuple(str(n) for n in range(100)))
    for round_ in range(50):
        now = round_ * 10.0
        for i in range(100):
            pool.allocate(lease(f"p{i}", f"q{i}", ends=now + 5.0), exclude=frozenset(), now=now)
    assert pool.leases_kept() <= 3 * 100  # the last round's leases, not 50 rounds' worth
    pool.allocate(lease("z", "y"), exclude=frozenset(), now=10**6)
    assert pool.leases_kept() <= 3


def test_exhausted_party_over_http_is_still_2702(start_mock) -> None:
    mock = start_mock(dual_pools={"US": tuple(f"1332555{i:04d}" for i in range(50))})
    for i in range(25):  # each session holds two of the 50 numbers for the party
        created = mock.client.post(
            "/v1/anonymous/session/sms_voice",
            json={"phone_number_1": PARTY, "phone_number_2": f"1202555{i:04d}", "validity_period": 5},
        )
        assert created.status_code == 200, created.text
    refused = mock.client.post(
        "/v1/anonymous/session/sms_voice",
        json={"phone_number_1": PARTY, "phone_number_2": "15558675309", "validity_period": 5},
    )
    assert refused.status_code == 400 and refused.json()["status"]["code"] == 2702
