"""Importing a diarization (RTTM) file into an open session (DOMAIN.md D3, SCENARIO.md).

The file's speaker turns become the session's log in the same tables as live events,
so export, deletion and retention treat them alike; the session ends and its report
is stored as a live session's is. Nothing is written when anything is wrong.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlmodel import Session, func, select

from app.domain.clock import Micros, to_s
from app.domain.engine import SessionEngine
from app.domain.events import Event, Kind, Role
from app.domain.rules import GroupSettings
from app.domain.scenario import Scenario, ScenarioError, parse_rttm
from app.domain.session_report import session_report
from app.models import LiveSession, SessionEvent, SessionPerson, SessionReport
from app.models.common import new_id, utcnow
from app.models.sessions import SessionState
from app.realtime.codec import event_to_row
from app.services import groups
from app.services.errors import BadInput, Conflict, NotFound
from app.services.ingest import drop_key
from app.services.rights import audit
from app.services.sessions import MAX_NAME

MAX_RTTM_BYTES = 5 * 1024 * 1024
EVENT_ACTOR = "import"  # the `actor` of imported events (an audit record names who imported)


class BadRttm(BadInput):
    """The file itself is malformed: `detail` is `place: problem`, as `airtime simulate` says it."""


@dataclass(frozen=True)
class RttmImport:
    text: str
    confirm_consent: bool = False  # E2: the facilitator confirms everyone recorded consented
    names: dict[str, str] = field(default_factory=dict)  # speaker label -> display name
    duration_s: Decimal | None = None  # default: the last segment's end


@dataclass(frozen=True)
class Imported:
    session_id: str
    speakers: int
    segments: int
    duration_s: float
    events: list[Event]  # as stored, for live rooms to apply


def import_rttm(db: Session, session_id: str, wanted: RttmImport, actor: str) -> Imported:
    """Import into an open session and end it; raises BadInput (BadRttm), NotFound, Conflict."""
    scenario, names = _checked(wanted)
    session = _open_session(db, session_id)
    group = groups.require_group(db, session.group_id)
    settings = GroupSettings.parse(json.loads(group.settings_json))
    ids = {label: new_id("im") for label in scenario.members}
    events = _log(scenario, ids, settings, _last_seq(db, session_id))
    report = _report(session_id, events, {ids[label]: names[label] for label in ids}, settings)
    _store(db, session, [(ids[label], names[label]) for label in ids], events, report)
    segments = sum(1 for ev in events if ev.kind is Kind.SPEAKING and ev.on)
    audit(db, actor, "session.import", group.id, session.id,
          f"{len(ids)} speakers, {segments} segments from an RTTM file; consent confirmed")  # fmt: skip
    drop_key(db, session_id)  # the session has ended
    return Imported(session_id, len(ids), segments, to_s(scenario.duration), events)


def validate(wanted: RttmImport) -> None:
    """Check the request on its own, before any database is opened; raises BadInput (BadRttm)."""
    _checked(wanted)


def imported_out(done: Imported) -> dict[str, Any]:
    return {"session_id": done.session_id, "state": SessionState.ENDED.value,
            "speakers": done.speakers, "segments": done.segments, "duration_s": done.duration_s}  # fmt: skip


def _checked(wanted: RttmImport) -> tuple[Scenario, dict[str, str]]:
    if wanted.confirm_consent is not True:
        raise BadInput("confirm_consent: confirm that everyone in the recording agreed to the "
                       "group's agreement (no one's speech is tracked without consent)")  # fmt: skip
    if len(wanted.text.encode("utf-8")) > MAX_RTTM_BYTES:
        raise BadInput("rttm: the file is larger than 5 MB")
    try:
        scenario = parse_rttm(wanted.text, wanted.duration_s)
    except ScenarioError as exc:
        raise BadRttm(str(exc)) from None
    return scenario, _display_names(scenario.members, wanted.names)


def _display_names(labels: list[str], mapping: dict[str, str]) -> dict[str, str]:
    """Each speaker's display name: its label, or the name the mapping gives it."""
    unknown = [label for label in mapping if label not in labels]
    if unknown:
        raise BadInput(f"names: no speaker {json.dumps(unknown[0])} in the file")
    names = {label: " ".join(mapping.get(label, label).split()) for label in labels}
    for label, name in names.items():
        if not 1 <= len(name) <= MAX_NAME:
            raise BadInput(f"names.{label}: a display name has 1 to {MAX_NAME} characters")
    twice = [name for name, count in Counter(names.values()).items() if count > 1]
    if twice:
        raise BadInput(f"names: two speakers would both be called {json.dumps(twice[0])}")
    return names


