"""One socket: a bounded outbound queue and its own writer task.

Fan-out only ever enqueues (never awaits a socket), so a slow client cannot slow
the room; when its queue overflows it is disconnected at once, its unread bytes
dropped, and it gets a snapshot on reconnect (RELIABILITY.md F5).
"""

from __future__ import annotations

import asyncio
import json
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from app.realtime import metrics

CLOSE_OVERFLOW = 1013  # "try again later": the client reconnects and resyncs
CLOSE_ROLE = 4002  # role changed: reconnect with a new ticket (RELIABILITY.md S3)
CLOSE_REMOVED = 4003  # removed from the session by a facilitator
CLOSE_DELETED = 4004  # the member deleted their data (DOMAIN.md E9)
SEEN_IDS = 512

# A frame rendered once, as JSON, for every socket that gets it: '{"type":"person",...}'.
# Each socket puts its own n and seq in after the type (frame types are plain words).
Rendered = str
AFTER_TYPE = len('{"type":"')


def render(frame: dict[str, Any]) -> Rendered:
    return json.dumps({"type": frame["type"]} | frame, separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is on the other end of a socket."""

    person_id: str
    role: str  # "facilitator", "cofacilitator" (a member leading this session) or "member"
    principal: str  # the account or member credential, to close sockets on logout (S3)

    @property
    def is_facilitator(self) -> bool:
        """Sees the facilitator view: facilitators and this session's co-facilitator."""
        return self.role in ("facilitator", "cofacilitator")


class Connection:
    def __init__(self, ws: WebSocket, viewer: Viewer, max_frames: int,
                 abort: Callable[[], None] = lambda: None) -> None:  # fmt: skip
        self.ws, self.viewer, self._abort = ws, viewer, abort
        self.n = 0
        self.closed = False
        self._queue: asyncio.Queue[str | int] = asyncio.Queue(max_frames)
        self._seen: OrderedDict[str, None] = OrderedDict()

    def send(self, frame: dict[str, Any] | Rendered, seq: int) -> None:
        """Number the frame for this connection and queue it; never blocks."""
        if self.closed:
            return
        self.n += 1
        text = render(frame) if isinstance(frame, dict) else frame
        cut = text.index('"', AFTER_TYPE) + 1
        try:
            self._queue.put_nowait(f'{text[:cut]},"n":{self.n},"seq":{seq}{text[cut:]}')
            metrics.FRAMES_OUT.inc()
        except asyncio.QueueFull:
            metrics.OVERFLOWS.inc()
            self.close(CLOSE_OVERFLOW, overflow=True)

    def close(self, code: int = 1000, overflow: bool = False) -> None:
        """Ask the writer to close after what is queued (or at once, on overflow)."""
        if self.closed:
            return
        self.closed = True
        if overflow:
            while not self._queue.empty():
                self._queue.get_nowait()
            self._abort()  # the writer may be stuck on a client that stopped reading
        try:
            self._queue.put_nowait(code)
        except asyncio.QueueFull:  # pragma: no cover - emptied above on overflow
            self._queue.get_nowait()
            self._queue.put_nowait(code)

    def applied(self, client_id: str) -> bool:
        """Whether a message with this id was already applied (RELIABILITY.md O2)."""
        return client_id in self._seen

    def remember(self, client_id: str) -> None:
        self._seen[client_id] = None
        if len(self._seen) > SEEN_IDS:
            self._seen.popitem(last=False)

    async def run_writer(self) -> None:
        """Drain the queue into the socket until asked to close."""
        try:
            while True:
                item = await self._queue.get()
                if isinstance(item, int):
                    if self.ws.application_state is WebSocketState.CONNECTED:
                        await self.ws.close(item)
                    return
                await self.ws.send_text(item)
        except (WebSocketDisconnect, RuntimeError, OSError):
            self.closed = True
