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


def raise_if(problem: str | None, rule: str, kind: str) -> None:
    if problem:
        raise RuleViolation(rule, problem, operation=kind)  # the finding counts on the webhook's row


def skip_if_hanging(kind: str, deliveries: Deliveries) -> None:
    """A receiver that does not answer in time costs the whole wait per delivery: judge it once, by its timing."""
    if deliveries.hanging(kind):
        pytest.skip(f"{kind}: the receiver does not answer in time ({judging.IN_TIME}); nothing more to learn")


def test_valid_callbacks_are_acknowledged(kind: str, deliveries: Deliveries) -> None:
    judged = deliveries.valid(kind)
    assert judged, f"no {kind} callback was delivered"
    raise_if(first_problem(judged, judging.ACKNOWLEDGES), judging.ACKNOWLEDGES, kind)


def test_valid_callbacks_are_answered_in_time(kind: str, deliveries: Deliveries) -> None:
    raise_if(first_problem(deliveries.valid(kind), judging.IN_TIME), judging.IN_TIME, kind)


def test_voice_events_are_answered_with_valid_actions(receiver_urls: dict[str, str], deliveries: Deliveries) -> None:
    kind = webhooks.VOICE_EVENT
    if kind not in receiver_urls:
        pytest.skip(f"no --receiver-url for {kind}")
    judged = deliveries.valid(kind)
    asked = [j for j in judged if judging.VALID_ACTION in j.problems]
    if not asked:
        # Their answers were late or refused: the timing or acknowledgement rule has said so already.
        pytest.skip(f"no event that asks for an action was acknowledged in time: see {judging.ACKNOWLEDGES}")
    raise_if(first_problem(asked, judging.VALID_ACTION), judging.VALID_ACTION, kind)


@pytest.mark.parametrize("how", FORGERIES)
def test_forged_callbacks_are_refused(kind: str, how: str, deliveries: Deliveries) -> None:
    skip_if_hanging(kind, deliveries)
    judged = deliveries.forged(kind, how)
    raise_if(judged.problems.get(judging.IN_TIME), judging.IN_TIME, kind)
    raise_if(judged.problems.get(judging.REFUSES_FORGED), judging.REFUSES_FORGED, kind)


def test_a_redelivered_callback_is_acknowledged_again(kind: str, deliveries: Deliveries) -> None:
    skip_if_hanging(kind, deliveries)
    first, again = deliveries.redelivered(kind)
    raise_if(first.problems.get(judging.ACKNOWLEDGES), judging.ACKNOWLEDGES, kind)
    raise_if(again.problems.get(judging.IN_TIME), judging.IN_TIME, kind)
    raise_if(again.problems.get(judging.REDELIVERY), judging.REDELIVERY, kind)
