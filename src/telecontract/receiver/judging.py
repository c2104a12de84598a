"""What each delivery to a receiver came to: for every rule it was judged by, the problem or None.

Deliveries are judged once, when they are made; the suite's tests then turn the problems of one
rule into that rule's finding.
"""

from __future__ import annotations

from typing import Any

from telecontract import webhooks
from telecontract.receiver.answers import action_problem
from telecontract.receiver.delivery import Exchange
from telecontract.spec import Spec

ACKNOWLEDGES = "receiver_acknowledges_callback"
REDELIVERY = "receiver_acknowledges_redelivery"
VALID_ACTION = "receiver_answers_with_valid_action"
REFUSES_FORGED = "receiver_refuses_forged_callback"
IN_TIME = "receiver_answers_in_time"
REFUSALS = (401, 403)

Problems = dict[str, str | None]


def in_time(exchange: Exchange) -> str | None:
    """Why a late answer matters, said so that the team knows what to change."""
    if not exchange.timed_out:
        return None
    return (
        f"{exchange.kind}: {exchange.error}, the provider's wait (--receiver-timeout). The provider counts a late "
        "answer as a failed delivery: it retries, and after the last retry drops the callback. Answer 2xx as soon "
        "as the callback is stored, and do slow work afterwards (a queue, a background task)."
    )


def judge_valid(spec: Spec, exchange: Exchange, payload: Any) -> Problems:
    """A signed callback the spec allows: acknowledged in time, and answered with an action if one is due."""
    problems: Problems = {IN_TIME: in_time(exchange)}
    if not exchange.timed_out:
        problems[ACKNOWLEDGES] = (
            None if exchange.acknowledged else f"{exchange.kind} callback, signed and valid: {exchange.outcome()}"
        )
    if webhooks.expects_action(exchange.kind, payload) and exchange.acknowledged:
        problem = action_problem(spec, exchange.content_type, exchange.answer)
        problems[VALID_ACTION] = f"{payload['event']}: {problem}" if problem else None
    return problems


def judge_forged(exchange: Exchange, how: str) -> Problems:
    """A forged callback: refused with 401 or 403, in time."""
    problems: Problems = {IN_TIME: in_time(exchange)}
    if exchange.status is None:
        return problems
    if exchange.acknowledged:
        problems[REFUSES_FORGED] = f"{exchange.kind} callback ({how}) was accepted: {exchange.outcome()}"
    elif exchange.status not in REFUSALS:
        problems[REFUSES_FORGED] = f"{exchange.kind} callback ({how}) {exchange.outcome()}, not 401 or 403"
    else:
        problems[REFUSES_FORGED] = None
    return problems


def judge_redelivery(first: Exchange, again: Exchange) -> Problems:
    """The same callback twice: the second must be acknowledged like the first."""
    problems: Problems = {IN_TIME: in_time(again)}
    if first.acknowledged and not again.timed_out:
        problems[REDELIVERY] = (
            None
            if again.acknowledged
            else f"{again.kind} callback delivered again (as a provider retry does): {again.outcome()}"
        )
    return problems
