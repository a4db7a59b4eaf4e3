"""Concerns (DOMAIN.md E7): raised by members, anonymously by default, and routed to a
designated contact who is not the person concerned."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.common import new_id, utcnow


class GroupContacts(SQLModel, table=True):
    """Who receives a group's concerns, and who receives those about that contact."""

    __tablename__ = "group_contacts"
    group_id: str = Field(foreign_key="groups.id", primary_key=True, ondelete="CASCADE")
    contact_id: str = Field(foreign_key="users.id", ondelete="CASCADE")
    alternate_id: str = Field(foreign_key="users.id", ondelete="CASCADE")


class Concern(SQLModel, table=True):
    __tablename__ = "concerns"
    id: str = Field(default_factory=lambda: new_id("cn"), primary_key=True)
    group_id: str = Field(foreign_key="groups.id", index=True, ondelete="CASCADE")
    member_id: str | None = Field(default=None, foreign_key="members.id", ondelete="CASCADE")
    about_contact: bool = False
    text: str = Field(max_length=2000)
    routed_to: str = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    status: str = "received"  # received | acknowledged | resolved
    received_at: datetime = Field(default_factory=utcnow)
    acknowledged_at: datetime | None = None
    resolved_at: datetime | None = None
