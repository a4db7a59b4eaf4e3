"""The session WebSocket: authenticate, then read, check and dispatch each message."""

from __future__ import annotations

import logging
import time
from urllib.parse import urlsplit

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from app.api.deps import in_db
from app.realtime import messages as m
from app.realtime import transport
from app.realtime.actions import HANDLERS, Refused
from app.realtime.connection import Connection, Viewer
from app.realtime.limits import CLOSE_ABUSE, Bucket
from app.realtime.permissions import may_send
from app.realtime.room import NotLive, Room
from app.services.sessions import redeem_ticket
from app.settings import Settings

router = APIRouter()
MAX_SOCKETS_PER_PERSON = 5  # a phone, a laptop, and reconnects overlapping the old socket (F6)
log = logging.getLogger("airtime.ws")
CLOSE_POLICY = 1008


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
    transport.limit_send_buffer(ws, app.state.settings.socket_send_buffer_kib)
    conn = Connection(ws, Viewer(ticket.person_id, ticket.role, ticket.principal),
                      app.state.settings.socket_queue_frames, abort=lambda: transport.abort(ws))  # fmt: skip
    bucket = Bucket()
    try:
        if room.sockets_of(ticket.person_id) >= MAX_SOCKETS_PER_PERSON:
            conn.close(CLOSE_ABUSE)  # S4: one person cannot open sockets without end
            return
        await room.connected(conn, resume_from(ws.query_params.get("after")))
        while not conn.closed:
            message = await ws.receive()
            if message["type"] == "websocket.disconnect":
                break
            wait = bucket.take(time.monotonic())
            if wait is not None:
                refuse_for_rate(room, conn, bucket, wait)
                continue
            room.heard(conn.viewer.person_id)
            await handle(room, conn, message.get("text") or message.get("bytes") or b"")
    except (WebSocketDisconnect, NotLive, RuntimeError):
        pass
    finally:
        await room.disconnected(conn)
        conn.close(1000)
        await conn.finished(timeout=5)


def resume_from(after: str | None) -> int | None:
    """The last seq a reconnecting client saw (RELIABILITY.md O1); anything else gets a snapshot."""
    if after is None or not (after.isascii() and after.isdigit()) or len(after) > 18:
        return None
    return int(after)


def refuse_for_rate(room: Room, conn: Connection, bucket: Bucket, wait: float) -> None:
    """S4: an error frame with a retry hint; a socket that keeps on is closed."""
    if bucket.abusive:
        conn.close(CLOSE_ABUSE)
        return
    conn.send({"type": "error", "code": "rate_limited", "message": "too many messages; slow down",
               "retry_after_ms": max(1, round(wait * 1000))}, room.seq)  # fmt: skip


async def handle(room: Room, conn: Connection, text: str | bytes) -> None:
    """Parse, authorise and apply one client message; errors become `error` frames."""
    ref: str | None = None
    try:
        msg = m.parse(text)
        ref = msg.id
        if not may_send(conn.viewer.role, msg.type):
            raise Refused("forbidden", f"{conn.viewer.role}s cannot send {msg.type} messages")
        if ref is not None and conn.applied(ref):
            conn.send({"type": "ack", "id": ref}, room.seq)
            return
        await HANDLERS[msg.type](room, conn, msg)
        if ref is not None:
            conn.remember(ref)  # only what was applied: a refused message may be retried
    except m.BadMessage as exc:
        conn.send({"type": "error", "code": exc.code, "message": exc.message, "id": exc.ref}, room.seq)
        return
    except Refused as exc:
        conn.send({"type": "error", "code": exc.code, "message": exc.message, "id": ref}, room.seq)
        return
    except NotLive as exc:
        conn.send({"type": "error", "code": "not_live", "message": str(exc), "id": ref}, room.seq)
        return
    except Exception:  # never lose the socket over one message; say so and log why
        log.exception("a socket message failed")
        conn.send({"type": "error", "code": "server_error",
                   "message": "that could not be done just now; please try again", "id": ref},
                  room.seq)  # fmt: skip
        return
    if ref is not None:
        conn.send({"type": "ack", "id": ref}, room.seq)
