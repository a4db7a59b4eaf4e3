"""Groups and their invite links (facilitators)."""

from __future__ import annotations

from dataclasses import fields
from typing import Annotated, Any, get_args

from fastapi import APIRouter, Body, Request, status
from sqlmodel import Session

from app.api.deps import AUTH_COOKIE, DbDep, EngineDep, HubDep, OrganiserDep, UserDep, in_db
from app.api.problems import refusals
from app.api.schemas import FacilitatorList, NewGroup
from app.domain.events import Kind
from app.domain.rules import GroupSettings, HandOrder
from app.models import Group
from app.models.common import utcnow
from app.models.sessions import SessionState
from app.realtime.room import Spec
from app.services import group_insights, groups, insights, rights
from app.services.accounts import user_for_token
from app.services.errors import Unauthorized

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


@router.post("", status_code=status.HTTP_201_CREATED, responses=refusals(400, 403))
def create_group(body: NewGroup, request: Request, db: DbDep, user: UserDep) -> dict[str, Any]:
    group = groups.create_group(db, user, body.name, body.description, body.facilitators)
    return group_out(db, request, group)


@router.get("")
def list_groups(request: Request, db: DbDep, user: UserDep) -> list[dict[str, Any]]:
    return [group_out(db, request, g) for g in groups.groups_of(db, user)]


@router.get("/{group_id}")
def get_group(group_id: str, request: Request, db: DbDep, user: UserDep) -> dict[str, Any]:
    return group_out(db, request, groups.group_for_staff(db, user, group_id))


@router.put("/{group_id}/facilitators", responses=refusals(400))
def put_facilitators(group_id: str, body: FacilitatorList, request: Request, db: DbDep,
                     user: OrganiserDep) -> dict[str, Any]:  # fmt: skip
    """The organiser chooses who runs the group (at least one facilitator account)."""
    group = groups.require_group(db, group_id)
    groups.set_facilitators(db, user, group, body.facilitators)
    return group_out(db, request, group)


@router.get("/{group_id}/summary", responses=refusals(403))
def summary(group_id: str, db: DbDep, user: UserDep) -> dict[str, Any]:
    """Figures across the group's sessions, never a member's (E6); organisers: 5+ members."""
    return insights.group_summary(db, user, groups.group_for_staff(db, user, group_id))


@router.get("/{group_id}/insights", responses=refusals(403))
def insights_page(group_id: str, db: DbDep, user: UserDep) -> dict[str, Any]:
    """Per-session trends for the insights page: aggregates only (E6); organisers: 5+ members."""
    group = groups.group_for_staff(db, user, group_id)
    return group_insights.group_insights(db, user, group, utcnow())


@router.get("/{group_id}/settings")
def get_settings(group_id: str, db: DbDep, user: UserDep) -> dict[str, Any]:
    """The group's thresholds and choices (DOMAIN.md P5, R2, R5)."""
    return groups.settings_of(groups.group_for_facilitator(db, user, group_id)).as_dict()


def settings_schema() -> dict[str, Any]:
    """The settings a PUT may change, each with its type and range (GroupSettings.parse
    checks the same, and names the key it refuses in a 400)."""
    known: dict[str, Any] = {}
    for setting in fields(GroupSettings):
        default = getattr(GroupSettings(), setting.name)
        if isinstance(default, bool):
            known[setting.name] = {"type": "boolean"}
        elif setting.name == "hand_order":
            known[setting.name] = {"type": "string", "enum": list(get_args(HandOrder))}
        else:
            known[setting.name] = {"type": "number", "minimum": 0, "maximum": GroupSettings.maximum(setting.name)}
    return {"properties": known, "additionalProperties": False}


SettingsChange = Annotated[dict[str, Any], Body(json_schema_extra=settings_schema())]


@router.put("/{group_id}/settings", responses=refusals(400))
async def put_settings(group_id: str, body: SettingsChange, engine: EngineDep, hub: HubDep,
                       request: Request) -> dict[str, Any]:  # fmt: skip
    """Change some settings; a live session follows them from this moment."""

    def work(db: Session) -> tuple[GroupSettings, str | None]:
        user = user_for_token(db, request.cookies.get(AUTH_COOKIE))
        if user is None:
            raise Unauthorized("please log in")
        group = groups.group_for_facilitator(db, user, group_id)
        updated = groups.update_settings(db, group, body)
        current = groups.current_session(db, group.id)
        return updated, current.id if current is not None else None

    updated, session_id = await in_db(engine, work)
    # Loaded here if it is not (another worker may hold the session's sockets): the change
    # goes into the session's log, which every worker follows.
    room = await hub.room(session_id) if session_id else None
    if room is not None and room.state is not SessionState.ENDED:
        await room.submit([Spec(Kind.SETTINGS, data=updated.as_dict())], actor="rest")
    return updated.as_dict()


@router.get("/{group_id}/leaders")
def leaders(group_id: str, db: DbDep, user: UserDep) -> list[dict[str, Any]]:
    """DOMAIN.md R4: who co-facilitated which session, newest first."""
    return groups.leader_history(db, groups.group_for_facilitator(db, user, group_id))


@router.get("/{group_id}/audit")
def audit_log(group_id: str, db: DbDep, user: UserDep) -> list[dict[str, Any]]:
    """Who viewed or exported per-member data, role changes, deletions, purges (V4).

    Read-only: no call changes or removes a record."""
    return rights.audit_log(db, groups.group_for_staff(db, user, group_id).id)


@router.post("/{group_id}/invite")
def rotate_invite(group_id: str, request: Request, db: DbDep, user: UserDep) -> dict[str, Any]:
    group = groups.rotate_invite(db, groups.group_for_facilitator(db, user, group_id))
    return group_out(db, request, group)
