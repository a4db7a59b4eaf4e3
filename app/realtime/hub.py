"""The per-process hub: live rooms by session, loaded on first use."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from app.realtime.broker import Broker
from app.realtime.room import Room, RoomTimings
from app.realtime.store import RoomStore


class Hub:
    def __init__(self, store: RoomStore, broker: Broker, timings: RoomTimings,
                 clock: Callable[[], float] = time.time) -> None:  # fmt: skip
        self.store, self.broker, self.timings, self.clock = store, broker, timings, clock
        self._rooms: dict[str, Room] = {}
        self._lock = asyncio.Lock()

    async def room(self, session_id: str) -> Room | None:
        """The session's room, folding its stored log on first use; None if no such session."""
        room = self._rooms.get(session_id)
        if room is not None:
            return room
        async with self._lock:
            room = self._rooms.get(session_id)
            if room is None:
                await self._unload_idle()
                info = await asyncio.to_thread(self.store.info, session_id)
                if info is None:
                    return None
                room = Room(info, self.store, self.broker, self.timings, self.clock)
                await room.open()
                self._rooms[session_id] = room
            return room

    async def _unload_idle(self) -> None:
        for sid, idle in [(sid, r) for sid, r in self._rooms.items() if r.idle]:
            del self._rooms[sid]
            await idle.close()
            self.broker.forget(sid)

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

    async def close(self) -> None:
        async with self._lock:
            rooms, self._rooms = list(self._rooms.values()), {}
        for room in rooms:
            await room.close()
        await self.broker.close()
