"""A team's webhook receiver, as the provider finds it: acknowledges, refuses forgeries, answers actions, in time."""

from __future__ import annotations

import pytest

from telecontract import webhooks
from telecontract.contract.failures import RuleViolation
from telecontract.receiver import judging
from telecontract.receiver.forgery import FORGERIES
from telecontract.receiver.suite.conftest import Deliveries, Judged


def first_problem(judged: list[Judged], rule: str) -> str | None:
    problems = [j.problems[rule] for j in judged if j.problems.get(rule)]
    if not problems:
        return None
    more = f" (and {len(problems) - 1} more deliveries)" if len(problems) > 1 else ""
    return f"{problems[0]}{more}"


def raise_if(problem: str | None, rule: str) -> None:
    if problem:
        raise RuleViolation(rule, problem)


def test_valid_callbacks_are_acknowledged(kind: str, deliveries: Deliveries) -> None:
    judged = deliveries.valid(kind)
    assert judged, f"no {kind} callback was delivered"
    raise_if(first_problem(judged, judging.ACKNOWLEDGES), judging.ACKNOWLEDGES)


def test_valid_callbacks_are_answered_in_time(kind: str, deliveries: Deliveries) -> None:
    raise_if(first_problem(deliveries.valid(kind), judging.IN_TIME), judging.IN_TIME)


def test_voice_events_are_answered_with_valid_actions(receiver_urls: dict[str, str], deliveries: Deliveries) -> None:
    if webhooks.VOICE_EVENT not in receiver_urls:
        pytest.skip(f"no --receiver-url for {webhooks.VOICE_EVENT}")
    judged = deliveries.valid(webhooks.VOICE_EVENT)
    asked = [j for j in judged if judging.VALID_ACTION in j.problems]
    assert asked, "no delivered event asked for an action and was acknowledged"
    raise_if(first_problem(asked, judging.VALID_ACTION), judging.VALID_ACTION)


@pytest.mark.parametrize("how", FORGERIES)
def test_forged_callbacks_are_refused(kind: str, how: str, deliveries: Deliveries) -> None:
    judged = deliveries.forged(kind, how)
    raise_if(judged.problems.get(judging.IN_TIME), judging.IN_TIME)
    raise_if(judged.problems.get(judging.REFUSES_FORGED), judging.REFUSES_FORGED)


def test_a_redelivered_callback_is_acknowledged_again(kind: str, deliveries: Deliveries) -> None:
    first, again = deliveries.redelivered(kind)
    raise_if(first.problems.get(judging.ACKNOWLEDGES), judging.ACKNOWLEDGES)
    raise_if(again.problems.get(judging.IN_TIME), judging.IN_TIME)
    raise_if(again.problems.get(judging.REDELIVERY), judging.REDELIVERY)
