"""The session WebSocket: authenticate, then read, check and dispatch each message."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from app.api.deps import in_db
from app.domain.events import Kind, Source
from app.realtime import messages as m
from app.realtime.connection import Connection, Viewer
from app.realtime.permissions import may_send
from app.realtime.room import NotLive, Room, Spec
from app.services.sessions import redeem_ticket
from app.settings import Settings

router = APIRouter()
CLOSE_POLICY = 1008


class Refused(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def origin_allowed(ws: WebSocket, settings: Settings) -> bool:
    """RELIABILITY.md S1: exact match against this server's own origin and the allow-list."""
    origin = ws.headers.get("origin", "").lower()
    if not origin or origin == "null":
        return False
    scheme = "https" if ws.url.scheme == "wss" else "http"
    allowed = {f"{scheme}://{ws.headers.get('host', '')}".lower()}
    allowed |= {_origin(o) for o in settings.allowed_origins}
    if settings.public_url:
        allowed.add(_origin(settings.public_url))
    return origin in allowed


@router.websocket("/ws/sessions/{session_id}")
async def session_socket(ws: WebSocket, session_id: str) -> None:
    app = ws.app
    if not origin_allowed(ws, app.state.settings):
        await ws.close(CLOSE_POLICY, "origin not allowed")
        return
    ticket = await in_db(app.state.db, lambda db: redeem_ticket(db, session_id, ws.query_params.get("ticket")))
    room = await app.state.hub.room(session_id) if ticket is not None else None
    if ticket is None or room is None:
        await ws.close(CLOSE_POLICY, "ticket missing, used or expired")
        return
    await ws.accept()
    conn = Connection(ws, Viewer(ticket.person_id, ticket.role, ticket.principal),
                      app.state.settings.socket_queue_frames)  # fmt: skip
    writer = asyncio.create_task(conn.run_writer())
    try:
        await room.connected(conn)
        while not conn.closed:
            message = await ws.receive()
            if message["type"] == "websocket.disconnect":
                break
            room.heard(conn.viewer.person_id)
            await handle(room, conn, message.get("text") or message.get("bytes") or b"")
    except (WebSocketDisconnect, NotLive, RuntimeError):
        pass
    finally:
        await room.disconnected(conn)
        conn.close(1000)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(writer, timeout=5)


async def handle(room: Room, conn: Connection, text: str | bytes) -> None:
    """Parse, authorise and apply one client message; errors become `error` frames."""
    ref: str | None = None
    try:
        msg = m.parse(text)
        ref = msg.id
        if not may_send(conn.viewer.role, msg.type):
            raise Refused("forbidden", f"{conn.viewer.role}s cannot send {msg.type} messages")
        if ref is not None and conn.seen(ref):
            conn.send({"type": "ack", "id": ref}, room.seq)
            return
        await HANDLERS[msg.type](room, conn, msg)
    except m.BadMessage as exc:
        conn.send({"type": "error", "code": exc.code, "message": exc.message, "id": exc.ref}, room.seq)
        return
    except Refused as exc:
        conn.send({"type": "error", "code": exc.code, "message": exc.message, "id": ref}, room.seq)
        return
    except NotLive as exc:
        conn.send({"type": "error", "code": "not_live", "message": str(exc), "id": ref}, room.seq)
        return
    if ref is not None:
        conn.send({"type": "ack", "id": ref}, room.seq)


def _live(room: Room) -> None:
    if room.state.value != "live":
        raise NotLive("the session is not running")


async def _target(room: Room, conn: Connection, member: str | None, what: str) -> str:
    """Whom a message is about: members may only act for themselves (RELIABILITY.md S5)."""
    me = conn.viewer.person_id
    if member is None or member == me:
        return me
    if not conn.viewer.is_facilitator:
        raise Refused("forbidden", f"members can only change their own {what}")
    if not await room.know(member):
        raise Refused("unknown_person", "that person is not in this session")
    return member


async def on_speaking(room: Room, conn: Connection, msg: m.Speaking) -> None:
    _live(room)
    target = await _target(room, conn, msg.member, "speaking state")
    tapped = target != conn.viewer.person_id
    specs: list[Spec] = []
    if tapped and msg.on:
        # DOMAIN.md D2: tapping someone else ends the previous tapped speaker's turn.
        specs = [Spec(Kind.SPEAKING, p.id, False, Source.TAP) for p in room.engine.persons.values()
                 if p.speaking and p.seg_source is Source.TAP and p.id != target]  # fmt: skip
    source = Source.TAP if tapped else Source.DEVICE
    specs.append(Spec(Kind.SPEAKING, target, msg.on, source, ago_us=0 if tapped else msg.ago_ms * 1000))
    await room.submit(specs, actor=conn.viewer.person_id)


async def on_heartbeat(room: Room, conn: Connection, msg: m.Heartbeat) -> None:
    """Being heard is the whole point (DOMAIN.md D5); `handle` already noted it."""


async def on_hand(room: Room, conn: Connection, msg: m.Hand) -> None:
    _live(room)
    target = await _target(room, conn, msg.member, "hand")
    if target != conn.viewer.person_id and msg.raised:
        raise Refused("forbidden", "facilitators can lower a member's hand, not raise it")
    await room.submit([Spec(Kind.HAND, target, msg.raised)], actor=conn.viewer.person_id)


async def on_call(room: Room, conn: Connection, msg: m.Call) -> None:
    _live(room)
    target = await _target(room, conn, msg.member, "hand")
    await room.submit([Spec(Kind.CALL, target)], actor=conn.viewer.person_id)


async def on_lower_all(room: Room, conn: Connection, msg: m.LowerAll) -> None:
    _live(room)
    specs = [Spec(Kind.HAND, p.id, False) for p in room.engine.persons.values() if p.hand_up]
    if specs:
        await room.submit(specs, actor=conn.viewer.person_id)


async def on_listening(room: Room, conn: Connection, msg: m.Listening) -> None:
    await room.submit([Spec(Kind.LISTENING, conn.viewer.person_id, msg.on)], actor=conn.viewer.person_id)


async def on_pause(room: Room, conn: Connection, msg: m.Pause) -> None:
    await room.submit([Spec(Kind.PAUSE, conn.viewer.person_id, msg.on)], actor=conn.viewer.person_id)


async def on_session(room: Room, conn: Connection, msg: m.SessionControl) -> None:
    kind = Kind.START if msg.action == "start" else Kind.END
    await room.submit([Spec(kind)], actor=conn.viewer.person_id)


async def on_snapshot(room: Room, conn: Connection, msg: m.SnapshotRequest) -> None:
    room.fanout.snapshot(conn)


HANDLERS: dict[str, Callable[[Room, Connection, m.Message], Awaitable[None]]] = {
    "speaking": on_speaking,  # type: ignore[dict-item]
    "heartbeat": on_heartbeat,  # type: ignore[dict-item]
    "hand": on_hand,  # type: ignore[dict-item]
    "call": on_call,  # type: ignore[dict-item]
    "lower_all": on_lower_all,  # type: ignore[dict-item]
    "listening": on_listening,  # type: ignore[dict-item]
    "pause": on_pause,  # type: ignore[dict-item]
    "session": on_session,  # type: ignore[dict-item]
    "snapshot": on_snapshot,  # type: ignore[dict-item]
}
