"""The broker: one ordered, resumable log per live session, shared by workers.

Every event goes through the broker, even in one process (the memory backend
loops back), so there is one delivery path. Entries carry the session's sequence
numbers; a subscriber can read back what it missed while the entries are still
in the replay window, and learns when they are not.
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass


class BrokerDown(Exception):
    """The broker cannot be reached just now (Redis is away); the store still holds every event."""


class EntryRefused(Exception):
    """The topic already holds a later entry than the one published."""


@dataclass(frozen=True, slots=True)
class Entry:
    seq: int
    data: bytes


class Subscription(ABC):
    """An async iterator of entries, registered when created; close() ends it."""

    def __aiter__(self) -> AsyncIterator[Entry]:
        return self

    @abstractmethod
    async def __anext__(self) -> Entry: ...

    @abstractmethod
    async def close(self) -> None: ...


class Broker(ABC):
    """Per-topic ordered logs. Topics are session ids."""

    shares_heard = False  # whether share_heard tells other workers anything (one process: no)

    @abstractmethod
    async def publish(self, topic: str, entry: Entry) -> None:
        """Append an entry after the topic's last one; BrokerDown if the broker is away."""

    @abstractmethod
    async def read_after(self, topic: str, seq: int) -> list[Entry] | None:
        """Entries after seq, oldest first; None if some of them are not in the window."""

    @abstractmethod
    def subscribe(self, topic: str) -> Subscription:
        """Entries published from the moment of this call on, in order.

        A backend may also deliver earlier entries still in its window (Redis starts
        from the last entry this process saw); subscribers skip a seq they already have."""

    async def lease(self, topic: str, holder: str, ttl_ms: int) -> bool:
        """Whether `holder` does the topic's timed work for the next ttl_ms (taken or renewed).

        One process holds every lease; backends shared by workers give it to one of them,
        and to another once the holder stops renewing (it died)."""
        return True

    async def share_heard(self, topic: str, person: str, wall: float) -> bool:
        """Note when this worker last heard from someone's device, for the other workers
        (one process knows it already); False if it could not be noted just now."""
        return True

    async def shared_heard(self, topic: str) -> dict[str, float]:
        """When each device of the topic was last heard, by whichever worker heard it."""
        return {}

    @abstractmethod
    async def announce(self, message: str) -> bool:
        """Tell every worker, this one included, something that is not part of any session's
        log (a logout); False if it could not be sent just now."""

    @abstractmethod
    def announcements(self) -> AsyncIterator[str]:
        """What is announced from now on, by any worker, for as long as the process runs."""

    async def healthy(self) -> bool:
        """Whether the broker answers now (one process: always)."""
        return True

    async def close(self) -> None:
        """Release connections."""

    def forget(self, topic: str) -> None:
        """This process no longer needs the topic's replay window (the session ended)."""


class MemoryBroker(Broker):
    """One process: a bounded replay window and an asyncio queue per subscriber."""

    def __init__(self, window: int = 2048) -> None:
        self._window = window
        # (seq, data) tuples, not entries: the garbage collector stops tracking plain tuples
        # of ints and bytes, so a full window adds nothing to its pauses.
        self._logs: dict[str, deque[tuple[int, bytes]]] = {}
        self._subscribers: dict[str, set[asyncio.Queue[Entry]]] = {}
        self._listeners: set[asyncio.Queue[str]] = set()

    async def publish(self, topic: str, entry: Entry) -> None:
        log = self._logs.setdefault(topic, deque(maxlen=self._window))
        log.append((entry.seq, entry.data))
        for queue in self._subscribers.get(topic, ()):
            queue.put_nowait(entry)  # the subscriber is the hub's own pump: it never stalls

    async def read_after(self, topic: str, seq: int) -> list[Entry] | None:
        return contiguous([Entry(*kept) for kept in self._logs.get(topic, ()) if kept[0] > seq], seq)

    def subscribe(self, topic: str) -> Subscription:
        return _MemorySubscription(self._subscribers.setdefault(topic, set()))

    async def announce(self, message: str) -> bool:
        for queue in self._listeners:
            queue.put_nowait(message)
        return True

    async def announcements(self) -> AsyncIterator[str]:
        queue: asyncio.Queue[str] = asyncio.Queue()
        self._listeners.add(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            self._listeners.discard(queue)

    def forget(self, topic: str) -> None:
        self._logs.pop(topic, None)
        if not self._subscribers.get(topic):
            self._subscribers.pop(topic, None)


class _MemorySubscription(Subscription):
    def __init__(self, registry: set[asyncio.Queue[Entry]]) -> None:
        self._registry = registry
        self._queue: asyncio.Queue[Entry] = asyncio.Queue()
        registry.add(self._queue)

    async def __anext__(self) -> Entry:
        if self._queue not in self._registry:
            raise StopAsyncIteration
        return await self._queue.get()

    async def close(self) -> None:
        self._registry.discard(self._queue)


def contiguous(entries: list[Entry], seq: int) -> list[Entry] | None:
    """The entries after seq if they follow on from it with no gap, else None: some left the
    window, or were stored while the broker was away and never reached it (F4)."""
    if any(entry.seq != seq + i for i, entry in enumerate(entries, start=1)):
        return None
    return entries


def broker_from_url(url: str) -> Broker:
    """`memory://` (default, one process) or `redis://…` (several workers)."""
    if url.startswith("memory://"):
        return MemoryBroker()
    if url.startswith(("redis://", "rediss://")):
        from app.realtime.redis_broker import RedisBroker

        return RedisBroker(url)
    raise ValueError(f"unknown broker URL scheme in {url.split(':', 1)[0]!r}")
