"""Promises across requests: what a write asked for, its answer and every later read must show.

A request's own values (parties, lifetime, limits, settings) come back in its answer; a session
lasts as long as its request asked; every later read of a VTS session (get and list) shows what its
create and updates set; a deleted session is gone from every read path. The stateful phase and the
link walk judge each answer alone, so these checks keep a ledger of the run's writes (one
`Promises` per run) and hold each later read to it. A session whose create the ledger never saw
(another test's, an earlier run's) is not judged: nothing was promised to this run about it.

Every check first records the exchange's own effect (recording is idempotent, so the order the
checks run in, and an exchange checked twice, change nothing).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from telecontract.contract.exchanges import (
    MASKING_PATHS,
    VTS_SESSION,
    VTS_SESSIONS,
    is_operation,
    json_body,
    request_json,
    vts_listed,
    vts_session,
)
from telecontract.contract.failures import NOT_JUDGED, RuleViolation
from telecontract.contract.rules import MASKING_LIFETIME, MASKING_PARTIES
from telecontract.contract.times import provider_time

VTS_PARTIES = ("first_party", "second_party")
# The settings a create or update may set that every answer shows (the VTS page's response example).
VTS_SETTINGS = (
    "record",
    "recording_callback_url",
    "record_file_format",
    "recording_callback_method",
    "call_time_limit",
    "initiate_call_to_first_party",
    "callback_url",
    "callback_method",
    "ring_timeout",
    "first_party_play_url",
    "second_party_play_url",
)
# VTS prints whole seconds: two truncated ends of a lifetime may be a second apart, or two.
VTS_TOLERANCE = timedelta(seconds=2)
# Clock skew between TeleSign's hosts and the rounding of its printed times (as for session_end_on).
MASKING_TOLERANCE = timedelta(minutes=5)


WHOLE_NUMBER_TEXT = re.compile(r"-?[0-9]+\.0+")


def _text(value: Any) -> str | None:
    """One writing of a value: VTS answers every setting as text ("true", "3600", null or "null"),
    the Plivo form typed, a request typed; a number with or without its `+`."""
    if value is None or value in ("", "null"):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float) and value == int(value):
        return str(int(value))
    text = str(value).strip()
    if WHOLE_NUMBER_TEXT.fullmatch(text):  # "423.0": a provider that writes JSON's 423.0 as it came
        text = text.split(".", 1)[0]
    return text[1:] if text.startswith("+") and text[1:].isdigit() else text


def _whole(value: Any) -> int | None:
    """An integer, or its text (TeleSign's published definition writes validity as a string).

    JSON Schema counts 3600.0 as an integer, so a request may carry one: it asks for 3600.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


@dataclass(slots=True)
class _Promised:
    """What the run's writes promise about one VTS session."""

    created: dict[str, str | None]  # what its create set (and the virtual number it answered)
    updated: dict[str, str | None] = field(default_factory=dict)  # what updates set since
    expiry: int | None = None  # the session_expiry last asked for (None: never asked)
    counted_from: datetime | None = None  # when that expiry started: creation, or the update that set it


@dataclass
class Promises:
    """The run's ledger of writes, and the checks that hold answers and later reads to it."""

    # Seconds per unit of validity_period (hours by default; see --validity-unit).
    validity_seconds: int = 3600
    sessions: dict[str, _Promised] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)

    def checks(self) -> list[Any]:
        return [
            self.answer_honours_the_request,
            self.session_lasts_as_long_as_asked,
            self.get_returns_what_post_created,
            self.read_shows_the_update,
            self.deleted_session_is_gone,
        ]

    # ---- the ledger --------------------------------------------------------------------------

    def record(self, case: Any, response: Any) -> None:
        """This exchange's effect on the ledger: a create, an update or a delete that succeeded."""
        if not 200 <= response.status_code < 300:
            return
        if is_operation(case, "DELETE", VTS_SESSION):
            uuid = _path_uuid(case)
            self.sessions.pop(uuid, None)
            self.deleted.add(uuid)
            return
        asked, body = request_json(response), json_body(response)
        if not isinstance(asked, dict) or not isinstance(body, dict):
            return
        session = vts_session(body)
        if is_operation(case, "POST", VTS_SESSIONS):
            uuid = session.get("session_uuid")
            if not isinstance(uuid, str) or uuid in self.sessions:
                return
            created = {name: _text(asked[name]) for name in VTS_PARTIES + VTS_SETTINGS if name in asked}
            created["virtual_number"] = _text(session.get("virtual_number"))
            began = provider_time(session.get("created_time"))
            self.sessions[uuid] = _Promised(created, expiry=_whole(asked.get("session_expiry")), counted_from=began)
        elif is_operation(case, "POST", VTS_SESSION) and (promised := self.sessions.get(_path_uuid(case))):
            promised.updated |= {name: _text(asked[name]) for name in VTS_SETTINGS if name in asked}
            if (expiry := _whole(asked.get("session_expiry"))) is not None:
                # The expiry counts again from the update (the plivo SDK's update fixture).
                promised.expiry, promised.counted_from = expiry, provider_time(session.get("modified_time"))

    def _reads(self, case: Any, response: Any) -> Iterator[tuple[str, dict[str, Any], str]]:
        """(session_uuid, session, how it was read) for each session a successful read shows."""
        if not 200 <= response.status_code < 300:
            return
        body = json_body(response)
        if is_operation(case, "GET", VTS_SESSION) and isinstance(body, dict):
            session = vts_session(body)
            yield str(session.get("session_uuid", _path_uuid(case))), session, "GET"
        elif is_operation(case, "GET", VTS_SESSIONS):
            for session in vts_listed(body):
                yield str(session.get("session_uuid")), session, "the list"

    # ---- the checks --------------------------------------------------------------------------

    def answer_honours_the_request(self, ctx: Any, response: Any, case: Any) -> bool | None:
        """A create's or update's answer carries the values its request set: parties, limits, settings."""
        self.record(case, response)
        asked, body = request_json(response), json_body(response)
        if not 200 <= response.status_code < 300 or not isinstance(asked, dict) or not isinstance(body, dict):
            return NOT_JUDGED
        if is_operation(case, "POST", *MASKING_PATHS):
            _masking_parties(case, asked, body)
            return None
        if is_operation(case, "POST", VTS_SESSIONS):
            names = VTS_PARTIES + VTS_SETTINGS
        elif is_operation(case, "POST", VTS_SESSION):
            names = VTS_SETTINGS
        else:
            return NOT_JUDGED
        session = vts_session(body)
        for name in names:
            if name in asked and name in session and _text(session[name]) != _text(asked[name]):
                raise RuleViolation(
                    "answer_honours_the_request",
                    f"{name} was asked as {_text(asked[name])}, the answer says {_text(session[name])}",
                )
        return None

    def session_lasts_as_long_as_asked(self, ctx: Any, response: Any, case: Any) -> bool | None:
        """A session ends when its request asked: validity_period (masking), session_expiry (VTS)."""
        self.record(case, response)
        if is_operation(case, "POST", *MASKING_PATHS):
            return self._masking_lifetime(response)
        if not 200 <= response.status_code < 300:
            return NOT_JUDGED
        body = json_body(response)
        if is_operation(case, "POST", VTS_SESSIONS, VTS_SESSION) and isinstance(body, dict):
            shown = [vts_session(body)]
        else:
            shown = [session for _, session, _ in self._reads(case, response)]
        judged = [
            (session, promised)
            for session in shown
            if (promised := self.sessions.get(str(session.get("session_uuid")))) and promised.expiry is not None
        ]
        for session, promised in judged:
            _vts_lifetime(session, promised)
        return None if judged else NOT_JUDGED

    def get_returns_what_post_created(self, ctx: Any, response: Any, case: Any) -> bool | None:
        """A VTS session read back (get or list) has the parties, number and settings its create set."""
        self.record(case, response)
        judged = NOT_JUDGED
        for uuid, session, how in self._reads(case, response):
            promised = self.sessions.get(uuid)
            if promised is None:
                continue
            judged = None
            differing = sorted(
                name
                for name, value in promised.created.items()
                if name not in promised.updated and name in session and _text(session[name]) != value
            )
            if differing:
                raise RuleViolation(
                    "get_returns_what_post_created",
                    f"session {uuid} read back by {how} with a different {', '.join(differing)} than its create set",
                )
        return judged

    def read_shows_the_update(self, ctx: Any, response: Any, case: Any) -> bool | None:
        """After an update, every read of the session (get and list) shows the values it set."""
        self.record(case, response)
        judged = NOT_JUDGED
        for uuid, session, how in self._reads(case, response):
            promised = self.sessions.get(uuid)
            for name, value in sorted(promised.updated.items()) if promised else ():
                judged = None
                if name in session and _text(session[name]) != value:
                    raise RuleViolation(
                        "read_shows_the_update",
                        f"session {uuid} read back by {how} with {name} {_text(session[name])}; the update set {value}",
                    )
        return judged

    def deleted_session_is_gone(self, ctx: Any, response: Any, case: Any) -> bool | None:
        """After a delete, a read of the session answers 404 (or the session marked expired, as
        Plivo's page says a delete does), and the list shows it as nothing else."""
        self.record(case, response)
        judged = NOT_JUDGED
        for uuid, session, how in self._reads(case, response):
            judged = None if uuid in self.deleted else judged
            if uuid in self.deleted and session.get("status") != "expired":
                raise RuleViolation(
                    "deleted_session_is_gone",
                    f"session {uuid} was deleted, yet {how} answered {response.status_code} with it "
                    f"{session.get('status') or 'without a status'}",
                )
        return judged

    # ---- masking sessions: no reads, so the answer alone is held to its request --------------

    def _masking_lifetime(self, response: Any) -> bool | None:
        asked, body = request_json(response), json_body(response)
        data = body.get("session_data") if isinstance(body, dict) and response.status_code == 200 else None
        if not isinstance(asked, dict) or not isinstance(data, dict):
            return NOT_JUDGED
        validity = _whole(asked.get("validity_period"))
        if validity is None:
            return NOT_JUDGED
        answered = _whole(data.get("validity"))
        if answered is not None and answered != validity:
            raise RuleViolation(
                "session_lasts_as_long_as_asked",
                f"validity is {answered}; the request asked for validity_period {validity}",
                provenance=MASKING_LIFETIME,
            )
        status = body.get("status")
        created = provider_time(status.get("updated_on")) if isinstance(status, dict) else None
        ends = provider_time(data.get("session_end_on"))
        if created is None or ends is None:
            return None  # the validity was judged; the times are the schema check's
        due = timedelta(seconds=validity * self.validity_seconds)
        if abs((ends - created) - due) > MASKING_TOLERANCE:
            raise RuleViolation(
                "session_lasts_as_long_as_asked",
                f"session_end_on is {ends - created} after creation; validity_period {validity} asked for {due} "
                "(set --validity-unit if the account counts otherwise)",
                provenance=MASKING_LIFETIME,
            )


