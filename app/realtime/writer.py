"""Group commit: the events that rooms accept at the same moment are stored in one
transaction, off the event loop, and each room is told once its own are stored.

Storing each event in a transaction of its own (and a thread hop of its own) was the
largest cost per event under load. Nothing is acknowledged before its transaction has
committed, as before (RELIABILITY.md F4). When a batch is refused, because another worker
took one of its sequence numbers, each request is stored on its own, so only the request
that lost the race sees the refusal and stamps again.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from app.domain.events import Event
from app.models.sessions import SessionState
from app.realtime.store import Append, RoomStore


@dataclass
class _Request:
    append: Append
    done: asyncio.Future[None] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class EventWriter:
    def __init__(self, store: RoomStore) -> None:
        self.store = store
        self._waiting: list[_Request] = []
        self._flushing: asyncio.Task[None] | None = None

    async def append(self, session_id: str, events: list[Event], state: SessionState | None,
                     epoch: float | None) -> None:  # fmt: skip
        """Store these events (and a state change); returns once they are committed."""
        request = _Request(Append(session_id, events, state, epoch))
        self._waiting.append(request)
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.create_task(self._flush())
        await asyncio.shield(request.done)  # a cancelled caller must not unstore a batch

    async def _flush(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            failures: list[BaseException | None]
            try:
                failures = await asyncio.to_thread(self.store.append_all, [r.append for r in batch])
            except asyncio.CancelledError:  # shutting down: nobody is told it was stored
                for request in batch:
                    request.done.cancel()
                raise
            except Exception as exc:  # noqa: BLE001 - each caller re-raises it (the database is away)
                failures = [exc] * len(batch)
            for request, failure in zip(batch, failures, strict=True):
                if failure is None:
                    request.done.set_result(None)
                else:
                    request.done.set_exception(failure)
