"""SQLModel tables, one module per aggregate; importing this registers them all."""

from app.models.accounts import AuthToken, LoginFailure, User
from app.models.agreements import Agreement, ConsentRecord, RuleProposal
from app.models.audit import AuditRecord
from app.models.concerns import Concern, GroupContacts
from app.models.groups import Group, GroupFacilitator
from app.models.ingest import IngestKey
from app.models.members import Member, MemberCredential
from app.models.pulses import Pulse
from app.models.sessions import (
    LeaderTurn,
    LiveSession,
    SessionEvent,
    SessionPerson,
    SessionReport,
    WsTicket,
)  # fmt: skip

__all__ = [
    "Agreement",
    "AuditRecord",
    "AuthToken",
    "Concern",
    "ConsentRecord",
    "Group",
    "GroupContacts",
    "GroupFacilitator",
    "IngestKey",
    "LeaderTurn",
    "LiveSession",
    "LoginFailure",
    "Member",
    "MemberCredential",
    "Pulse",
    "RuleProposal",
    "SessionEvent",
    "SessionPerson",
    "SessionReport",
    "User",
    "WsTicket",
]  # fmt: skip
