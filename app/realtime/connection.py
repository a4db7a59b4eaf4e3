"""One socket: frames go out at once while the socket takes them, and wait in a bounded
queue while it does not.

Fan-out never awaits a socket, so a slow client cannot slow the room. A frame is handed
to the socket there and then; that finishes without waiting unless the socket's buffers are
full (flow control). Then a task finishes that send, and later frames wait in order behind
it. When they overflow the queue the client is disconnected at once, its unread bytes
dropped, and it gets a snapshot on reconnect (RELIABILITY.md F5).

No task waits on an idle socket: a writer task per socket, woken for every frame, cost
a task switch a frame and kept the garbage collector busy with its waits.
"""

from __future__ import annotations

import asyncio
import contextlib
import types
from collections import OrderedDict, deque
from collections.abc import Callable, Coroutine, Generator
from dataclasses import dataclass
from typing import Any

import orjson
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from app.realtime import metrics

CLOSE_ROLE = 4002  # role changed: reconnect with a new ticket (RELIABILITY.md S3)
CLOSE_REMOVED = 4003  # removed from the session by a facilitator
CLOSE_DELETED = 4004  # the member deleted their data (DOMAIN.md E9)
SEEN_IDS = 512

# A frame rendered once, as JSON, for every socket that gets it: '{"type":"person",...}'.
# Each socket puts its own n and seq in after the type (frame types are plain words).
Rendered = str
AFTER_TYPE = len('{"type":"')


def render(frame: dict[str, Any]) -> Rendered:
    """Compact JSON with the type first (orjson keeps the dict's order: it is rendered for
    every frame a room sends, so it is the fast encoder's work)."""
    return orjson.dumps({"type": frame["type"]} | frame).decode()


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
        self._max_frames = max_frames
        self._queue: deque[str | int] = deque()  # frames (and a close code) behind a send that waits
        self._finishing: asyncio.Task[None] | None = None  # finishes that send, then the queue
        self._seen: OrderedDict[str, None] = OrderedDict()

    def send(self, frame: dict[str, Any] | Rendered, seq: int) -> None:
        """Number the frame for this connection and send or queue it; never blocks."""
        if self.closed:
            return
        self.n += 1
        text = render(frame) if isinstance(frame, dict) else frame
        cut = text.index('"', AFTER_TYPE) + 1
        self._out(f'{text[:cut]},"n":{self.n},"seq":{seq}{text[cut:]}')

    def _out(self, item: str | int) -> None:
        if self._finishing is None:
            self._start(item)
        elif len(self._queue) < self._max_frames:
            self._queue.append(item)
        else:
            metrics.OVERFLOWS.inc()
            self.close(overflow=True)
            return
        if isinstance(item, str):
            metrics.FRAMES_OUT.inc()

    def _sending(self, item: str | int) -> Coroutine[Any, Any, None] | None:
        """The send of a frame, or the close with a code (None once the socket is closed)."""
        if isinstance(item, str):
            return self.ws.send_text(item)
        if self.ws.application_state is WebSocketState.CONNECTED:
            return self.ws.close(item)
        return None

    def _start(self, item: str | int) -> None:
        """Send now; if the socket makes the send wait, a task finishes it and then the queue."""
        sending = self._sending(item)
        if sending is None:
            return
        try:
            waits_on = sending.send(None)
        except StopIteration:
            return
        except Exception:  # noqa: BLE001 - one socket's failure must not stop a room's fan-out to the others
            self.closed = True
            return
        self._finishing = asyncio.get_running_loop().create_task(self._finish(sending, waits_on))

    async def _finish(self, sending: Coroutine[Any, Any, None], waits_on: Any) -> None:
        try:
            await _resume(sending, waits_on)
            while self._queue:
                if (queued := self._sending(self._queue.popleft())) is not None:
                    await queued
        except (WebSocketDisconnect, RuntimeError, OSError):
            self.closed = True
            self._queue.clear()
        finally:
            self._finishing = None

    def close(self, code: int = 1000, overflow: bool = False) -> None:
        """Close after what is queued; on overflow, drop the connection at once, unsent bytes
        and all (the client sees it cut, 1006, reconnects and gets a snapshot)."""
        if self.closed:
            return
        self.closed = True
        if overflow:
            self._queue.clear()
            self._abort()  # the send that waits may be stuck on a client that stopped reading
            return
        self._out(code)

    async def finished(self, timeout: float) -> None:
        """Wait, at most `timeout` seconds, for queued frames and the close to go out."""
        if self._finishing is not None:
            with contextlib.suppress(asyncio.TimeoutError, WebSocketDisconnect, RuntimeError, OSError):
                await asyncio.wait_for(asyncio.shield(self._finishing), timeout)

    def applied(self, client_id: str) -> bool:
        """Whether a message with this id was already applied (RELIABILITY.md O2)."""
        return client_id in self._seen

    def remember(self, client_id: str) -> None:
        self._seen[client_id] = None
        if len(self._seen) > SEEN_IDS:
            self._seen.popitem(last=False)


@types.coroutine
def _resume(coroutine: Coroutine[Any, Any, None], waits_on: Any) -> Generator[Any, Any, None]:
    """Carry on, inside the task that awaits this, a coroutine that was started by hand and
    suspended on `waits_on`: what `await` would have done had it been awaited from the start."""
    while True:
        try:
            sent = yield waits_on
        except GeneratorExit:
            coroutine.close()
            raise
        except BaseException as exc:  # noqa: BLE001 - cancelled, say: the coroutine sees it where it waits
            try:
                waits_on = coroutine.throw(exc)
            except StopIteration:
                return
        else:
            try:
                waits_on = coroutine.send(sent)
            except StopIteration:
                return
