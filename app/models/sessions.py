"""Sessions, their event log, roster, stored report and socket tickets."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from app.models.common import new_id, utcnow


class SessionState(StrEnum):
    OPEN = "open"
    LIVE = "live"
    ENDED = "ended"


class LiveSession(SQLModel, table=True):
    __tablename__ = "sessions"
    id: str = Field(default_factory=lambda: new_id("s"), primary_key=True)
    group_id: str = Field(foreign_key="groups.id", index=True, ondelete="CASCADE")
    state: SessionState = SessionState.OPEN
    created_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = None
    ended_at: datetime | None = None
    started_epoch: float | None = None  # wall clock of session time 0, for stamping
    confidentiality_read_at: datetime | None = None  # DOMAIN.md E3: tracking starts after it


class SessionPerson(SQLModel, table=True):
    """The session's roster: who may appear in its events, and as what."""

    __tablename__ = "session_people"
    session_id: str = Field(foreign_key="sessions.id", primary_key=True, ondelete="CASCADE")
    person_id: str = Field(primary_key=True)
    name: str = Field(max_length=40)
    role: str
    member_id: str | None = Field(default=None, foreign_key="members.id", ondelete="CASCADE")
    user_id: str | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    added_at: datetime = Field(default_factory=utcnow)  # report order: who came first
    admitted: bool = True  # False while waiting to be let in (the group's waiting room)
    removed: bool = False  # removed by a facilitator: may not rejoin this session
    cofacilitator: bool = False  # DOMAIN.md R4: facilitator powers for this session only


class SessionEvent(SQLModel, table=True):
    """One entry of the session's ordered log (app.domain.events.Event)."""

    __tablename__ = "session_events"
    session_id: str = Field(foreign_key="sessions.id", primary_key=True, ondelete="CASCADE")
    seq: int = Field(primary_key=True)
    t_us: int
    kind: str
    person: str | None = Field(default=None, index=True)
    on: bool | None = None
    source: str | None = None
    at_us: int | None = None
    inferred: bool = False
    actor: str | None = None
    ref: int | None = None
    data: str | None = None  # JSON, for kinds that carry more (a round's order, settings)


class LeaderTurn(SQLModel, table=True):
    """DOMAIN.md R4: who led (co-facilitated) which session, for "led least"."""

    __tablename__ = "leader_turns"
    session_id: str = Field(foreign_key="sessions.id", primary_key=True, ondelete="CASCADE")
    member_id: str = Field(foreign_key="members.id", index=True, ondelete="CASCADE")
    group_id: str = Field(foreign_key="groups.id", index=True, ondelete="CASCADE")
    chosen_at: datetime = Field(default_factory=utcnow)


class SessionReport(SQLModel, table=True):
    """The report computed from the events when the session ended (DOMAIN.md E9)."""

    __tablename__ = "session_reports"
    session_id: str = Field(foreign_key="sessions.id", primary_key=True, ondelete="CASCADE")
    body: str
    created_at: datetime = Field(default_factory=utcnow)


class WsTicket(SQLModel, table=True):
    """A single-use, short-lived WebSocket ticket (RELIABILITY.md S2)."""

    __tablename__ = "ws_tickets"
    ticket_hash: str = Field(primary_key=True)
    session_id: str = Field(foreign_key="sessions.id", ondelete="CASCADE")
    person_id: str
    role: str
    principal: str  # the user or member credential it was issued to
    expires_at: datetime
