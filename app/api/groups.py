"""Groups and their invite links (facilitators)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, status
from sqlmodel import Session

from app.api.deps import DbDep, UserDep
from app.api.schemas import NewGroup
from app.models import Group
from app.services import groups

router = APIRouter(prefix="/api/groups", tags=["groups"])


def invite_url(request: Request, code: str) -> str:
    base = request.app.state.settings.public_url or str(request.base_url)
    return f"{base.rstrip('/')}/join/{code}"


def group_out(db: Session, request: Request, group: Group) -> dict[str, Any]:
    current = groups.current_session(db, group.id)
    return {
        "id": group.id, "name": group.name, "description": group.description,
        "invite_code": group.invite_code, "invite_url": invite_url(request, group.invite_code),
        "facilitators": groups.facilitator_names(db, group.id),
        "session": None if current is None else {"id": current.id, "state": current.state.value},
    }  # fmt: skip


@router.post("", status_code=status.HTTP_201_CREATED)
def create_group(body: NewGroup, request: Request, db: DbDep, user: UserDep) -> dict[str, Any]:
    group = groups.create_group(db, user, body.name, body.description)
    return group_out(db, request, group)


@router.get("")
def list_groups(request: Request, db: DbDep, user: UserDep) -> list[dict[str, Any]]:
    return [group_out(db, request, g) for g in groups.groups_of(db, user)]


@router.get("/{group_id}")
def get_group(group_id: str, request: Request, db: DbDep, user: UserDep) -> dict[str, Any]:
    return group_out(db, request, groups.group_for_facilitator(db, user, group_id))


@router.post("/{group_id}/invite")
def rotate_invite(group_id: str, request: Request, db: DbDep, user: UserDep) -> dict[str, Any]:
    group = groups.rotate_invite(db, groups.group_for_facilitator(db, user, group_id))
    return group_out(db, request, group)
