"""`MockProvider.time_scale` is settable, as README says of the `telecontract_mock` fixture."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from telecontract.auth import basic_authorization
from telecontract.testing import MockProvider


@pytest.fixture(scope="module")
def mock() -> Iterator[MockProvider]:
    with MockProvider(time_scale=1.0) as provider:  # provider time: a Voice v1 call takes 5 s
        yield provider


def call_status_after(mock: MockProvider, seconds: float) -> int:
    """A Voice v1 call placed now, and its status code `seconds` later (103 in progress, final after)."""
    account = mock.credentials
    auth = {"Authorization": basic_authorization(account.telesign_customer_id, account.telesign_api_key)}
    placed = httpx.post(
        f"{mock.url}/v1/voice",
        data={"phone_number": "15555551212", "message": "hi", "message_type": "ARN"},
        headers=auth,
    )
    assert placed.status_code == 201, placed.text
    time.sleep(seconds)
    status = httpx.get(f"{mock.url}/v1/voice/{placed.json()['reference_id']}", headers=auth)
    code: int = status.json()["status"]["code"]
    return code


def test_a_test_sets_the_time_scale_and_the_mock_follows(mock: MockProvider) -> None:
    assert call_status_after(mock, 0.2) == 103  # 5 s of provider time: still ringing
    mock.time_scale = 0.001  # 5 s become 5 ms
    assert mock.time_scale == 0.001 and mock.config.time_scale == 0.001
    assert call_status_after(mock, 0.2) != 103


def test_reset_puts_back_the_scale_the_mock_started_with(mock: MockProvider) -> None:
    mock.time_scale = 0.5
    mock.reset()  # what the telecontract_mock fixture does before each test
    assert mock.time_scale == 1.0


@pytest.mark.parametrize("wrong", [0, -1.0, "fast", True])
def test_a_scale_that_is_not_above_zero_is_refused(mock: MockProvider, wrong: object) -> None:
    with pytest.raises(ValueError, match="time_scale must be a number above 0"):
        mock.time_scale = wrong  # type: ignore[assignment]
    assert mock.time_scale > 0
