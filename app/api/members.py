"""Members' own data: download it, or have it deleted (DOMAIN.md E9, RELIABILITY.md V1, V2).

A member proves who they are with their member key, the group-scoped secret their
browser keeps (and they may note down as a recovery code).
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Response, status
from pydantic import Field
from sqlmodel import Session

from app.api.deps import EngineDep, HubDep, in_db
from app.api.schemas import Body
from app.services import rights

router = APIRouter(prefix="/api/members", tags=["members"])


class KeyBody(Body):
    member_key: str = Field(min_length=1, max_length=100)


class DeleteBody(KeyBody):
    confirm: Literal[True]


@router.post("/export")
async def export(body: KeyBody, engine: EngineDep) -> dict[str, Any]:
    """Everything Airtime holds about you, as JSON: nobody else's data (V1)."""
    return await in_db(engine, lambda db: rights.export(db, rights.member_by_key(db, body.member_key)))


@router.post("/delete", status_code=status.HTTP_204_NO_CONTENT)
async def delete(body: DeleteBody, engine: EngineDep, hub: HubDep) -> Response:
    """Delete everything about you (V2); past group figures stay, marked as including you."""

    unended = await in_db(engine, lambda db: rights.unended_sessions(db, rights.member_by_key(db, body.member_key)))
    # Each session not yet ended is loaded here before the rows go, so that its room knows
    # the member and tells every worker, whichever holds her sockets, to drop her.
    for session_id in unended:
        await hub.room(session_id)

    def work(db: Session) -> tuple[str, list[str]]:
        member = rights.member_by_key(db, body.member_key)
        return member.id, rights.delete_member(db, member)

    member_id, sessions = await in_db(engine, work)
    for session_id in sessions:
        room = hub.loaded(session_id)
        if room is not None:
            await room.forget_person(member_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