def _path_uuid(case: Any) -> str:
    return str((case.path_parameters or {}).get("session_uuid", ""))


def _masking_parties(case: Any, asked: dict[str, Any], body: dict[str, Any]) -> None:
    data = body.get("session_data")
    if not isinstance(data, dict):
        return
    for name in ("phone_number_1", "phone_number_2"):
        party = data.get(name)
        if name not in asked or not isinstance(party, dict) or "complete_phone_number" not in party:
            continue
        answered = _text(party["complete_phone_number"])
        if answered != _text(asked[name]):
            raise RuleViolation(
                "answer_honours_the_request",
                f"{name} was asked as {_text(asked[name])}, the answer's party is {answered}",
                provenance=MASKING_PARTIES,
            )
    resource = case.operation.path.rstrip("/").rsplit("/", 1)[-1]
    if "resource" in data and data["resource"] != resource:
        raise RuleViolation(
            "answer_honours_the_request",
            f"a {resource} session was asked for, the answer's resource is {data['resource']}",
            provenance=MASKING_PARTIES,
        )


def _vts_lifetime(session: dict[str, Any], promised: _Promised) -> None:
    expiry = promised.expiry
    uuid = session.get("session_uuid")
    if "session_expiry" in session and _text(session["session_expiry"]) != str(expiry):
        raise RuleViolation(
            "session_lasts_as_long_as_asked",
            f"session {uuid}: session_expiry is {_text(session['session_expiry'])}; it was asked to last {expiry} s",
        )
    ends = provider_time(session.get("expiry_time"))
    if not expiry or ends is None or promised.counted_from is None:
        return  # 0 never expires; the VTS page's example leaves expiry_time "null"
    lasts = ends - promised.counted_from
    if abs(lasts - timedelta(seconds=expiry)) > VTS_TOLERANCE:
        raise RuleViolation(
            "session_lasts_as_long_as_asked",
            f"session {uuid}: expiry_time is {lasts} after the write that set it; it was asked to last {expiry} s",
        )
