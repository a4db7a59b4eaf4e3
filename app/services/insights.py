"""Group figures across sessions (DOMAIN.md E6): aggregates only, never a member's numbers.

Organisers see them only for groups of 5 or more members; the group's facilitators,
who see per-member reports anyway, always do. Built from the reports stored when each
session ended, so they survive the purge of raw events (E9) and members' deletions (V2).
"""

from __future__ import annotations

import json
from statistics import fmean
from typing import Any

from sqlmodel import Session, col, func, select

from app.models import Group, LiveSession, Member, User
from app.models.accounts import AccountRole
from app.models.pulses import Pulse
from app.models.sessions import SessionReport, SessionState
from app.services.errors import Forbidden
from app.services.pulses import MIN_ANSWERS

MIN_GROUP_FOR_ORGANISERS = 5


def group_size(db: Session, group_id: str) -> int:
    return db.exec(
        select(func.count()).select_from(Member).where(Member.group_id == group_id)
    ).one()


def visible_size(db: Session, viewer: User, group: Group) -> int:
    """The group's member count; raises Forbidden for an organiser and a group under 5 (E6)."""
    members = group_size(db, group.id)
    if viewer.role is AccountRole.ORGANISER and members < MIN_GROUP_FOR_ORGANISERS:
        raise Forbidden(f"group figures are shown to organisers only for groups of "
                        f"{MIN_GROUP_FOR_ORGANISERS} or more members")  # fmt: skip
    return members


def ended_reports(db: Session, group_id: str) -> list[tuple[LiveSession, dict[str, Any]]]:
    """The group's ended sessions with their stored reports, oldest first."""
    query = (select(LiveSession, SessionReport.body).join(SessionReport)
             .where(LiveSession.group_id == group_id).where(LiveSession.state == SessionState.ENDED)
             .order_by(col(LiveSession.started_at), col(LiveSession.created_at)))  # fmt: skip
    return [(session, json.loads(body)) for session, body in db.exec(query)]


def attended(block: dict[str, Any]) -> bool:
    """A member's report block says they were there (listening or untracked counts too)."""
    return block.get("status") not in ("absent", None)


def attendance(report: dict[str, Any]) -> int:
    """Members present in the session, counting those who since deleted their data (E9)."""
    came = sum(1 for m in report.get("members", []) if attended(m))
    return came + int((report.get("group") or {}).get("removed_attended", 0))


def group_summary(db: Session, viewer: User, group: Group) -> dict[str, Any]:
    """Sessions held, attendance, balance and check-ins, for the whole group."""
    members = visible_size(db, viewer, group)
    sessions = [_session_figures(session, report) for session, report in ended_reports(db, group.id)]
    return {
        "group_id": group.id, "member_count": members, "sessions_held": len(sessions),
        "mean_attendance": _mean(s["attendance"] for s in sessions),
        "mean_evenness": _mean(s["evenness"] for s in sessions),
        "total_speech_s": round(sum(s["speech_s"] or 0 for s in sessions), 3),
        "prompts_shown": sum(s["prompts"] for s in sessions),
        "prompts_acted_on": sum(s["prompts_acted_on"] for s in sessions),
        "check_ins": _check_ins(db, group.id),
        "sessions": sessions,
    }  # fmt: skip


def _session_figures(session: LiveSession, report: dict[str, Any]) -> dict[str, Any]:
    group = report.get("group") or {}
    prompts = report.get("prompts") or []
    return {
        "started_at": session.started_at and session.started_at.isoformat(),
        "duration_s": report.get("duration_s"),
        "attendance": attendance(report),
        "evenness": group.get("evenness"), "gini_normalized": group.get("gini_normalized"),
        "speech_s": group.get("total_speech_s"),
        "prompts": len(prompts),
        "prompts_acted_on": sum(1 for p in prompts if p.get("outcome") == "acted_on"),
    }  # fmt: skip


def _check_ins(db: Session, group_id: str) -> dict[str, Any]:
    """ "How included did you feel?" over the group's sessions (E8).

    Only a session's check-in or check-out with five or more answers counts (as in the
    session's own summary), so pooling can never reveal a few answers by difference."""
    query = (select(Pulse.session_id, Pulse.phase, Pulse.included)
             .join(LiveSession, col(Pulse.session_id) == col(LiveSession.id))
             .where(LiveSession.group_id == group_id))  # fmt: skip
    blocks: dict[tuple[str, str], list[int | None]] = {}
    for session_id, phase, included in db.exec(query):
        blocks.setdefault((session_id, phase), []).append(included)
    counted = [block for block in blocks.values() if len(block) >= MIN_ANSWERS]
    scores = [s for block in counted for s in block if s is not None]
    return {"answers": sum(len(block) for block in counted), "shown": bool(counted),
            "included_mean": round(fmean(scores), 2) if scores else None}  # fmt: skip


def _mean(values: Any) -> float | None:
    present = [v for v in values if v is not None]
    return round(fmean(present), 3) if present else None
