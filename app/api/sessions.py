"""Sessions: open, start, end, tickets for the socket, the report; members joining."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response, status
from sqlmodel import Session

from app.api.deps import (
    AUTH_COOKIE,
    EngineDep,
    HubDep,
    SettingsDep,
    in_db,
    member_cookie,
)  # fmt: skip
from app.api.groups import invite_url
from app.api.problems import refusals
from app.api.schemas import JoinRequest, TicketRequest
from app.domain.clock import to_s
from app.domain.events import Kind
from app.models import Group, LiveSession, User
from app.models.common import digest, utcnow
from app.models.sessions import SessionState
from app.realtime.hub import Hub
from app.realtime.room import NotLive, Room, Spec, start_spec
from app.services import accounts, agreements, groups, pulses, sessions
from app.services.errors import Conflict, NotFound, Unauthorized

router = APIRouter(prefix="/api", tags=["sessions"])


def session_out(session: LiveSession, group: Group, room: Room | None) -> dict[str, Any]:
    if session.state is SessionState.OPEN:
        elapsed = None
    else:
        elapsed = to_s(room.session_time()) if room is not None else _elapsed(session)
    return {
        "id": session.id, "group_id": session.group_id, "group": group.name,
        "invite_path": f"/join/{group.invite_code}",
        "state": session.state.value, "elapsed_s": elapsed,
        "started_at": session.started_at and session.started_at.isoformat(),
        "ended_at": session.ended_at and session.ended_at.isoformat(),
    }  # fmt: skip


def _elapsed(session: LiveSession) -> float | None:
    """Session time from the stored start and end, when no room is loaded here."""
    if session.started_at is None:
        return None if session.state is SessionState.OPEN else 0.0
    end = session.ended_at or utcnow()
    return round((end - session.started_at).total_seconds(), 3)


def _user(request: Request, db: Session) -> User:
    user = accounts.user_for_token(db, request.cookies.get(AUTH_COOKIE))
    if user is None:
        raise Unauthorized("please log in")
    return user


async def _room(hub: Hub, session_id: str) -> Room:
    room = await hub.room(session_id)
    if room is None:
        raise NotFound("no such session")
    return room


async def _facilitated(request: Request, engine: EngineDep, session_id: str) -> tuple[LiveSession, Group]:
    def work(db: Session) -> tuple[LiveSession, Group]:
        session = sessions.session_for_facilitator(db, _user(request, db), session_id)
        return session, groups.require_group(db, session.group_id)

    return await in_db(engine, work)


@router.post("/groups/{group_id}/sessions", status_code=status.HTTP_201_CREATED, responses=refusals(409))
async def open_session(group_id: str, request: Request, engine: EngineDep) -> dict[str, Any]:
    def work(db: Session) -> dict[str, Any]:
        user = _user(request, db)
        group = groups.group_for_facilitator(db, user, group_id)
        return session_out(sessions.open_session(db, group, user), group, None)

    return await in_db(engine, work)


@router.get("/sessions/{session_id}")
async def get_session(session_id: str, request: Request, engine: EngineDep, hub: HubDep) -> dict[str, Any]:
    def work(db: Session) -> tuple[LiveSession, Group]:
        session = sessions.require_session(db, session_id)
        user = accounts.user_for_token(db, request.cookies.get(AUTH_COOKIE))
        allowed = user is not None and groups.is_facilitator(db, user, session.group_id)
        cookie = request.cookies.get(member_cookie(session_id))
        if not allowed and sessions.member_for_credential(db, session_id, cookie) is None:
            raise NotFound("no such session")
        return session, groups.require_group(db, session.group_id)

    session, group = await in_db(engine, work)
    return session_out(session, group, hub.loaded(session_id))


async def _control(request: Request, engine: EngineDep, hub: Hub, session_id: str, kind: Kind) -> dict[str, Any]:
    session, group = await _facilitated(request, engine, session_id)
    room = await _room(hub, session_id)
    try:
        await room.submit([start_spec() if kind is Kind.START else Spec(kind)], actor="rest")
    except NotLive as exc:
        raise Conflict(str(exc)) from None
    # Re-read: the room stored the new state with its started_at or ended_at.
    session = await in_db(engine, lambda db: sessions.require_session(db, session_id))
    return session_out(session, group, room)


@router.post("/sessions/{session_id}/start", responses=refusals(409))
async def start_session(session_id: str, request: Request, engine: EngineDep, hub: HubDep) -> dict[str, Any]:
    return await _control(request, engine, hub, session_id, Kind.START)


@router.post("/sessions/{session_id}/confidentiality", responses=refusals(409))
async def confidentiality_read(session_id: str, request: Request, engine: EngineDep,
                               hub: HubDep) -> dict[str, Any]:  # fmt: skip
    """The confidentiality statement was read aloud: speech is tracked from now (E3)."""
    await _facilitated(request, engine, session_id)
    await in_db(engine, lambda db: hub.store.confidentiality_read(session_id))
    return await _control(request, engine, hub, session_id, Kind.CONFIDENTIALITY)


@router.post("/sessions/{session_id}/end", responses=refusals(409))
async def end_session(session_id: str, request: Request, engine: EngineDep, hub: HubDep) -> dict[str, Any]:
    return await _control(request, engine, hub, session_id, Kind.END)


@router.post("/sessions/{session_id}/ticket", responses=refusals(403, 409))
async def ticket(session_id: str, request: Request, engine: EngineDep, settings: SettingsDep,
                 body: TicketRequest | None = None) -> dict[str, Any]:  # fmt: skip
    """A single-use, 60-second ticket for the session's WebSocket (RELIABILITY.md S2)."""
    as_ = body.as_ if body is not None else None

    def work(db: Session) -> str:
        session = sessions.require_session(db, session_id)
        ttl = settings.ticket_ttl_s
        if as_ != "member":
            user = accounts.user_for_token(db, request.cookies.get(AUTH_COOKIE))
            if user is not None and groups.is_facilitator(db, user, session.group_id):
                pid = sessions.enrol_facilitator(db, session, user)
                return sessions.issue_ticket(db, session, pid, "facilitator", user.id, ttl)
        if as_ != "facilitator":
            cookie = request.cookies.get(member_cookie(session_id))
            member = sessions.member_for_credential(db, session_id, cookie)
            if member is not None and cookie is not None:
                role = sessions.member_role(db, session_id, member)
                return sessions.issue_ticket(db, session, member.id, role, digest(cookie), ttl)
        raise NotFound("no such session for this browser; join it through its invite link")

    return {"ticket": await in_db(engine, work), "expires_in_s": settings.ticket_ttl_s}


