"""Group insights across sessions (DOMAIN.md E6, E8, R4, E4): trends, never a member's numbers.

Per ended session, from the report stored when it ended, so the figures outlive the purge
of raw events and members' deletions (E9): attendance, how many came back from the session
before, balance, the inclusion check-ins and whether invitations were followed through.
Then the rotation of discussion leaders and the agreement's review status, as counts and
dates. Nothing here names a member, carries a member's id or number, or ranks anyone: the
same answer goes to the group's facilitators and to organisers (these only from 5 members).
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import datetime
from statistics import fmean
from typing import Any

from sqlmodel import Session, col, select

from app.models import Agreement, Group, LeaderTurn, LiveSession, Member, User
from app.models.pulses import Pulse
from app.services.insights import attendance, attended, ended_reports, visible_size
from app.services.pulses import MIN_ANSWERS

Report = dict[str, Any]
PHASES = ("check_in", "check_out")


def group_insights(db: Session, viewer: User, group: Group, now: datetime) -> dict[str, Any]:
    """The insights page's figures; raises Forbidden for an organiser and a group under 5."""
    members = visible_size(db, viewer, group)
    rows = _held(db, group.id)
    scores = _pulse_scores(db, [session.id for session, _ in rows])
    led = dict(db.exec(select(LeaderTurn.session_id, LeaderTurn.member_id)
                       .where(LeaderTurn.group_id == group.id)).all())  # fmt: skip
    versions = list(db.exec(select(Agreement.adopted_at, Agreement.version)
                            .where(Agreement.group_id == group.id).order_by(col(Agreement.adopted_at))))  # fmt: skip
    sessions = []
    for index, (session, report) in enumerate(rows):
        previous = rows[index - 1][1] if index else None
        sessions.append(_session(index + 1, session, report, previous) | {
            "inclusion": {phase: _inclusion(scores.get((session.id, phase), [])) for phase in PHASES},
            "co_facilitated": session.id in led or bool(_group(report).get("co_facilitated")),
            "agreement_version": _version_at(versions, session.started_at),
        })  # fmt: skip
    return {"group_id": group.id, "group_name": group.name, "member_count": members,
            "sessions_held": len(sessions), "overall": _overall(sessions, scores),
            "sessions": sessions, "leaders": _leaders(db, group.id, sessions, led),
            "agreement": _agreement(db, group.id, now)}  # fmt: skip


def attendees(report: Report) -> set[str]:
    """Ids of the members the stored report shows as present (deleted ones are gone from it)."""
    return {m["id"] for m in report.get("members", []) if attended(m) and m.get("id")}


def returned_to(db: Session, group_id: str, member_id: str) -> set[str]:
    """Sessions the member came to having also come to the one before: what their deletion
    must keep counted as `removed_came_back`, so "came back" stays as it was (E9)."""
    rows = _held(db, group_id)
    went = [member_id in attendees(report) for _, report in rows]
    return {rows[i][0].id for i in range(1, len(rows)) if went[i] and went[i - 1]}


def _held(db: Session, group_id: str) -> list[tuple[LiveSession, Report]]:
    """Ended sessions that were started: one ended before it began was never held."""
    return [
        (session, report) for session, report in ended_reports(db, group_id) if session.started_at
    ]


def _group(report: Report) -> dict[str, Any]:
    return report.get("group") or {}


def _session(
    number: int, session: LiveSession, report: Report, previous: Report | None
) -> dict[str, Any]:
    group = _group(report)
    return {
        "number": number, "session_id": session.id,
        "started_at": session.started_at and session.started_at.isoformat(),
        "duration_s": report.get("duration_s"), "attendance": attendance(report),
        **_came_back(report, previous),
        "evenness": group.get("evenness"), "gini_normalized": group.get("gini_normalized"),
        **_follow_through(report.get("prompts") or []),
        "includes_removed_member": bool(group.get("includes_removed_member")),
    }  # fmt: skip


def _came_back(report: Report, previous: Report | None) -> dict[str, Any]:
    """Of those at the session before, how many came to this one (deleted members included)."""
    before = None if previous is None else attendance(previous)
    if not before:
        return {"previous_attendance": before, "came_back": None, "came_back_share": None}
    back = len(attendees(previous or {}) & attendees(report))
    back += int(_group(report).get("removed_came_back", 0))
    return {
        "previous_attendance": before,
        "came_back": back,
        "came_back_share": round(back / before, 3),
    }


