"""Anonymous check-in and check-out pulses (DOMAIN.md E8): never linked to a member."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.common import new_id, utcnow


class Pulse(SQLModel, table=True):
    __tablename__ = "pulses"
    id: str = Field(default_factory=lambda: new_id("p"), primary_key=True)
    session_id: str = Field(foreign_key="sessions.id", index=True, ondelete="CASCADE")
    phase: str  # check_in | check_out
    included: int | None = None  # "How included did you feel today?" 1-5
    space: str | None = None  # "Did you get the space you wanted?" yes | partly | no
    created_at: datetime = Field(default_factory=utcnow)
