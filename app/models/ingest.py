"""Session-scoped keys for external speaker-change sources (DOMAIN.md D3)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.common import utcnow


class IngestKey(SQLModel, table=True):
    """One live session's key for a conferencing system or a room diarizer.

    Only the key's digest is stored; a new key replaces the old, and the row goes
    when the session ends (or with the session).
    """

    __tablename__ = "ingest_keys"
    session_id: str = Field(foreign_key="sessions.id", primary_key=True, ondelete="CASCADE")
    key_hash: str
    created_by: str | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