def _follow_through(prompts: list[dict[str, Any]]) -> dict[str, Any]:
    """DOMAIN.md P4: invitations after which the person invited (or, for a group invitation,
    a quieter member) spoke within 3 minutes. Other cues name nobody to invite: not counted."""
    invitations = [p for p in prompts if p.get("followed_through") is not None]
    followed = sum(1 for p in invitations if p["followed_through"])
    return {"invitations": len(invitations), "followed_through": followed,
            "follow_through_share": _share(followed, len(invitations))}  # fmt: skip


def _pulse_scores(db: Session, session_ids: list[str]) -> dict[tuple[str, str], list[int]]:
    """The "How included did you feel?" scores of each session's check-in and check-out (E8)."""
    query = select(Pulse.session_id, Pulse.phase, Pulse.included).where(
        col(Pulse.session_id).in_(session_ids)
    )
    scores: dict[tuple[str, str], list[int]] = {}
    for session_id, phase, included in db.exec(query):
        if included is not None:  # some answer only "did you get the space you wanted?"
            scores.setdefault((session_id, phase), []).append(included)
    return scores


def _inclusion(scores: list[int]) -> dict[str, Any]:
    """How many answered, and their mean only when five or more did (E8)."""
    shown = len(scores) >= MIN_ANSWERS
    return {"answers": len(scores), "included_mean": round(fmean(scores), 2) if shown else None}


def _overall(
    sessions: list[dict[str, Any]], scores: dict[tuple[str, str], list[int]]
) -> dict[str, Any]:
    """Across sessions: came back and follow-through pooled, inclusion from shown blocks only."""
    pairs = [s for s in sessions if s["came_back"] is not None]
    shown = [x for block in scores.values() if len(block) >= MIN_ANSWERS for x in block]
    return {
        "mean_attendance": _mean([s["attendance"] for s in sessions]),
        "came_back_share": _share(sum(s["came_back"] for s in pairs),
                                  sum(s["previous_attendance"] for s in pairs)),
        "mean_evenness": _mean([s["evenness"] for s in sessions]),
        "included_mean": round(fmean(shown), 2) if shown else None,
        "follow_through_share": _share(sum(s["followed_through"] for s in sessions),
                                       sum(s["invitations"] for s in sessions)),
    }  # fmt: skip


def _leaders(
    db: Session, group_id: str, sessions: list[dict[str, Any]], led: dict[str, str]
) -> dict[str, int]:
    """DOMAIN.md R4 as counts: who led is for the group's facilitators (GET .../leaders)."""
    held = {s["session_id"] for s in sessions}
    willing = set(db.exec(select(Member.id).where(Member.group_id == group_id)
                          .where(col(Member.leader_opt_in))))  # fmt: skip
    return {"sessions_with_co_facilitator": sum(1 for s in sessions if s["co_facilitated"]),
            "different_leaders": len({member for session, member in led.items() if session in held}),
            "willing_members": len(willing), "willing_yet_to_lead": len(willing - set(led.values()))}  # fmt: skip


def _agreement(db: Session, group_id: str, now: datetime) -> dict[str, Any] | None:
    """The version in force and its review dates (E4); None for a group without one yet."""
    latest = db.exec(select(Agreement).where(Agreement.group_id == group_id)
                     .order_by(col(Agreement.version).desc())).first()  # fmt: skip
    if latest is None:
        return None
    return {"version": latest.version, "adopted_at": latest.adopted_at.isoformat(),
            "reviewed_at": latest.reviewed_at and latest.reviewed_at.isoformat(),
            "review_due": latest.review_due.isoformat(), "review_is_due": latest.review_due <= now}  # fmt: skip


def _version_at(versions: list[tuple[datetime, int]], started: datetime | None) -> int | None:
    """The agreement version in force when a session started: the last adopted before it (E4)."""
    index = bisect_right([adopted for adopted, _ in versions], started) if started else 0
    return versions[index - 1][1] if index else None


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def _mean(values: list[Any]) -> float | None:
    present = [v for v in values if v is not None]
    return round(fmean(present), 3) if present else None
