"""What a live room reads from and writes to the database (called off the event loop)."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session, col, delete, select

from app.db import session_scope
from app.domain.events import Event, Role
from app.domain.rules import GroupSettings
from app.models import (
    Group,
    LeaderTurn,
    LiveSession,
    Member,
    SessionEvent,
    SessionPerson,
    SessionReport,
)  # fmt: skip
from app.models.common import utcnow
from app.models.sessions import SessionState
from app.realtime.codec import event_from_row, event_to_columns
from app.services import agreements, concerns, ingest, pulses, rights

DEADLOCK = "40P01"  # PostgreSQL's deadlock_detected
EVENTS = SessionEvent.__table__  # type: ignore[attr-defined]  # SQLModel tables are Core tables too
COLUMNS = tuple(column.name for column in EVENTS.columns)
CHECKPOINT_EVERY = 1000  # commits made at once between two checkpoints of SQLite's write-ahead log


@dataclass(frozen=True, slots=True)
class Append:
    """Events to store for a session, with the state change they make, if any."""

    session_id: str
    events: list[Event]
    state: SessionState | None = None
    epoch: float | None = None


@dataclass
class RoomInfo:
    session_id: str
    group_id: str
    group_name: str
    state: SessionState
    started_epoch: float | None
    settings: GroupSettings


@dataclass(frozen=True)
class RosterEntry:
    person_id: str
    name: str
    role: Role
    admitted: bool = True
    removed: bool = False
    cofacilitator: bool = False


def clashed(exc: BaseException) -> bool:
    """A clash with another worker's transaction: a sequence number it took first, or (should
    it happen despite the common order) a deadlock PostgreSQL broke by failing this one."""
    if isinstance(exc, IntegrityError):
        return True
    return isinstance(exc, DBAPIError) and getattr(exc.orig, "sqlstate", None) == DEADLOCK


def _rows(appends: list[Append]) -> list[dict[str, Any]]:
    return [event_to_columns(append.session_id, ev) for append in appends for ev in append.events]


class RoomStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.stores_at_once = engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:")
        self._at_once: Any = None  # SQLite: the DB-API connection of store_at_once, made on first use
        self._commits = 0
        quote = engine.dialect.identifier_preparer.quote
        self._insert = (f"INSERT INTO session_events ({', '.join(quote(c) for c in COLUMNS)}) "
                        f"VALUES ({', '.join('?' for _ in COLUMNS)})")  # fmt: skip

    def info(self, session_id: str) -> RoomInfo | None:
        with session_scope(self.engine) as db:
            row = db.get(LiveSession, session_id)
            if row is None:
                return None
            group = db.get(Group, row.group_id)
            assert group is not None
            settings = GroupSettings.parse(json.loads(group.settings_json))
            return RoomInfo(row.id, group.id, group.name, row.state, row.started_epoch, settings)

    def roster(self, session_id: str) -> list[RosterEntry]:
        with session_scope(self.engine) as db:
            rows = db.exec(select(SessionPerson).where(SessionPerson.session_id == session_id)
                           .order_by(col(SessionPerson.added_at), col(SessionPerson.person_id)))  # fmt: skip
            return [RosterEntry(r.person_id, r.name, Role(r.role), r.admitted, r.removed,
                                r.cofacilitator) for r in rows]  # fmt: skip

    def mark(self, session_id: str, person_id: str, **flags: bool) -> None:
        """Set roster flags: admitted, removed, cofacilitator."""
        with session_scope(self.engine) as db:
            row = db.get(SessionPerson, (session_id, person_id))
            if row is not None:
                for name, value in flags.items():
                    setattr(row, name, value)
                db.add(row)

    def drop_person_events(self, session_id: str, person_id: str) -> None:
        """Remove the stored events that name someone who deleted their data (V2)."""
        with session_scope(self.engine) as db:
            db.exec(delete(SessionEvent).where(col(SessionEvent.session_id) == session_id)
                    .where(col(SessionEvent.person) == person_id))  # fmt: skip

    def set_leader_opt_in(self, member_id: str, on: bool) -> None:
        with session_scope(self.engine) as db:
            member = db.get(Member, member_id)
            if member is not None:
                member.leader_opt_in = on
                db.add(member)

    def choose_leader(self, session_id: str, group_id: str, present: list[str]) -> str | None:
        """R4: among present members who opted in, the one who has led least in the group."""
        with session_scope(self.engine) as db:
            willing = db.exec(select(Member).where(col(Member.id).in_(present))
                              .where(col(Member.leader_opt_in))).all()  # fmt: skip
            if not willing:
                return None
            led = dict(db.exec(select(LeaderTurn.member_id, func.count())
                               .where(LeaderTurn.group_id == group_id)
                               .group_by(col(LeaderTurn.member_id))).all())  # fmt: skip
            order = {pid: i for i, pid in enumerate(present)}
            chosen = min(willing, key=lambda m: (led.get(m.id, 0), order[m.id]))
            if db.get(LeaderTurn, session_id) is None:
                db.add(LeaderTurn(session_id=session_id, member_id=chosen.id, group_id=group_id))
            row = db.get(SessionPerson, (session_id, chosen.id))
            if row is not None:
                row.cofacilitator = True
                db.add(row)
            return chosen.id

    def events(self, session_id: str, after: int = 0) -> list[Event]:
        with session_scope(self.engine) as db:
            query = (select(SessionEvent).where(SessionEvent.session_id == session_id)
                     .where(SessionEvent.seq > after).order_by(col(SessionEvent.seq)))  # fmt: skip
            return [event_from_row(r) for r in db.exec(query)]

    def last_seq(self, session_id: str) -> tuple[int, int]:
        """(last seq, last t) of the stored log."""
        with session_scope(self.engine) as db:
            query = select(func.max(SessionEvent.seq), func.max(SessionEvent.t_us)).where(
                SessionEvent.session_id == session_id
            )
            seq, t = db.exec(query).one()
            return seq or 0, t or 0

    def append(self, session_id: str, events: list[Event], state: SessionState | None,
               epoch: float | None) -> None:  # fmt: skip
        """Store events (and a state change) in one transaction, before anyone is told."""
        with session_scope(self.engine) as db:
            self._append(db, Append(session_id, events, state, epoch))

    def append_all(self, appends: list[Append]) -> list[BaseException | None]:
        """Store several rooms' events in one transaction; if that is refused (a sequence
        number another worker took), each on its own. Returns each one's failure, or None.

        Rows go in in one order on every worker, by session then seq, so that two workers'
        transactions never wait for each other's rows in a cycle: on PostgreSQL, inserting
        the same keys in different orders deadlocked, and the whole batch failed."""
        try:
            self._store(sorted(appends, key=lambda append: append.session_id))
            return [None] * len(appends)
        except DBAPIError as exc:
            if not clashed(exc) or len(appends) == 1:
                raise
        failures: list[BaseException | None] = []
        for append in appends:
            try:
                self._store([append])
                failures.append(None)
            except DBAPIError as exc:
                if not clashed(exc):
                    raise
                failures.append(exc)
        return failures

    def store_at_once(self, appends: list[Append]) -> bool:
        """SQLite: store events that change no session's state in the calling thread (the event
        loop's), through a connection of its own, in one transaction; False, with nothing
        stored, whenever that cannot be done at once: another connection holds the write
        lock, a sequence number is taken, a state changes. The caller then stores them with
        append_all, off the event loop, which waits for the lock and reports a clash.

        A commit takes tens of microseconds here; handing it to a thread cost several times
        that, in thread switches and in the two threads contending for the interpreter. The
        connection never waits for a lock and never checkpoints the write-ahead log, so it
        cannot stall the loop: checkpoint() does that, in a thread, every CHECKPOINT_EVERY
        commits."""
        if not self.stores_at_once or any(append.state is not None for append in appends):
            return False
        if self._at_once is None:
            connection = self.engine.raw_connection()  # kept: the pool has one connection less
            cursor = connection.cursor()
            cursor.execute("PRAGMA busy_timeout=0")
            cursor.execute("PRAGMA wal_autocheckpoint=0")
            cursor.close()
            self._at_once = connection
        rows = [tuple(row[c] for c in COLUMNS) for row in _rows(sorted(appends, key=lambda a: a.session_id))]
        try:
            self._at_once.cursor().executemany(self._insert, rows)
            self._at_once.commit()
        except sqlite3.Error:
            self._at_once.rollback()
            return False
        self._commits += 1
        return True

    @property
    def checkpoint_due(self) -> bool:
        """Whether the write-ahead log has had CHECKPOINT_EVERY commits at once since the last checkpoint."""
        return self._commits >= CHECKPOINT_EVERY

    def checkpoint(self) -> None:
        """Copy the write-ahead log into the database file, as far as nobody still reads it
        (PASSIVE: nobody waits); with nothing committed meanwhile, the next commit starts the
        log again from its beginning (EventWriter._checkpoint)."""
        self._commits = 0
        with self.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")

    def _store(self, appends: list[Append]) -> None:
        """In one transaction: through Core alone unless one of them changes the session's state."""
        if all(append.state is None for append in appends):
            with self.engine.begin() as connection:
                connection.execute(EVENTS.insert(), _rows(appends))
            return
        with session_scope(self.engine) as db:
            for append in appends:
                self._append(db, append)

    @staticmethod
    def _append(db: Session, append: Append) -> None:
        db.connection().execute(EVENTS.insert(), _rows([append]))
        if append.state is None:
            return
        row = db.get(LiveSession, append.session_id)
        assert row is not None
        row.state = append.state
        if append.state is SessionState.LIVE:
            row.started_at, row.started_epoch = utcnow(), append.epoch
        elif append.state is SessionState.ENDED:
            row.ended_at = utcnow()
            ingest.drop_key(db, append.session_id)  # keys die with the session (DOMAIN.md D3)
        db.add(row)

    def save_report(self, session_id: str, report: dict[str, Any]) -> None:
        """Store the final report once; every worker's replica computes the same one, and the
        first to store it wins."""
        with contextlib.suppress(IntegrityError), session_scope(self.engine) as db:
            existing = db.get(SessionReport, session_id)
            if existing is None:
                db.add(SessionReport(session_id=session_id, body=json.dumps(report)))

    def stored_report(self, session_id: str) -> dict[str, Any] | None:
        with session_scope(self.engine) as db:
            row = db.get(SessionReport, session_id)
            return None if row is None else dict(json.loads(row.body))

    def confidentiality_read(self, session_id: str) -> None:
        with session_scope(self.engine) as db:
            row = db.get(LiveSession, session_id)
            if row is not None and row.confidentiality_read_at is None:
                row.confidentiality_read_at = utcnow()
                db.add(row)

    def propose(self, group_id: str, member_id: str, text: str) -> dict[str, Any]:
        with session_scope(self.engine) as db:
            proposal = agreements.propose_rule(db, group_id, member_id, text)
            return {"id": proposal.id, "text": proposal.text,
                    "created_at": proposal.created_at.isoformat()}  # fmt: skip

    def consent(self, group_id: str, member_id: str, given: bool) -> None:
        """Record a consent given to, or withdrawn from, the version in force (E2)."""
        with session_scope(self.engine) as db:
            group, member = db.get(Group, group_id), db.get(Member, member_id)
            if group is not None and member is not None:
                agreements.record_consent(db, member, agreements.current_agreement(db, group), given)

    def audit(self, actor: str, action: str, group_id: str, session_id: str, detail: str = "") -> None:
        with session_scope(self.engine) as db:
            rights.audit(db, actor, action, group_id, session_id, detail)

    def pulse(self, session_id: str, phase: str, included: int | None, space: str | None) -> None:
        with session_scope(self.engine) as db:
            pulses.record(db, session_id, phase, included, space)

    def concern(self, group_id: str, member_id: str, text: str, anonymous: bool,
                about_contact: bool) -> None:  # fmt: skip
        with session_scope(self.engine) as db:
            concerns.raise_concern(db, group_id, member_id, text, anonymous, about_contact)
