"""Groups: their facilitators, standing invite link and settings."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.common import new_id, utcnow

DEFAULT_DESCRIPTION = (
    "Airtime notes when each person starts and stops speaking, raised hands, and "
    "whether you chose to listen today. It never receives your voice, your words or "
    "any recording: speaking is detected on your own device or marked by the "
    "facilitator, and only start and stop times reach the server. Your facilitators "
    "see each person's speaking time during and after the session; you see your own. "
    "You can pause your tracking or choose to listen at any time."
)


def new_invite_code() -> str:
    """128 random bits (RELIABILITY.md S7)."""
    return secrets.token_urlsafe(16)


class Group(SQLModel, table=True):
    __tablename__ = "groups"
    id: str = Field(default_factory=lambda: new_id("g"), primary_key=True)
    name: str = Field(max_length=80)
    description: str = Field(default=DEFAULT_DESCRIPTION, max_length=4000)
    invite_code: str = Field(default_factory=new_invite_code, unique=True, index=True)
    settings_json: str = Field(default="{}")
    created_at: datetime = Field(default_factory=utcnow)


class GroupFacilitator(SQLModel, table=True):
    __tablename__ = "group_facilitators"
    group_id: str = Field(foreign_key="groups.id", primary_key=True, ondelete="CASCADE")
    user_id: str = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE")
