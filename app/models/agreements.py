"""Group agreements (DOMAIN.md E2-E4): versioned, consented to, reviewed."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Field, SQLModel

from app.models.common import new_id, utcnow

REVIEW_AFTER = timedelta(days=90)  # DOMAIN.md E4: agreements are reviewed every 90 days

DEFAULT_CONFIDENTIALITY = (
    "What is shared in this group stays in this group. We ask everyone not to repeat what "
    "others say, or who was here. We cannot guarantee that every member keeps this promise, "
    "so share what feels safe for you. Facilitators may need to act if someone is at risk of "
    "serious harm, or where the law requires it; they will tell you if that happens."
)
DEFAULT_GROUND_RULES = (
    "Speak from your own experience.\n"
    "Listen without interrupting, fixing or judging.\n"
    "You can always pass or just listen.\n"
    "What is said here stays here."
)


class Agreement(SQLModel, table=True):
    """One version of a group's agreement: confidentiality, ground rules, what is tracked."""

    __tablename__ = "agreements"
    id: str = Field(default_factory=lambda: new_id("a"), primary_key=True)
    group_id: str = Field(foreign_key="groups.id", index=True, ondelete="CASCADE")
    version: int
    confidentiality: str = Field(max_length=4000)
    ground_rules: str = Field(max_length=4000)
    tracking: str = Field(max_length=4000)
    adopted_at: datetime = Field(default_factory=utcnow)
    review_due: datetime = Field(default_factory=lambda: utcnow() + REVIEW_AFTER)
    reviewed_at: datetime | None = None


class ConsentRecord(SQLModel, table=True):
    """A member gave or withdrew consent to one agreement version (DOMAIN.md E2)."""

    __tablename__ = "consents"
    id: str = Field(default_factory=lambda: new_id("c"), primary_key=True)
    member_id: str = Field(foreign_key="members.id", index=True, ondelete="CASCADE")
    agreement_id: str = Field(foreign_key="agreements.id", ondelete="CASCADE")
    version: int
    given: bool  # false: withdrawn
    at: datetime = Field(default_factory=utcnow)


class RuleProposal(SQLModel, table=True):
    """A ground rule a member proposed (E4); free text, seen by the group's facilitators."""

    __tablename__ = "rule_proposals"
    id: str = Field(default_factory=lambda: new_id("r"), primary_key=True)
    group_id: str = Field(foreign_key="groups.id", index=True, ondelete="CASCADE")
    member_id: str | None = Field(default=None, foreign_key="members.id", ondelete="SET NULL")
    text: str = Field(max_length=300)
    created_at: datetime = Field(default_factory=utcnow)
    adopted_in: int | None = None  # the agreement version that took it in
