"""Is the receiver's answer to a Voice v2 event a valid next action, as the spec describes it?"""

from __future__ import annotations

from telecontract import webhooks
from telecontract.conformance import response_problems
from telecontract.spec import Spec


def action_problem(spec: Spec, content_type: str, answer: bytes) -> str | None:
    """Why an acknowledged answer is not a valid action, or None when it is one or is empty.

    Judged as the spec's 200 answer of the webhook, whatever 2xx it came with: any 2xx
    acknowledges, and an empty body hangs up, as the spec allows.
    """
    if not answer.strip():
        return None
    operation = spec.webhooks()[webhooks.VOICE_EVENT]
    problem = next(iter(response_problems(spec, operation, 200, content_type, answer)), None)
    if problem is None:
        return None
    where = f" at {problem.where.lstrip('/') or '(root)'}" if problem.step == "schema" else ""
    return f"the answer is not a valid action{where}: {problem.message}"
