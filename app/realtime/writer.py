"""Group commit: the events that rooms accept at the same moment are stored in one
transaction, and each room is told once its own are stored.

Storing each event in a transaction of its own (and a thread hop of its own) was the
largest cost per event under load. On SQLite the transaction is made at once, on the event
loop, when it can be (RoomStore.store_at_once); otherwise, and on PostgreSQL, in a thread.
Nothing is acknowledged before its transaction has
committed, as before (RELIABILITY.md F4). When a batch is refused, because another worker
took one of its sequence numbers, each request is stored on its own, so only the request
that lost the race sees the refusal and stamps again.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from app.domain.events import Event
from app.models.sessions import SessionState
from app.realtime.store import Append, RoomStore

log = logging.getLogger("airtime.writer")


@dataclass
class _Request:
    append: Append
    done: asyncio.Future[None] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class EventWriter:
    def __init__(self, store: RoomStore) -> None:
        self.store = store
        self._waiting: list[_Request] = []
        self._flushing: asyncio.Task[None] | None = None
        self._checkpointing: asyncio.Task[None] | None = None
        self._held: asyncio.Future[None] | None = None  # set while nothing may be committed
        # A commit was made at once in this turn of the event loop: the requests that follow
        # in the same turn (a busy worker reads many messages a turn) make one group commit.
        self._busy = False

    async def append(self, session_id: str, events: list[Event], state: SessionState | None,
                     epoch: float | None) -> None:  # fmt: skip
        """Store these events (and a state change); returns once they are committed."""
        append = Append(session_id, events, state, epoch)
        if self._alone() and self.store.store_at_once([append]):
            # Committed with no wait (SQLite, nothing else being written); while commits wait
            # for a thread or a checkpoint, requests join the next group commit instead.
            self._committed()
            self._busy = True  # until this turn of the event loop is over
            asyncio.get_running_loop().call_soon(self._turn_over)
            return
        request = _Request(append)
        self._waiting.append(request)
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.create_task(self._flush())
        await asyncio.shield(request.done)  # a cancelled caller must not unstore a batch

    def _alone(self) -> bool:
        return not self._busy and not self._waiting and self._held is None

    def _turn_over(self) -> None:
        self._busy = False

    async def _flush(self) -> None:
        while self._waiting:
            if self._held is not None:
                await asyncio.shield(self._held)
            batch, self._waiting = self._waiting, []
            appends = [r.append for r in batch]
            if self.store.store_at_once(appends):
                for request in batch:
                    request.done.set_result(None)
                self._committed()
                continue
            failures: list[BaseException | None]
            try:
                failures = await asyncio.to_thread(self.store.append_all, appends)
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

    def _committed(self) -> None:
        """After a commit made at once: checkpoint SQLite's write-ahead log now and then."""
        if self.store.checkpoint_due and self._checkpointing is None:
            self._checkpointing = asyncio.create_task(self._checkpoint())

    async def _checkpoint(self) -> None:
        """Copy the log into the database alongside commits, then copy what they added with
        commits held (under a millisecond), so that the checkpoint catches up with the log and
        the next commit starts it again from its beginning. One that only ran alongside
        commits never caught up, and the log grew without end; one that held commits
        throughout held them for ten milliseconds."""
        try:
            await asyncio.to_thread(self.store.checkpoint)
            self._held = asyncio.get_running_loop().create_future()
            try:
                await asyncio.to_thread(self.store.checkpoint)
            finally:
                self._held.set_result(None)
                self._held = None
        except Exception:  # the log is checkpointed again after the next commits
            log.exception("could not checkpoint the write-ahead log")
        finally:
            self._checkpointing = None
