"""Replays: the nonce cache is amortised O(1) and bounded; a nonce-less signature serves once too.

The cache once rebuilt its whole dict on every request while it held more than 100,000 nonces
(18 ms per signed request at 200,000). The documents make `X-TS-Nonce` optional: a request without
one is still accepted, but its exact replay (same signature) within the date window is refused.
"""

from __future__ import annotations

import time
import uuid
from email.utils import formatdate

import httpx

from telecontract import auth

BODY = "phone_number=15555551212&message=Hello&message_type=OTP"
FORM = "application/x-www-form-urlencoded"


def test_a_nonce_is_refused_the_second_time_and_forgotten_after_the_window() -> None:
    cache = auth.NonceCache()
    assert cache.first_use("n", 1000.0) and not cache.first_use("n", 1001.0)
    assert cache.first_use("n", 1000.0 + 2 * auth.MAX_CLOCK_SKEW_SECONDS + 1)


def test_a_nonce_is_kept_as_long_as_its_date_is_accepted() -> None:
    cache = auth.NonceCache()
    sent_at = 1000.0
    assert cache.first_use("n", sent_at + 60, sent_at=sent_at)
    assert not cache.first_use("n", sent_at + auth.MAX_CLOCK_SKEW_SECONDS - 1)  # the date is still fresh
    assert cache.first_use("other", sent_at + auth.MAX_CLOCK_SKEW_SECONDS + 1)
    assert len(cache) == 1  # "n" could no longer pass the date check: forgotten


def test_the_cache_costs_the_same_per_request_however_full() -> None:
    cache = auth.NonceCache()

    def pace(count: int, start: float) -> float:
        began = time.perf_counter()
        for i in range(count):
            cache.first_use(f"{start}-{i}", start + i * 0.001)
        return (time.perf_counter() - began) / count

    early = pace(20_000, 0.0)
    for block in range(1, 10):  # 200,000 held: twice where the old cache turned O(n)
        pace(20_000, block * 20.0)
    late = pace(20_000, 200.0)
    assert len(cache) >= 200_000
    assert late < max(5 * early, 20e-6), (early, late)


def test_past_its_bound_the_cache_forgets_the_oldest() -> None:
    cache = auth.NonceCache(max_entries=1000)
    for i in range(5000):
        cache.first_use(str(i), 0.0)
    assert len(cache) == 1000 and not cache.first_use("4999", 0.0)


def signed(credentials, **overrides) -> dict[str, str]:
    return auth.telesign_hmac_headers(
        customer_id=credentials.telesign_customer_id,
        api_key=credentials.telesign_api_key,
        method="POST",
        resource="/v1/voice",
        body=BODY,
        content_type=FORM,
        **overrides,
    )


def test_a_request_without_a_nonce_is_accepted_once(mock, credentials) -> None:
    date = formatdate(time.time(), usegmt=True)
    # Signed without x-ts-nonce in the string to sign, and sent without the header.
    to_sign = auth.telesign_string_to_sign(
        method="POST", content_type=FORM, date=date, nonce=None, body=BODY, resource="/v1/voice"
    )
    signature = auth.hmac_b64(auth.decode_api_key(credentials.telesign_api_key), to_sign)
    headers = {
        "Authorization": f"TSA {credentials.telesign_customer_id}:{signature}",
        "Date": date,
        "X-TS-Auth-Method": auth.HMAC_METHOD,
        "Content-Type": FORM,
    }
    first = httpx.post(f"{mock.url}/v1/voice", content=BODY, headers=headers)
    assert first.status_code == 201, first.text
    replay = httpx.post(f"{mock.url}/v1/voice", content=BODY, headers=headers)
    assert replay.status_code == 401 and replay.json()["status"]["code"] == auth.REUSED_NONCE.code
    # With nonces, the same body and date are two requests.
    for _ in range(2):
        again = httpx.post(
            f"{mock.url}/v1/voice", content=BODY, headers=signed(credentials, date=date, nonce=str(uuid.uuid4()))
        )
        assert again.status_code == 201, again.text
