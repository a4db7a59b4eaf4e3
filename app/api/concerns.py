"""Concerns (DOMAIN.md E7): the designated contacts read them and move them on."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import Field

from app.api.deps import DbDep, UserDep
from app.api.problems import refusals
from app.api.schemas import Body
from app.services import concerns, groups

router = APIRouter(prefix="/api", tags=["concerns"])


class StatusChange(Body):
    status: Literal["acknowledged", "resolved"]


class Contacts(Body):
    contact: str = Field(min_length=1, max_length=64)
    alternate: str = Field(min_length=1, max_length=64)


@router.get("/concerns")
def my_concerns(db: DbDep, user: UserDep) -> list[dict[str, Any]]:
    """Concerns routed to me, newest first: nobody else can read them."""
    return concerns.concerns_for(db, user)


@router.post("/concerns/{concern_id}/status", responses=refusals(409))
def move_concern(concern_id: str, body: StatusChange, db: DbDep, user: UserDep) -> dict[str, Any]:
    """received, then acknowledged, then resolved; each with its time."""
    return concerns.concern_out(concerns.move_on(db, user, concern_id, body.status), db)


@router.get("/groups/{group_id}/contacts", responses=refusals(409))
def get_contacts(group_id: str, db: DbDep, user: UserDep) -> dict[str, Any]:
    groups.group_for_staff(db, user, group_id)
    return concerns.contacts_out(db, group_id)


@router.put("/groups/{group_id}/contacts", responses=refusals(400, 409))
def put_contacts(group_id: str, body: Contacts, db: DbDep, user: UserDep) -> dict[str, Any]:
    """Who receives the group's concerns, and who receives those about that person."""
    groups.group_for_staff(db, user, group_id)
    concerns.set_contacts(db, group_id, body.contact, body.alternate)
    return concerns.contacts_out(db, group_id)
