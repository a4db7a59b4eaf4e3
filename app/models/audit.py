"""The audit log (DOMAIN.md E9, RELIABILITY.md V4): append-only, no API changes it.

Records name the accounts that acted (facilitators, organisers) but never a member:
a member's deletion then leaves no row about them here either (V2).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.common import new_id, utcnow


class AuditRecord(SQLModel, table=True):
    __tablename__ = "audit_log"
    id: str = Field(default_factory=lambda: new_id("au"), primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str  # an account id, "member" (a member acting on their own data) or "system"
    action: str  # report.view, report.export, dashboard.open, member.export, member.delete, role.change, purge
    group_id: str | None = Field(default=None, index=True)
    session_id: str | None = None
    detail: str = ""
