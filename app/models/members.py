"""Members: a display name and a group-scoped key, nothing else (DOMAIN.md §1)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.common import new_id, utcnow


class Member(SQLModel, table=True):
    __tablename__ = "members"
    id: str = Field(default_factory=lambda: new_id("m"), primary_key=True)
    group_id: str = Field(foreign_key="groups.id", index=True, ondelete="CASCADE")
    display_name: str = Field(max_length=40)
    key_hash: str = Field(unique=True, index=True)
    leader_opt_in: bool = False  # DOMAIN.md R4: willing to co-facilitate a session
    created_at: datetime = Field(default_factory=utcnow)


class MemberCredential(SQLModel, table=True):
    """Lets one browser act as one member in one session (a cookie holds the secret)."""

    __tablename__ = "member_credentials"
    token_hash: str = Field(primary_key=True)
    member_id: str = Field(foreign_key="members.id", index=True, ondelete="CASCADE")
    session_id: str = Field(foreign_key="sessions.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow)