@router.get("/sessions/{session_id}/pulses")
async def pulse_summary(session_id: str, request: Request, engine: EngineDep) -> dict[str, Any]:
    """Check-in and check-out answers: counts always, figures only from five answers (E8)."""
    await _facilitated(request, engine, session_id)
    return await in_db(engine, lambda db: pulses.summary(db, session_id))


@router.get("/invites/{code}")
async def invite(code: str, request: Request, engine: EngineDep) -> dict[str, Any]:
    def work(db: Session) -> dict[str, Any]:
        group = groups.group_by_invite(db, code)
        current = groups.current_session(db, group.id)
        agreement = agreements.agreement_out(agreements.current_agreement(db, group))
        return {"group": group.name, "description": group.description, "agreement": agreement,
                "invite_url": invite_url(request, code),
                "session": None if current is None else {"id": current.id, "state": current.state.value}}  # fmt: skip

    return await in_db(engine, work)


@router.post("/invites/{code}/join", responses=refusals(400, 403, 409))
async def join(code: str, body: JoinRequest, response: Response, engine: EngineDep, hub: HubDep,
               settings: SettingsDep) -> dict[str, Any]:  # fmt: skip
    joined = await in_db(engine, lambda db: sessions.join(db, code, body.display_name, body.accept,
                                                          body.member_key, body.agreement_version))  # fmt: skip
    room = await _room(hub, joined.session.id)
    await room.refresh_roster()  # a returning member may have chosen a new name
    if not room.engine.persons[joined.member.id].consented:
        # Until agreements are versioned, accepting the group's description is consent (E2).
        await room.submit([Spec(Kind.CONSENT, joined.member.id, True)], actor=joined.member.id)
    response.set_cookie(member_cookie(joined.session.id), joined.credential, httponly=True,
                        samesite="lax", secure=settings.secure_cookies)  # fmt: skip
    return {"member": {"id": joined.member.id, "display_name": joined.member.display_name},
            "member_key": joined.new_key, "session_id": joined.session.id}  # fmt: skip
