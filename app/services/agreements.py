"""Agreements, consent and proposed ground rules (DOMAIN.md E2-E4)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from app.models import Agreement, ConsentRecord, Group, Member, RuleProposal
from app.models.agreements import DEFAULT_CONFIDENTIALITY, DEFAULT_GROUND_RULES, REVIEW_AFTER
from app.models.common import utcnow
from app.services.errors import BadInput, Conflict

MAX_TEXT = 4000
MAX_RULE = 300


def current_agreement(db: Session, group: Group) -> Agreement:
    """The version in force; a group without one gets version 1 from its description."""
    query = select(Agreement).where(Agreement.group_id == group.id).order_by(
        col(Agreement.version).desc()
    )
    agreement = db.exec(query).first()
    if agreement is None:
        agreement = Agreement(group_id=group.id, version=1, confidentiality=DEFAULT_CONFIDENTIALITY,
                              ground_rules=DEFAULT_GROUND_RULES, tracking=group.description)  # fmt: skip
        db.add(agreement)
        db.flush()
    return agreement


def agreement_out(agreement: Agreement) -> dict[str, Any]:
    return {
        "version": agreement.version,
        "confidentiality": agreement.confidentiality,
        "ground_rules": [r for r in agreement.ground_rules.splitlines() if r.strip()],
        "tracking": agreement.tracking,
        "adopted_at": agreement.adopted_at.isoformat(),
        "review_due": agreement.review_due.isoformat(),
        "reviewed_at": agreement.reviewed_at and agreement.reviewed_at.isoformat(),
        "review_is_due": agreement.review_due <= utcnow(),
    }


def _text(value: str | None, name: str, fallback: str) -> str:
    if value is None:
        return fallback
    text = value.strip()
    if not 1 <= len(text) <= MAX_TEXT:
        raise BadInput(f"{name}: use 1 to {MAX_TEXT} characters")
    return text


def revise(db: Session, group: Group, confidentiality: str | None, ground_rules: list[str] | None,
           tracking: str | None, adopt: list[str]) -> Agreement:  # fmt: skip
    """A new version (E4): changed texts and adopted proposals; members consent when they
    next join, and it takes effect from the next session."""
    old = current_agreement(db, group)
    rules = [r.strip() for r in ground_rules] if ground_rules is not None else old.ground_rules.splitlines()
    proposals = [db.get(RuleProposal, pid) for pid in adopt]
    for pid, proposal in zip(adopt, proposals, strict=True):
        if proposal is None or proposal.group_id != group.id:
            raise BadInput(f"adopt: no proposal {pid!r} in this group")
        if proposal.text not in rules:
            rules.append(proposal.text)
    new = Agreement(group_id=group.id, version=old.version + 1,
                    confidentiality=_text(confidentiality, "confidentiality", old.confidentiality),
                    ground_rules=_text("\n".join(r for r in rules if r), "ground_rules", old.ground_rules),
                    tracking=_text(tracking, "tracking", old.tracking))  # fmt: skip
    db.add(new)
    for proposal in proposals:
        assert proposal is not None
        proposal.adopted_in = new.version
        db.add(proposal)
    group.description = new.tracking
    db.add(group)
    db.flush()
    return new


def reaffirm(db: Session, group: Group) -> Agreement:
    """A review that keeps the agreement as it is (E4): the next review is 90 days on."""
    agreement = current_agreement(db, group)
    agreement.reviewed_at = utcnow()
    agreement.review_due = agreement.reviewed_at + REVIEW_AFTER
    db.add(agreement)
    return agreement


def propose_rule(db: Session, group_id: str, member_id: str, text: str) -> RuleProposal:
    rule = " ".join(text.split())
    if not 1 <= len(rule) <= MAX_RULE:
        raise BadInput(f"text: use 1 to {MAX_RULE} characters")
    proposal = RuleProposal(group_id=group_id, member_id=member_id, text=rule)
    db.add(proposal)
    db.flush()
    return proposal


def proposals(db: Session, group: Group) -> list[dict[str, Any]]:
    query = select(RuleProposal).where(RuleProposal.group_id == group.id).order_by(
        col(RuleProposal.created_at)
    )
    return [{"id": p.id, "text": p.text, "created_at": p.created_at.isoformat(),
             "adopted_in": p.adopted_in} for p in db.exec(query)]  # fmt: skip


def record_consent(db: Session, member: Member, agreement: Agreement, given: bool) -> None:
    """Write (member, version, time) when it changes what is on record (E2)."""
    if consented_to(db, member) == (agreement.version if given else None):
        return
    db.add(ConsentRecord(member_id=member.id, agreement_id=agreement.id, version=agreement.version,
                         given=given))  # fmt: skip


def consented_to(db: Session, member: Member) -> int | None:
    """The version the member's latest record consents to, or None after a withdrawal."""
    query = select(ConsentRecord).where(ConsentRecord.member_id == member.id).order_by(
        col(ConsentRecord.at).desc()
    )
    latest = db.exec(query).first()
    return latest.version if latest is not None and latest.given else None


def check_version(db: Session, group: Group, version: int | None) -> Agreement:
    """The agreement a member accepts must be the one in force, or they read an old one."""
    agreement = current_agreement(db, group)
    if version is not None and version != agreement.version:
        raise Conflict("the group's agreement has changed; please read the new version")
    return agreement
