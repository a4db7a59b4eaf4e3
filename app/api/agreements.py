"""A group's agreement: read it, revise it, review it; proposed ground rules (E2-E4)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from app.api.deps import DbDep, UserDep
from app.api.problems import refusals
from app.api.schemas import AgreementChange
from app.services import agreements, groups

router = APIRouter(prefix="/api/groups/{group_id}", tags=["agreements"])


@router.get("/agreement")
def get_agreement(group_id: str, db: DbDep, user: UserDep) -> dict[str, Any]:
    """The version in force, with its review date and whether a review is due."""
    group = groups.group_for_facilitator(db, user, group_id)
    return agreements.agreement_out(agreements.current_agreement(db, group))


@router.put("/agreement", responses=refusals(400))
def revise_agreement(group_id: str, body: AgreementChange, db: DbDep, user: UserDep) -> dict[str, Any]:
    """Adopt a new version: members consent to it when they next join."""
    group = groups.group_for_facilitator(db, user, group_id)
    new = agreements.revise(db, group, body.confidentiality, body.ground_rules, body.tracking,
                            body.adopt)  # fmt: skip
    return agreements.agreement_out(new)


@router.post("/agreement/review")
def reaffirm_agreement(group_id: str, db: DbDep, user: UserDep) -> dict[str, Any]:
    """A review that keeps the agreement as it is; the next is due in 90 days."""
    group = groups.group_for_facilitator(db, user, group_id)
    return agreements.agreement_out(agreements.reaffirm(db, group))


@router.get("/proposals")
def list_proposals(group_id: str, db: DbDep, user: UserDep) -> list[dict[str, Any]]:
    """Ground rules members proposed, oldest first, with the version that adopted each."""
    return agreements.proposals(db, groups.group_for_facilitator(db, user, group_id))
