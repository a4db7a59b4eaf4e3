"""The per-process hub: live rooms by session, loaded on first use."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable

from app.realtime.broker import Broker
from app.realtime.room import Room, RoomTimings
from app.realtime.store import RoomStore
from app.realtime.writer import EventWriter

BROKER_CHECK_S = 1.0
GOING_AWAY_S = 3.0
log = logging.getLogger("airtime.hub")


class Hub:
    def __init__(self, store: RoomStore, broker: Broker, timings: RoomTimings,
                 clock: Callable[[], float] = time.time) -> None:  # fmt: skip
        self.store, self.broker, self.timings, self.clock = store, broker, timings, clock
        self._rooms: dict[str, Room] = {}
        self.writer = EventWriter(store)
        self._lock = asyncio.Lock()
        self.broker_up = True
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        """Watch the broker, so rooms go to and come back from the degraded mode (F4), and
        listen to what other workers announce."""
        self._tasks = [asyncio.create_task(self._watch_broker()), asyncio.create_task(self._listen())]

    async def _listen(self) -> None:
        async for message in self.broker.announcements():
            try:
                said = json.loads(message)
                self.close_principal(str(said["close"]))
            except (ValueError, KeyError, TypeError):
                log.warning("an announcement could not be understood")

    async def close_principal_everywhere(self, principal: str) -> None:
        """Close every socket opened with a credential on every worker, e.g. after logout
        (RELIABILITY.md S3); on this one at least, when the broker is away."""
        if not await self.broker.announce(json.dumps({"close": principal})):
            self.close_principal(principal)

    async def _watch_broker(self) -> None:
        while True:
            await asyncio.sleep(BROKER_CHECK_S)
            up = await self.broker.healthy()
            if up != self.broker_up:
                log.warning("the broker is %s", "back" if up else "unreachable: live updates are degraded")
            self.broker_up = up
            if up:
                await self._let_go()
            for room in list(self._rooms.values()):
                try:
                    if up:
                        await room.broker_back()  # a no-op unless the room was degraded
                    else:
                        room.broker_down()
                except Exception:  # one room's trouble must not stop the watch
                    log.exception("a room could not change its broker mode")

    async def room(self, session_id: str) -> Room | None:
        """The session's room, folding its stored log on first use; None if no such session."""
        room = self._rooms.get(session_id)
        if room is not None:
            room.used = self.clock()
            return room
        async with self._lock:
            room = self._rooms.get(session_id)
            if room is None:
                await self._unload_idle()
                info = await asyncio.to_thread(self.store.info, session_id)
                if info is None:
                    return None
                room = Room(info, self.store, self.broker, self.timings, self.clock, self.writer)
                room.degraded = not self.broker_up
                await room.open()
                self._rooms[session_id] = room
            return room

    async def _unload_idle(self) -> None:
        for sid, idle in [(sid, r) for sid, r in self._rooms.items() if r.idle]:
            await self._unload(sid, idle)

    async def _unload(self, session_id: str, room: Room) -> None:
        del self._rooms[session_id]
        await room.close()
        self.broker.forget(session_id)

    async def _let_go(self) -> None:
        """Unload the live rooms another worker serves alone (Room.unused): a worker that served
        a session's REST calls would otherwise go on applying every event of it. Each loads
        again when next used here."""
        for sid, room in list(self._rooms.items()):
            try:
                if not room.unused() or not await room.heard_elsewhere_lately():
                    continue
                # Checked again with no wait before the room leaves the map: a socket or request
                # that took the room meanwhile marked it used, and later ones load a fresh room.
                if self._rooms.get(sid) is room and room.unused():
                    await self._unload(sid, room)
            except Exception:  # one room's trouble must not stop the watch
                log.exception("a room could not be let go")

    def room_count(self) -> int:
        return len(self._rooms)

    def socket_count(self) -> int:
        """Open session sockets on this worker (the metrics' gauge)."""
        return sum(len(room.connections) for room in self._rooms.values())

    def loaded(self, session_id: str) -> Room | None:
        return self._rooms.get(session_id)

    def close_principal(self, principal: str) -> None:
        """Close every socket opened with a credential, e.g. after logout (RELIABILITY.md S3)."""
        for room in self._rooms.values():
            for conn in list(room.connections):
                if conn.viewer.principal == principal:
                    conn.close(4001)

    async def going_away(self, timeout: float = GOING_AWAY_S) -> None:
        """Before the server stops (F2): end this worker's device turns exactly, close every socket
        with 1001, and give the sockets a moment to say goodbye."""
        for room in list(self._rooms.values()):
            try:
                await room.going_away()
            except Exception:  # one room's trouble must not keep the others' sockets open
                log.exception("a room could not stop gracefully")
        deadline = time.monotonic() + timeout
        while self.socket_count() and time.monotonic() < deadline:
            await asyncio.sleep(0.05)

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        async with self._lock:
            rooms, self._rooms = list(self._rooms.values()), {}
        for room in rooms:
            await room.close()
        await self.broker.close()
