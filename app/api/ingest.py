"""Live speaker changes from a conferencing system or a room diarizer (DOMAIN.md D3).

A facilitator makes a session-scoped key; the external system sends batches of
changes with it, and they go through the live room like every other source.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request, status
from sqlmodel import Session

from app.api.deps import AUTH_COOKIE, EngineDep, HubDep, in_db
from app.api.problems import refusals
from app.realtime.actions import Refused, on_speaker_changes
from app.realtime.messages import SpeakerChanges
from app.realtime.room import NotLive
from app.services import accounts, ingest, sessions
from app.services.errors import (
    BadInput,
    Conflict,
    Forbidden,
    NotFound,
    ServiceError,
    TooManyRequests,
    Unauthorized,
)  # fmt: skip

router = APIRouter(prefix="/api", tags=["ingest"])
REFUSED: dict[str, type[ServiceError]] = {"unknown_person": BadInput, "invalid": Conflict,
                                          "forbidden": Forbidden}  # fmt: skip


class RateLimit:
    """At most `per_second` requests a second for each session, in this process."""

    def __init__(self, per_second: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_second, self.clock = per_second, clock
        self._windows: dict[str, tuple[int, int]] = {}  # session -> (second, requests in it)

    def take(self, key: str) -> None:
        """Count one request; raises TooManyRequests past the limit."""
        second = int(self.clock())
        start, count = self._windows.get(key, (second, 0))
        count = count if start == second else 0
        if count >= self.per_second:
            raise TooManyRequests(f"at most {self.per_second} requests a second; batch the changes")
        if len(self._windows) > 10_000:  # forget finished windows
            self._windows = {k: v for k, v in self._windows.items() if v[0] == second}
        self._windows[key] = (second, count + 1)


RATE = RateLimit(per_second=20)


def ingest_url(request: Request, session_id: str) -> str:
    base = request.app.state.settings.public_url or str(request.base_url)
    return f"{base.rstrip('/')}/api/sessions/{session_id}/ingest"


@router.post("/sessions/{session_id}/ingest-key", status_code=status.HTTP_201_CREATED, responses=refusals(409))
async def new_ingest_key(session_id: str, request: Request, engine: EngineDep) -> dict[str, Any]:
    """A new key for this session's external source, shown once; it replaces any old one."""
    token = request.cookies.get(AUTH_COOKIE)

    def work(db: Session) -> str:
        user = accounts.user_for_token(db, token)
        if user is None:
            raise Unauthorized("please log in")
        return ingest.create_key(db, sessions.session_for_facilitator(db, user, session_id), user)

    return {"key": await in_db(engine, work), "url": ingest_url(request, session_id)}


@router.post("/sessions/{session_id}/ingest", responses=refusals(400, 409, 429))
async def ingest_changes(session_id: str, body: SpeakerChanges, hub: HubDep) -> dict[str, Any]:
    """Apply a batch of speaker changes (the key was checked by the permission table)."""
    RATE.take(session_id)
    room = await hub.room(session_id)
    if room is None:
        raise NotFound("no such session")
    try:
        seq = await on_speaker_changes(room, body.changes)
    except NotLive as exc:
        raise Conflict(str(exc)) from None
    except Refused as exc:
        raise REFUSED.get(exc.code, BadInput)(exc.message) from None
    return {"accepted": len(body.changes), "seq": seq}