def _open_session(db: Session, session_id: str) -> LiveSession:
    """The session, if it is open and no member has joined it (their figures would mix in)."""
    session = db.get(LiveSession, session_id)
    if session is None:
        raise NotFound("no such session")
    if session.state is SessionState.LIVE:
        raise Conflict("this session has already started; import into a session that is open")
    if session.state is SessionState.ENDED:
        raise Conflict("this session has ended; import into a session that is open")
    joined = select(SessionPerson).where(SessionPerson.session_id == session_id,
                                         SessionPerson.role == Role.MEMBER.value)  # fmt: skip
    if db.exec(joined).first() is not None:
        raise Conflict("members have joined this session; import into a session nobody has joined")
    return session


def _last_seq(db: Session, session_id: str) -> int:
    query = select(func.max(SessionEvent.seq)).where(SessionEvent.session_id == session_id)
    return int(db.exec(query).one() or 0)


def _log(
    scenario: Scenario, ids: dict[str, str], settings: GroupSettings, after: int
) -> list[Event]:
    """The scenario's events as the session's log: started, statement read (E3), consents (E2),
    joins and the speaking turns (Source.IMPORT), then the end; persons by their ids."""
    start = Event(
        0, Kind.START, data={"confidentiality": "required", "settings": settings.as_dict()}
    )
    body = [replace(ev, person=None if ev.person is None else ids[ev.person])
            for ev in scenario.events if ev.kind is not Kind.START]  # fmt: skip
    events = [start, Event(0, Kind.CONFIDENTIALITY), *body]
    return [replace(ev, seq=after + i, actor=EVENT_ACTOR) for i, ev in enumerate(events, start=1)]


def _report(session_id: str, events: list[Event], names: dict[str, str],
            settings: GroupSettings) -> dict[str, Any]:  # fmt: skip
    """The report, by the same fold and in the same shape as a live session's at its end."""
    engine = SessionEngine(settings)
    for pid, name in names.items():
        engine.add_person(pid, name, Role.MEMBER)
    engine.apply_all(events)
    end: Micros = engine.ended_at if engine.ended_at is not None else engine.now
    return session_report(engine, session_id, list(names), None, end)


def _store(db: Session, session: LiveSession, people: list[tuple[str, str]], events: list[Event],
           report: dict[str, Any]) -> None:  # fmt: skip
    """Roster, log, report and the ended session, in the caller's one transaction."""
    now = utcnow()
    db.add_all(SessionPerson(session_id=session.id, person_id=pid, name=name, role=Role.MEMBER.value,
                             added_at=now + timedelta(microseconds=i))  # keeps the file's order
               for i, (pid, name) in enumerate(people))  # fmt: skip
    db.add_all(event_to_row(session.id, ev) for ev in events)
    db.add(SessionReport(session_id=session.id, body=json.dumps(report)))
    _mark_ended(session, now, events[-1].t)
    db.add(session)


def _mark_ended(session: LiveSession, now: datetime, duration: Micros) -> None:
    """The session ran for the recording's length, ending now."""
    started = now - timedelta(microseconds=duration)
    session.state = SessionState.ENDED
    session.started_at, session.started_epoch = started, started.timestamp()
    session.confidentiality_read_at, session.ended_at = started, now
