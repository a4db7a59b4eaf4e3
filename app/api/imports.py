"""Importing a diarization (RTTM) file into an open session (DOMAIN.md D3)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from pydantic import Field

from app.api.deps import AUTH_COOKIE, EngineDep, HubDep
from app.api.problems import refusals
from app.api.schemas import Body
from app.db import session_scope
from app.domain.scenario import MAX_SECONDS
from app.services import accounts, imports
from app.services.errors import NotFound, Unauthorized

router = APIRouter(prefix="/api", tags=["sessions"])


class ImportRequest(Body):
    rttm: str = Field(max_length=imports.MAX_RTTM_BYTES)
    confirm_consent: bool = False  # E2: everyone in the recording agreed to the group's agreement
    names: dict[str, str] = Field(default_factory=dict, max_length=1000)  # speaker label -> name
    duration_s: float | None = Field(default=None, ge=0, le=MAX_SECONDS, allow_inf_nan=False)


@router.post("/sessions/{session_id}/import", responses=refusals(400, 409))
async def import_rttm(session_id: str, body: ImportRequest, request: Request, engine: EngineDep,
                      hub: HubDep) -> dict[str, Any]:  # fmt: skip
    """An RTTM file's speaker turns become the open session's log; it ends with its report stored."""
    room = await hub.room(session_id)
    if room is None:
        raise NotFound("no such session")
    duration = None if body.duration_s is None else Decimal(str(body.duration_s))
    wanted = imports.RttmImport(body.rttm, body.confirm_consent, body.names, duration)
    token = request.cookies.get(AUTH_COOKIE)

    def write() -> imports.Imported:
        with session_scope(engine) as db:
            user = accounts.user_for_token(db, token)
            if user is None:
                raise Unauthorized("please log in")
            return imports.import_rttm(db, session_id, wanted, actor=user.id)

    # Through the room, so a dashboard already open on the session follows it to its end.
    return imports.imported_out(await room.append_stored(write))
