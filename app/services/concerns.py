"""Concerns (DOMAIN.md E7): routing, statuses and who may see them."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from app.models import Group, GroupFacilitator, Member, User
from app.models.accounts import AccountRole
from app.models.common import utcnow
from app.models.concerns import Concern, GroupContacts
from app.services.errors import BadInput, Conflict, NotFound

MAX_TEXT = 2000
NEXT_STATUS = {"acknowledged": "received", "resolved": "acknowledged"}


def contacts_of(db: Session, group_id: str) -> GroupContacts:
    """The group's contacts; by default its first facilitator, and the organiser as alternate."""
    contacts = db.get(GroupContacts, group_id)
    if contacts is not None:
        return contacts
    facilitator = db.exec(select(GroupFacilitator.user_id)
                          .where(GroupFacilitator.group_id == group_id)).first()  # fmt: skip
    organiser = db.exec(select(User.id).where(User.role == AccountRole.ORGANISER)).first()
    if facilitator is None or organiser is None:
        raise Conflict("this group has nobody to receive concerns yet")
    contacts = GroupContacts(group_id=group_id, contact_id=facilitator, alternate_id=organiser)
    db.add(contacts)
    db.flush()
    return contacts


def contacts_out(db: Session, group_id: str) -> dict[str, Any]:
    """The contacts, and who could be one: the group's facilitators and the organisers."""
    contacts = contacts_of(db, group_id)
    query = (select(User).outerjoin(GroupFacilitator, (col(GroupFacilitator.user_id) == col(User.id))
                                    & (col(GroupFacilitator.group_id) == group_id))
             .where((col(GroupFacilitator.group_id) == group_id) | (col(User.role) == AccountRole.ORGANISER))
             .order_by(col(User.username)))  # fmt: skip
    people = [{"id": u.id, "username": u.username, "role": u.role.value} for u in db.exec(query)]
    names = {p["id"]: p["username"] for p in people}
    return {"contact": contacts.contact_id, "alternate": contacts.alternate_id,
            "contact_name": names.get(contacts.contact_id), "alternate_name": names.get(contacts.alternate_id),
            "candidates": people}  # fmt: skip


def set_contacts(db: Session, group_id: str, contact: str, alternate: str) -> GroupContacts:
    if contact == alternate:
        raise BadInput("alternate: must be someone other than the contact")
    allowed = {p["id"] for p in contacts_out(db, group_id)["candidates"]}
    for field, user_id in (("contact", contact), ("alternate", alternate)):
        if user_id not in allowed:
            raise BadInput(f"{field}: choose one of the group's facilitators or an organiser")
    contacts = contacts_of(db, group_id)
    contacts.contact_id, contacts.alternate_id = contact, alternate
    db.add(contacts)
    return contacts


def raise_concern(db: Session, group_id: str, member_id: str, text: str, anonymous: bool,
                  about_contact: bool) -> Concern:  # fmt: skip
    """Store a concern for the contact, or for the alternate when it is about the contact."""
    body = text.strip()
    if not 1 <= len(body) <= MAX_TEXT:
        raise BadInput(f"text: use 1 to {MAX_TEXT} characters")
    contacts = contacts_of(db, group_id)
    concern = Concern(group_id=group_id, member_id=None if anonymous else member_id,
                      about_contact=about_contact, text=body,
                      routed_to=contacts.alternate_id if about_contact else contacts.contact_id)  # fmt: skip
    db.add(concern)
    db.flush()
    return concern


def concerns_for(db: Session, user: User) -> list[dict[str, Any]]:
    """The concerns routed to this account, newest first (nobody else sees them)."""
    query = (
        select(Concern)
        .where(Concern.routed_to == user.id)
        .order_by(col(Concern.received_at).desc())
    )
    return [concern_out(c, db) for c in db.exec(query)]


def concern_out(c: Concern, db: Session) -> dict[str, Any]:
    group, member = db.get(Group, c.group_id), c.member_id and db.get(Member, c.member_id)
    return {"id": c.id, "group_id": c.group_id, "group": group.name if group else None, "text": c.text,
            "anonymous": c.member_id is None, "member_id": c.member_id,
            "member_name": member.display_name if member else None,
            "about_contact": c.about_contact, "status": c.status,
            "received_at": c.received_at.isoformat(),
            "acknowledged_at": c.acknowledged_at and c.acknowledged_at.isoformat(),
            "resolved_at": c.resolved_at and c.resolved_at.isoformat()}  # fmt: skip


def move_on(db: Session, user: User, concern_id: str, status: str) -> Concern:
    """received -> acknowledged -> resolved, by the person it was routed to."""
    concern = db.get(Concern, concern_id)
    if concern is None or concern.routed_to != user.id:
        raise NotFound("no such concern among yours")
    if NEXT_STATUS.get(status) != concern.status:
        raise Conflict(f"status: a {concern.status} concern cannot become {status}")
    concern.status = status
    if status == "acknowledged":
        concern.acknowledged_at = utcnow()
    else:
        concern.resolved_at = utcnow()
    db.add(concern)
    return concern
