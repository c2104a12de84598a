"""The schemathesis schema a run generates from: the relaxed spec, the run's generation rules and
hooks that record every answer; and the probe that asks a live VTS which way it writes its paths."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
import schemathesis

from telecontract.client_auth import HttpxAuth, schemathesis_auth_provider
from telecontract.contract import generation
from telecontract.contract.judge import Judge
from telecontract.contract.options import RunOptions
from telecontract.contract.recording import recorder_for
from telecontract.contract.summary import summary_for
from telecontract.contract.target import VTS_PREFIX, Target
from telecontract.relaxed_spec import relaxed_document
from telecontract.spec import Spec
from telecontract.wire import client as guard_client


@pytest.fixture(scope="session")
def api_schema(
    request: pytest.FixtureRequest,
    spec: Spec,
    target: Target,
    contract_options: RunOptions,
    judge: Judge,
    scope_reasons: dict[str, str],
    budget_spent: Any,
) -> schemathesis.BaseSchema:
    # Schemathesis judges against the relaxed copy: only sourced constraints fail a case.
    document = relaxed_document(spec.document)
    if contract_options.numbers:
        generation.with_listed_numbers(document, contract_options.numbers)
    if not target.embedded and vts_wants_trailing_slash(target, budget_spent):
        document["paths"] = {_slashed(p): item for p, item in document["paths"].items()}
    schema = schemathesis.openapi.from_dict(document)
    schema.config.update(base_url=target.base_url)
    schema.auth(refresh_interval=None)(schemathesis_auth_provider(target.credentials))
    generation.install(
        schema,
        vts_auth_id=target.credentials.vts_auth_id,
        live=not target.embedded,
        listed=contract_options.numbers,
        callback_url=contract_options.callback_url,
        allow_calls=contract_options.allow_calls,
    )
    summary = summary_for(request.config)
    recorder = recorder_for(request.config)

    @schema.hook
    def after_call(context: Any, case: schemathesis.Case, response: Any) -> None:
        # A request the live-run guard refused never left: a skipped case, not the provider's answer.
        guard_client.take(response.headers, budget_spent)

    @schema.hook
    def after_validate(context: Any, case: schemathesis.Case, response: Any, results: list[Any]) -> None:
        findings = judge.findings(case, response, results)
        label = judge.label(case)
        summary.record(label, response.status_code, results, findings)
        recorder.record(label, response, findings, started=time.time() - response.elapsed)

    # Left-out operations stay in the document (so a 405 is still judged by the full path) but get
    # no cases. The lazy loader of `schemathesis.pytest.from_fixture` drops this filter, so
    # test_operations also skips them itself.
    return schema.exclude(operation_id=sorted(scope_reasons)) if scope_reasons else schema


def vts_wants_trailing_slash(target: Target, budget_spent: Any) -> bool:
    """The VTS page writes its paths without a slash, the Plivo SDK with one: ask the target which.

    The two reads go through the guard like every other request (budget, rate limit, routing).
    """
    path = f"{VTS_PREFIX}{target.credentials.vts_auth_id}/Masking/Session"
    auth = HttpxAuth(target.credentials)
    with httpx.Client(base_url=target.base_url, auth=auth, timeout=30) as client:
        try:
            bare = client.get(path, params={"limit": 1})
            if guard_client.refusal_of(bare.headers) or bare.status_code not in (301, 308, 404):
                return False
            slashed = client.get(path + "/", params={"limit": 1})
        except httpx.HTTPError:
            return False
    return not guard_client.refusal_of(slashed.headers) and slashed.status_code not in (404, 405)


def _slashed(path: str) -> str:
    return path + "/" if path.startswith(VTS_PREFIX) and not path.endswith("/") else path
