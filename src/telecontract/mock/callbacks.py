"""Provider-to-customer deliveries: signed requests, retried after 10 s and then 30 s, then dropped.

The retry schedule is the Voice v1 document's; the mock applies it to every callback it sends.
Delays are provider time, shrunk by --time-scale. Callbacks are POSTs of JSON, except a VTS
session's when it asked for `callback_method: GET` (its fields then go in the query, as Plivo's do).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

import aiohttp
import orjson

from telecontract import webhooks
from telecontract.mock.delivery_slots import IN_ALL, PER_DESTINATION, DeliverySlots
from telecontract.mock.state import MockState, SentCallback

logger = logging.getLogger("telecontract.mock.callbacks")

RETRY_DELAYS = (10.0, 30.0)
WRONG_RETRY_DELAYS = (5.0, 5.0)  # the `callback_retry_schedule_off` defect
DELIVERY_TIMEOUT = webhooks.PROVIDER_TIMEOUT


def spawn(state: MockState, coroutine: Coroutine[Any, Any, Any]) -> None:
    """Run in the background, keeping a reference so the task is not collected mid-flight."""
    task = asyncio.get_running_loop().create_task(_reported(coroutine))
    state.tasks.add(task)
    task.add_done_callback(state.tasks.discard)


async def _reported(coroutine: Coroutine[Any, Any, Any]) -> None:
    """A failure of background work is the mock's own bug: said once, here, never left to asyncio.

    Each kind of work ends its call or session itself first (`call_flow.run` sends call_completed
    with status `failed`); this only keeps "Task exception was never retrieved" out of the log.
    """
    try:
        await coroutine
    except asyncio.CancelledError:
        raise
    except Exception:
        logger.error("background work %s failed", getattr(coroutine, "__qualname__", coroutine), exc_info=True)


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: bytes


def client(state: MockState) -> aiohttp.ClientSession:
    """One pooled client per mock; made inside the running loop, as aiohttp requires.

    aiohttp rather than httpx: the outbound path is the mock's hot loop when thousands of calls
    complete at once, and aiohttp's client costs a fraction of httpx's per request
    (benchmarks/outbound_deliveries.py).
    """
    if state.http is None or state.http.closed:
        connector = aiohttp.TCPConnector(limit=IN_ALL, limit_per_host=PER_DESTINATION, use_dns_cache=True)
        timeout = aiohttp.ClientTimeout(total=DELIVERY_TIMEOUT)
        state.http = aiohttp.ClientSession(connector=connector, timeout=timeout, auto_decompress=False)
        state.delivery_slots = DeliverySlots()
    return state.http


async def post(state: MockState, url: str, body: bytes, headers: dict[str, str], method: str = "POST") -> Answer | None:
    """Send one callback (a POST, or a GET whose URL holds it); None when it never got an answer."""
    http = client(state)
    data = body if method == "POST" else None
    try:
        # Queue here, not in aiohttp's pool: the provider's timeout is for the receiver's answer,
        # and a delivery waiting for a free connection must not spend it. Each destination queues
        # on its own slots, so a receiver that never answers delays only its own callbacks.
        sending = http.request(method, url, data=data, headers=headers, allow_redirects=False)
        async with state.delivery_slots.slot(url), sending as response:
            return Answer(response.status, await response.read())
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:  # ValueError: a URL aiohttp cannot use
        logger.info("callback to %s not answered: %s", url, type(exc).__name__)
        return None


def headers_for(state: MockState, kind: str, url: str, body: bytes, method: str = "POST") -> dict[str, str]:
    """The signed headers of a callback of `kind` (a webhook name), unless a defect spoils them."""
    credentials = state.config.credentials
    for defect, how in (("callback_unsigned", "unsigned"), ("callback_bad_signature", "wrong_key")):
        if state.config.has(defect):
            return webhooks.badly_signed_headers(kind, how, url=url, body=body, credentials=credentials, method=method)
    return webhooks.signed_headers(kind, url=url, body=body, credentials=credentials, method=method)


def encode(payload: dict[str, Any]) -> bytes:
    return orjson.dumps(payload)


@dataclass(frozen=True, slots=True)
class Outbound:
    """One callback ready to send: where, how, what, and its signed headers."""

    method: str
    url: str
    body: bytes
    headers: dict[str, str]


def outbound(state: MockState, kind: str, url: str, payload: dict[str, Any], method: str = "POST") -> Outbound:
    """A callback of `kind` as the provider sends it: JSON in a POST, or the fields in a GET's query."""
    if method.upper() == "GET":
        url = webhooks.with_query(url, payload)
        return Outbound("GET", url, b"", headers_for(state, kind, url, b"", "GET"))
    body = encode(payload)
    return Outbound("POST", url, body, headers_for(state, kind, url, body))


async def deliver(state: MockState, url: str, body: bytes, headers: dict[str, str], method: str = "POST") -> bool:
    """Send until a 2xx, on the documented schedule; False when every attempt failed."""
    delays = WRONG_RETRY_DELAYS if state.config.has("callback_retry_schedule_off") else RETRY_DELAYS
    for attempt, delay in enumerate((0.0, *delays), start=1):
        if delay:
            await asyncio.sleep(state.scaled(delay))
            headers = _signed_again(state, url, body, headers, method)
        answer = await post(state, url, body, headers, method)
        state.sent.append(SentCallback(url, body, headers, attempt, answer.status if answer else None))
        if answer is None:
            continue
        if 200 <= answer.status < 300:
            return True
        logger.info("callback attempt %d to %s answered %d", attempt, url, answer.status)
    logger.warning("callback to %s dropped after %d attempts", url, 1 + len(delays))
    state.dropped_callbacks += 1
    return False


def _signed_again(state: MockState, url: str, body: bytes, headers: dict[str, str], method: str) -> dict[str, str]:
    """A VTS callback's retry carries a fresh nonce, as Plivo's do: a receiver (the sink among them)
    refuses a nonce it has seen as a replay. TeleSign signs the body alone, so its retry is the same."""
    if webhooks.PLIVO_SIGNATURE_HEADERS[1] not in headers:
        return headers
    return headers_for(state, webhooks.VTS_KIND, url, body, method)


async def close(state: MockState) -> None:
    """Close the outbound client (the mock's shutdown, and benchmarks)."""
    if state.http is not None:
        await state.http.close()
        state.http = None
