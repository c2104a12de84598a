"""Provider-to-customer deliveries: signed POSTs, retried after 10 s and then 30 s, then dropped.

The retry schedule is the Voice v1 document's; the mock applies it to every callback it sends.
Delays are provider time, shrunk by --time-scale.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Coroutine
from typing import Any

import httpx
import orjson

from telecontract import auth
from telecontract.mock.state import MockState, SentCallback

logger = logging.getLogger("telecontract.mock.callbacks")

RETRY_DELAYS = (10.0, 30.0)
WRONG_RETRY_DELAYS = (5.0, 5.0)  # the `callback_retry_schedule_off` defect
DELIVERY_TIMEOUT = 5.0
MAX_IN_FLIGHT = 64  # deliveries on the wire at once


def spawn(state: MockState, coroutine: Coroutine[Any, Any, Any]) -> None:
    """Run in the background, keeping a reference so the task is not collected mid-flight."""
    task = asyncio.get_running_loop().create_task(coroutine)
    state.tasks.add(task)
    task.add_done_callback(state.tasks.discard)


def client(state: MockState) -> httpx.AsyncClient:
    if state.http is None:
        limits = httpx.Limits(max_connections=MAX_IN_FLIGHT, max_keepalive_connections=MAX_IN_FLIGHT)
        state.http = httpx.AsyncClient(timeout=DELIVERY_TIMEOUT, limits=limits)
        # Waiting here is cheap; waiting inside httpcore's pool costs O(queued x connections) per
        # request, which made deliveries crawl once thousands were queued.
        state.delivery_slots = asyncio.Semaphore(MAX_IN_FLIGHT)
    return state.http


def telesign_headers(state: MockState, body: bytes) -> dict[str, str]:
    credentials = state.config.credentials
    headers = {"Content-Type": "application/json"}
    if state.config.has("callback_unsigned"):
        return headers
    api_key = credentials.telesign_api_key
    if state.config.has("callback_bad_signature"):
        api_key = "d3Jvbmcta2V5"  # base64 of "wrong-key"
    headers["Authorization"] = auth.sign_telesign_callback(
        customer_id=credentials.telesign_customer_id, api_key=api_key, body=body
    )
    return headers


def vts_headers(state: MockState, url: str, body: bytes) -> dict[str, str]:
    headers = {"Content-Type": "application/json"}
    if state.config.has("callback_unsigned"):
        return headers
    token = state.config.credentials.vts_auth_token
    if state.config.has("callback_bad_signature"):
        token = "wrong-token"
    nonce = uuid.uuid4().hex
    headers["X-VTS-Signature-V3"] = auth.sign_vts_callback(auth_token=token, url=url, nonce=nonce, body=body)
    headers["X-VTS-Signature-V3-Nonce"] = nonce
    return headers


def encode(payload: dict[str, Any]) -> bytes:
    return orjson.dumps(payload)


async def deliver(state: MockState, url: str, body: bytes, headers: dict[str, str]) -> bool:
    """POST until a 2xx, on the documented schedule; False when every attempt failed."""
    delays = WRONG_RETRY_DELAYS if state.config.has("callback_retry_schedule_off") else RETRY_DELAYS
    for attempt, delay in enumerate((0.0, *delays), start=1):
        if delay:
            await asyncio.sleep(state.scaled(delay))
        http = client(state)
        try:
            async with state.delivery_slots:  # type: ignore[union-attr]
                response = await http.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            logger.info("callback attempt %d to %s failed: %s", attempt, url, type(exc).__name__)
            state.sent.append(SentCallback(url, body, headers, attempt, None))
            continue
        state.sent.append(SentCallback(url, body, headers, attempt, response.status_code))
        if 200 <= response.status_code < 300:
            return True
        logger.info("callback attempt %d to %s answered %d", attempt, url, response.status_code)
    logger.warning("callback to %s dropped after %d attempts", url, 1 + len(delays))
    state.dropped_callbacks += 1
    return False
