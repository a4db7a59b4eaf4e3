"""Sessions, members joining through an invite, and WebSocket tickets."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, select

from app.domain.events import Role
from app.domain.rules import GroupSettings
from app.models import Group, LiveSession, Member, MemberCredential, SessionPerson, User, WsTicket
from app.models.common import digest, new_secret, utcnow
from app.models.sessions import SessionState
from app.services import agreements
from app.services.errors import BadInput, Conflict, Forbidden, NotFound
from app.services.groups import current_session, group_by_invite, is_facilitator

MAX_NAME = 40


def open_session(db: Session, group: Group, user: User) -> LiveSession:
    if current_session(db, group.id) is not None:
        raise Conflict("this group already has a session open; end it first")
    session = LiveSession(group_id=group.id)
    db.add(session)
    db.flush()
    enrol_facilitator(db, session, user)
    return session


def enrol_facilitator(db: Session, session: LiveSession, user: User) -> str:
    """Put a facilitator on the session's roster; their person id is their account id."""
    if db.get(SessionPerson, (session.id, user.id)) is None:
        db.add(SessionPerson(session_id=session.id, person_id=user.id, name=user.username,
                             role=Role.FACILITATOR.value, user_id=user.id))  # fmt: skip
    return user.id


def session_for_facilitator(db: Session, user: User, session_id: str) -> LiveSession:
    session = db.get(LiveSession, session_id)
    if session is None or not is_facilitator(db, user, session.group_id):
        raise NotFound("no such session among your groups")
    return session


@dataclass
class Joined:
    member: Member
    new_key: str | None
    session: LiveSession
    credential: str


def clean_display_name(raw: str) -> str:
    name = " ".join(raw.split())
    if not 1 <= len(name) <= MAX_NAME:
        raise BadInput(f"display_name: use 1 to {MAX_NAME} characters")
    return name


def join(db: Session, code: str, display_name: str, accept: bool, member_key: str | None,
         agreement_version: int | None = None) -> Joined:  # fmt: skip
    """A member joins the group's open session through its invite link (DOMAIN.md §1),
    consenting to the agreement version they read (E2)."""
    group = group_by_invite(db, code)
    if not accept:
        raise BadInput("accept: please read the group's agreement and accept it to join")
    name = clean_display_name(display_name)
    session = current_session(db, group.id)
    if session is None:
        raise Conflict("this group has no session open right now")
    agreement = agreements.check_version(db, group, agreement_version)
    member, new_key = _member(db, group, name, member_key)
    agreements.record_consent(db, member, agreement, given=True)
    roster = db.get(SessionPerson, (session.id, member.id))
    if roster is None:
        waiting = GroupSettings.parse(json.loads(group.settings_json)).waiting_room
        db.add(SessionPerson(session_id=session.id, person_id=member.id, name=name,
                             role=Role.MEMBER.value, member_id=member.id,
                             admitted=not waiting))  # fmt: skip
    elif roster.removed:
        raise Forbidden("a facilitator removed you from this session")
    else:
        roster.name = name
        db.add(roster)
    credential = new_secret("mc_")
    db.add(MemberCredential(token_hash=digest(credential), member_id=member.id, session_id=session.id))
    return Joined(member, new_key, session, credential)


def _member(db: Session, group: Group, name: str, key: str | None) -> tuple[Member, str | None]:
    if key:
        member = db.exec(select(Member).where(Member.key_hash == digest(key))).first()
        if member is None or member.group_id != group.id:
            raise Forbidden("member_key: that key does not belong to this group")
        member.display_name = name
        db.add(member)
        return member, None
    new_key = new_secret("mk_")
    member = Member(group_id=group.id, display_name=name, key_hash=digest(new_key))
    db.add(member)
    db.flush()
    return member, new_key


def member_for_credential(db: Session, session_id: str, credential: str | None) -> Member | None:
    if not credential:
        return None
    row = db.get(MemberCredential, digest(credential))
    if row is None or row.session_id != session_id:
        return None
    return db.get(Member, row.member_id)


def member_role(db: Session, session_id: str, member: Member) -> str:
    """`member`, or `cofacilitator` while they lead this session (DOMAIN.md R4)."""
    roster = db.get(SessionPerson, (session_id, member.id))
    if roster is not None and roster.removed:
        raise Forbidden("a facilitator removed you from this session")
    return "cofacilitator" if roster is not None and roster.cofacilitator else "member"


def issue_ticket(db: Session, session: LiveSession, person_id: str, role: str, principal: str,
                 ttl_s: float) -> str:  # fmt: skip
    if session.state is SessionState.ENDED:
        raise Conflict("this session has ended")
    ticket = new_secret("wt_")
    db.add(WsTicket(ticket_hash=digest(ticket), session_id=session.id, person_id=person_id,
                    role=role, principal=principal,
                    expires_at=utcnow() + timedelta(seconds=ttl_s)))  # fmt: skip
    return ticket


def redeem_ticket(db: Session, session_id: str, ticket: str | None) -> WsTicket | None:
    """Use a ticket once: it is deleted whether or not it is still valid."""
    if not ticket:
        return None
    row = db.get(WsTicket, digest(ticket))
    if row is None:
        return None
    db.delete(row)
    if row.session_id != session_id or row.expires_at < utcnow():
        return None
    return row


def require_session(db: Session, session_id: str) -> LiveSession:
    session = db.get(LiveSession, session_id)
    if session is None:
        raise NotFound("no such session")
    return session
