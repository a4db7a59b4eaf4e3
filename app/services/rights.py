"""Members' rights over their data (DOMAIN.md E9, RELIABILITY.md V1, V2) and the audit log."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session, col, delete, select

from app.domain.report_details import without_person
from app.models import (
    ConsentRecord,
    Group,
    LeaderTurn,
    LiveSession,
    Member,
    MemberCredential,
    RuleProposal,
    SessionEvent,
    SessionPerson,
    SessionReport,
    WsTicket,
)  # fmt: skip
from app.models.audit import AuditRecord
from app.models.common import digest
from app.models.concerns import Concern
from app.models.sessions import SessionState
from app.services import group_insights
from app.services.errors import Forbidden


def audit(db: Session, actor: str, action: str, group_id: str | None = None,
          session_id: str | None = None, detail: str = "") -> None:  # fmt: skip
    """Append one audit record (V4). There is no function that changes or removes one."""
    db.add(AuditRecord(actor=actor, action=action, group_id=group_id, session_id=session_id,
                       detail=detail))  # fmt: skip


def audit_log(db: Session, group_id: str) -> list[dict[str, Any]]:
    query = (
        select(AuditRecord)
        .where(AuditRecord.group_id == group_id)
        .order_by(col(AuditRecord.at).desc())
    )
    return [{"at": r.at.isoformat(), "actor": r.actor, "action": r.action,
             "session_id": r.session_id, "detail": r.detail} for r in db.exec(query)]  # fmt: skip


def member_by_key(db: Session, member_key: str) -> Member:
    member = db.exec(select(Member).where(Member.key_hash == digest(member_key))).first()
    if member is None:
        raise Forbidden("member_key: no member has that key")
    return member


def export(db: Session, member: Member) -> dict[str, Any]:
    """Everything stored about one member, and nothing about anyone else (V1)."""
    sessions = db.exec(select(SessionPerson).where(SessionPerson.member_id == member.id)).all()
    events = db.exec(select(SessionEvent).where(SessionEvent.person == member.id)
                     .order_by(col(SessionEvent.session_id), col(SessionEvent.seq))).all()  # fmt: skip
    reports = []
    for row in sessions:
        stored = db.get(SessionReport, row.session_id)
        if stored is not None:
            body = json.loads(stored.body)
            mine = [m for m in body.get("members", []) if m.get("id") == member.id]
            reports.append({"session_id": row.session_id, "me": mine[0] if mine else None})
    consents = db.exec(select(ConsentRecord).where(ConsentRecord.member_id == member.id)).all()
    proposals = db.exec(select(RuleProposal).where(RuleProposal.member_id == member.id)).all()
    group = db.get(Group, member.group_id)
    audit(db, "member", "member.export", member.group_id)
    return {
        "member": {"id": member.id, "display_name": member.display_name,
                   "group": group.name if group else None, "created_at": member.created_at.isoformat(),
                   "willing_to_co_facilitate": member.leader_opt_in},
        "sessions": [{"session_id": r.session_id, "display_name": r.name, "removed": r.removed,
                      "co_facilitated": r.cofacilitator} for r in sessions],
        "events": [{"session_id": e.session_id, "t_s": e.t_us / 1e6, "kind": e.kind, "on": e.on,
                    "source": e.source, "inferred": e.inferred} for e in events],
        "reports": reports,
        "consents": [{"version": c.version, "given": c.given, "at": c.at.isoformat()}
                     for c in consents],
        "proposed_ground_rules": [{"text": p.text, "at": p.created_at.isoformat()} for p in proposals],
    }  # fmt: skip


def _scrub_mentions(db: Session, sessions: list[str], member_id: str) -> None:
    """Other people's events may name the member (a round's order, who acted): unname them."""
    query = (
        select(SessionEvent)
        .where(col(SessionEvent.session_id).in_(sessions))
        .where((col(SessionEvent.actor) == member_id) | col(SessionEvent.data).contains(member_id))
    )
    for event in db.exec(query):
        if event.actor == member_id:
            event.actor = None
        if event.data is not None:
            event.data = event.data.replace(json.dumps(member_id), json.dumps("removed"))
        db.add(event)


def _unnamed(prompt: dict[str, Any], names: set[str]) -> dict[str, Any]:
    """A stored prompt about a deleted member keeps its time and kind, not its words."""
    if prompt.get("about") not in names:
        return prompt
    return prompt | {"about": None, "text": "A prompt about someone who has since deleted their data."}


def unended_sessions(db: Session, member: Member) -> list[str]:
    """The sessions someone is in that have not ended (open or live)."""
    query = (select(LiveSession.id).join(SessionPerson, col(SessionPerson.session_id) == LiveSession.id)
             .where(SessionPerson.member_id == member.id).where(LiveSession.state != SessionState.ENDED))  # fmt: skip
    return list(db.exec(query))


def delete_member(db: Session, member: Member) -> list[str]:
    """Remove every row about a member (V2); stored reports keep their group figures,
    marked as including a removed member (E9). Returns the sessions they were in."""
    sessions = [
        r.session_id
        for r in db.exec(select(SessionPerson).where(SessionPerson.member_id == member.id))
    ]
    came_back = group_insights.returned_to(db, member.group_id, member.id)
    led = set(db.exec(select(LeaderTurn.session_id).where(LeaderTurn.member_id == member.id)))
    for session_id in sessions:
        stored = db.get(SessionReport, session_id)
        if stored is not None:
            body = json.loads(stored.body)
            theirs = [m for m in body.get("members", []) if m.get("id") == member.id]
            body["members"] = [m for m in body.get("members", []) if m.get("id") != member.id]
            if "details" in body:
                body["details"] = without_person(body["details"], member.id)
            names = {m.get("name") for m in theirs} - {None}
            body["prompts"] = [_unnamed(p, names) for p in body.get("prompts", [])]
            body["group"]["includes_removed_member"] = True
            # Attendance across sessions stays as it was (group insights count it).
            if any(m.get("status") not in ("absent", None) for m in theirs):
                body["group"]["removed_attended"] = body["group"].get("removed_attended", 0) + 1
            # So do "came back" and whether a member co-facilitated (group_insights).
            if session_id in came_back:
                body["group"]["removed_came_back"] = body["group"].get("removed_came_back", 0) + 1
            if session_id in led:
                body["group"]["co_facilitated"] = True
            stored.body = json.dumps(body)
            db.add(stored)
    for table, column in ((SessionEvent, SessionEvent.person), (WsTicket, WsTicket.person_id),
                          (SessionPerson, SessionPerson.member_id),
                          (MemberCredential, MemberCredential.member_id),
                          (ConsentRecord, ConsentRecord.member_id), (LeaderTurn, LeaderTurn.member_id),
                          (RuleProposal, RuleProposal.member_id), (Concern, Concern.member_id)):  # fmt: skip
        db.exec(delete(table).where(col(column) == member.id))
    _scrub_mentions(db, sessions, member.id)
    group_id = member.group_id
    db.delete(member)
    audit(db, "member", "member.delete", group_id)
    return sessions
