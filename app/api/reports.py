"""Session reports: JSON, CSV and HTML for facilitators; a member's own; a group's sessions.

Every view or export of per-member numbers writes an audit record (RELIABILITY.md V4).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from sqlmodel import Session, col, select

from app.api.deps import (
    AUTH_COOKIE,
    DbDep,
    EngineDep,
    HubDep,
    SettingsDep,
    UserDep,
    in_db,
    member_cookie,
)
from app.api.problems import refusals
from app.models import LiveSession
from app.models.sessions import SessionState
from app.realtime.frames import balance_words
from app.realtime.hub import Hub
from app.reports.files import report_csv, standalone_html
from app.services import accounts, groups, pulses, rights, sessions
from app.services.errors import Gone, NotFound, Unauthorized

router = APIRouter(prefix="/api", tags=["reports"])


class CsvResponse(Response):
    """Documents report.csv as what it is (text/csv), not JSON."""

    media_type = "text/csv"

MEMBER_FIELDS_SHOWN = ("status", "present_s", "listening_s", "airtime_s", "share", "fair_share_ratio", "turns",
                       "mean_turn_s", "longest_turn_s", "first_contribution_s", "hand_raises",
                       "mean_hand_wait_s")  # fmt: skip


async def _report(engine: EngineDep, hub: Hub, session: LiveSession) -> dict[str, Any]:
    """The stored report of an ended session, or the live room's figures so far."""
    stored = await in_db(engine, lambda db: hub.store.stored_report(session.id))
    if stored is not None:
        return stored
    if session.state is SessionState.ENDED and not await in_db(engine, lambda db: hub.store.last_seq(session.id)[0]):
        raise Gone("this session's report has passed the group's retention period")  # purged (E9)
    room = await hub.room(session.id)
    if room is None:
        raise NotFound("no such session")
    return room.report()


async def _facilitated(request: Request, engine: EngineDep, session_id: str, action: str) -> LiveSession:
    """The session, for one of its facilitators; the look is audited."""

    def work(db: Session) -> LiveSession:
        user = accounts.user_for_token(db, request.cookies.get(AUTH_COOKIE))
        if user is None:
            raise Unauthorized("please log in")
        session = sessions.session_for_facilitator(db, user, session_id)
        rights.audit(db, user.id, action, session.group_id, session_id)
        return session

    return await in_db(engine, work)


@router.get("/sessions/{session_id}/report", responses=refusals(410))
async def report(session_id: str, request: Request, engine: EngineDep, hub: HubDep) -> dict[str, Any]:
    """The participation report (facilitators of the session only); every view is audited."""
    session = await _facilitated(request, engine, session_id, "report.view")
    return await _report(engine, hub, session)


@router.get("/sessions/{session_id}/report.csv", response_class=CsvResponse, responses=refusals(410))
async def report_as_csv(session_id: str, request: Request, engine: EngineDep, hub: HubDep) -> Response:
    """One row per member (SCENARIO.md's member fields), for a spreadsheet."""
    session = await _facilitated(request, engine, session_id, "report.export")
    body = report_csv(await _report(engine, hub, session))
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="airtime-report-{session_id}.csv"'})  # fmt: skip


@router.get("/sessions/{session_id}/report.html", response_class=HTMLResponse, responses=refusals(410))
async def report_as_html(session_id: str, request: Request, engine: EngineDep, hub: HubDep,
                         settings: SettingsDep) -> Response:  # fmt: skip
    """The report page as one offline file, charts included."""
    session = await _facilitated(request, engine, session_id, "report.export")
    data = await _report(engine, hub, session)
    group = await in_db(engine, lambda db: groups.require_group(db, session.group_id))
    check_ins = await in_db(engine, lambda db: pulses.summary(db, session_id))
    when = session.started_at.strftime("%d %B %Y, %H:%M UTC") if session.started_at else ""
    subtitle = " · ".join(filter(None, (group.name, when)))
    page = standalone_html(data, settings.web_dir, "Session report", subtitle, check_ins)
    return Response(page, media_type="text/html; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="airtime-report-{session_id}.html"'})  # fmt: skip


@router.get("/sessions/{session_id}/my-report", responses=refusals(410))
async def my_report(session_id: str, request: Request, engine: EngineDep, hub: HubDep) -> dict[str, Any]:
    """A member's own numbers (E6): nobody else's, and the group's balance in words if allowed."""

    def work(db: Session) -> tuple[LiveSession, str, bool]:
        session = sessions.require_session(db, session_id)
        member = sessions.member_for_credential(db, session_id, request.cookies.get(member_cookie(session_id)))
        if member is None:
            raise NotFound("no such session for this browser; join it through its invite link")
        return session, member.id, groups.settings_of(groups.require_group(db, session.group_id)).members_see_headline

    session, member_id, headline = await in_db(engine, work)
    full = await _report(engine, hub, session)
    mine = next((m for m in full.get("members", []) if m.get("id") == member_id), None)
    if mine is None:
        raise NotFound("there are no numbers about you in this session")
    details = full.get("details") or {}
    own = {key: [row for row in details.get(key, []) if row.get("person") == member_id]
           for key in ("segments", "cumulative")}  # fmt: skip
    group = full.get("group") or {}
    return {
        "session_id": session_id, "duration_s": full.get("duration_s"), "name": mine.get("name"),
        "me": {key: mine.get(key) for key in MEMBER_FIELDS_SHOWN}, "mine": own,
        "group": {"participants": group.get("participants"), "balance": balance_words(group.get("gini_normalized"))}
        if headline else None,
    }  # fmt: skip


@router.get("/groups/{group_id}/sessions")
def group_sessions(group_id: str, db: DbDep, user: UserDep) -> list[dict[str, Any]]:
    """The group's sessions, newest first, for finding their reports."""
    group = groups.group_for_facilitator(db, user, group_id)
    query = select(LiveSession).where(LiveSession.group_id == group.id).order_by(col(LiveSession.created_at).desc())
    return [_session_row(s) for s in db.exec(query)]


def _session_row(session: LiveSession) -> dict[str, Any]:
    return {"id": session.id, "state": session.state.value,
            "started_at": session.started_at and session.started_at.isoformat(),
            "ended_at": session.ended_at and session.ended_at.isoformat()}  # fmt: skip

