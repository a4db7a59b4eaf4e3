"""The Redis backend of the broker: one Redis Stream per live session.

Entry ids are `{seq}-0`, so Redis itself refuses an entry that is not after the
stream's last one, and replay is a range read. Streams keep the last `window`
entries and expire a day after their last entry. Each subscription reads its
stream with a blocking XREAD on its own connection and, when Redis goes away,
retries with backoff from the last entry it delivered, so nothing in the window
is skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import AsyncIterator
from typing import Any

from redis import asyncio as aioredis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from app.realtime import metrics
from app.realtime.broker import Broker, BrokerDown, Entry, EntryRefused, Subscription, contiguous

log = logging.getLogger("airtime.broker")
KEEP_S = 24 * 3600  # an idle session's stream expires a day after its last entry
BLOCK_MS = 5000
PUBLISH_TRIES = 8  # about 5 s of backoff in all
# Take the lease if it is free, or renew it if it is ours; atomically.
LEASE_SCRIPT = """
local current = redis.call('GET', KEYS[1])
if current == false or current == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
"""
ANNOUNCEMENTS = "airtime:announcements"
PING_TIMEOUT_S = 1.0
MISSED_PINGS = 2  # in a row, before Redis is taken to be away: one can be a busy event loop's
READERS = 10_000  # blocking stream reads a worker may hold at once: one per session it holds
CONNECT_TIMEOUT_S = 5.0  # a busy event loop can take a second to see a connection made
FIRST_RETRY_S = 0.1
DOWN = (RedisConnectionError, RedisTimeoutError, OSError)


def _key(topic: str) -> str:
    return f"airtime:session:{topic}"


def _entry(fields: tuple[bytes, dict[bytes, bytes]]) -> Entry:
    entry_id, values = fields
    return Entry(int(entry_id.split(b"-", 1)[0]), values[b"d"])


class RedisBroker(Broker):
    shares_heard = True

    def __init__(self, url: str, window: int = 2048) -> None:
        self._redis = aioredis.from_url(url, socket_keepalive=True, health_check_interval=15,
                                        socket_connect_timeout=CONNECT_TIMEOUT_S)  # fmt: skip
        # Each subscribed session's blocking stream read holds a connection for up to BLOCK_MS.
        # They have a pool of their own: sharing the commands' pool (100 connections), a worker
        # holding a hundred sessions had none left to ping or publish with, and went degraded.
        self._readers = aioredis.from_url(url, socket_keepalive=True, health_check_interval=15,
                                          socket_connect_timeout=CONNECT_TIMEOUT_S,
                                          max_connections=READERS)  # fmt: skip
        self._window = window
        self._up = True  # set by healthy(): while Redis is known to be away, publish fails fast
        self._missed = 0  # pings missed in a row
        self._last: dict[str, int] = {}  # the newest seq this process has seen per topic
        self.reconnects = 0

    async def publish(self, topic: str, entry: Entry) -> None:
        """Append, retrying with backoff while Redis is briefly away (a restart, a failover);
        BrokerDown once it has been away too long, or at once while it is known to be away."""
        delay = 0.05
        for attempt in range(PUBLISH_TRIES):
            try:
                if not self._up:
                    raise BrokerDown("Redis is unreachable")
                await self._append(topic, entry)
                break
            except DOWN as exc:
                if attempt == PUBLISH_TRIES - 1:
                    raise BrokerDown("Redis is unreachable") from exc
                self.reconnects += 1
                metrics.BROKER_RECONNECTS.inc()
                await asyncio.sleep(random.uniform(0, delay))
                delay = min(delay * 2, 2.0)
            except ResponseError as exc:
                if "equal or smaller" not in str(exc):
                    raise
                # A retry after a lost reply finds its own entry already there: that is success.
                if not await self._holds(topic, entry):
                    raise EntryRefused(f"the stream is past seq {entry.seq}") from exc
                break
        self._last[topic] = max(self._last.get(topic, 0), entry.seq)

    async def _append(self, topic: str, entry: Entry) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.xadd(_key(topic), {"d": entry.data}, id=f"{entry.seq}-0", maxlen=self._window, approximate=False)
            pipe.expire(_key(topic), KEEP_S)
            await pipe.execute()

    async def _holds(self, topic: str, entry: Entry) -> bool:
        found: Any = await self._redis.xrange(_key(topic), f"{entry.seq}-0", f"{entry.seq}-0")
        return bool(found) and _entry(found[0]) == entry

    async def read_after(self, topic: str, seq: int) -> list[Entry] | None:
        try:
            after: Any = await self._redis.xrange(_key(topic), f"{seq + 1}-0", "+")
        except DOWN as exc:
            raise BrokerDown("Redis is unreachable") from exc
        return contiguous([_entry(item) for item in after], seq)

    async def healthy(self) -> bool:
        """Whether Redis answers; away only after MISSED_PINGS in a row, since a worker whose
        event loop is busy misses a ping's deadline too, and going degraded (re-reading the
        store, then a snapshot for every socket) would only make it busier."""
        try:
            answered = bool(await asyncio.wait_for(self._redis.ping(), PING_TIMEOUT_S))
        except (TimeoutError, *DOWN):
            answered = False
        self._missed = 0 if answered else self._missed + 1
        self._up = self._missed < MISSED_PINGS
        return self._up

    async def lease(self, topic: str, holder: str, ttl_ms: int) -> bool:
        """SET NX with an expiry; the holder renews it, anyone takes it once it lapses."""
        try:
            taken = await self._redis.eval(LEASE_SCRIPT, 1, f"airtime:lease:{topic}", holder, ttl_ms)
        except DOWN:
            return False  # nobody can be sure of the lease while Redis is away; retry next tick
        return bool(taken)

    async def share_heard(self, topic: str, person: str, wall: float) -> bool:
        key = f"airtime:heard:{topic}"
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                pipe.hset(key, person, repr(wall))
                pipe.expire(key, KEEP_S)
                await pipe.execute()
        except DOWN:
            return False
        return True

    async def shared_heard(self, topic: str) -> dict[str, float]:
        try:
            raw: Any = await self._redis.hgetall(f"airtime:heard:{topic}")
        except DOWN:
            return {}  # nothing is closed on a guess while Redis is away
        return {person.decode(): float(wall) for person, wall in raw.items()}

    def subscribe(self, topic: str) -> Subscription:
        return _RedisSubscription(self, topic, self._last.get(topic, 0))

    async def announce(self, message: str) -> bool:
        try:
            await self._redis.publish(ANNOUNCEMENTS, message)
        except DOWN:
            return False
        return True

    async def announcements(self) -> AsyncIterator[str]:
        """Redis pub/sub, subscribed again after an outage (what was said meanwhile is lost:
        announcements are for the workers that are up to hear them)."""
        delay = FIRST_RETRY_S
        while True:
            pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(ANNOUNCEMENTS)
                delay = FIRST_RETRY_S
                while True:
                    message = await pubsub.get_message(timeout=BLOCK_MS / 1000)
                    if message is not None:
                        yield bytes(message["data"]).decode()
            except DOWN:
                await asyncio.sleep(random.uniform(0, delay))
                delay = min(delay * 2, 5.0)
            finally:
                with contextlib.suppress(*DOWN):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]  # redis-py leaves it untyped

    async def close(self) -> None:
        await self._redis.aclose()
        await self._readers.aclose()


class _RedisSubscription(Subscription):
    """Entries after `since`; subscribers skip any seq they already have (the room does)."""

    def __init__(self, broker: RedisBroker, topic: str, since: int) -> None:
        self._broker, self._topic = broker, topic
        self._cursor = f"{since}-0"
        self._buffer: list[Entry] = []
        self._closed = False
        self._reading: asyncio.Task[list[Entry]] | None = None

    async def __anext__(self) -> Entry:
        delay = FIRST_RETRY_S
        while not self._buffer:
            if self._closed:
                raise StopAsyncIteration
            try:
                self._reading = asyncio.create_task(self._read())
                self._buffer = await self._reading
                delay = FIRST_RETRY_S
            except asyncio.CancelledError:
                if self._closed:
                    raise StopAsyncIteration from None
                raise
            except DOWN:
                self._broker.reconnects += 1
                metrics.BROKER_RECONNECTS.inc()
                if delay == FIRST_RETRY_S:  # once per outage, not once per retry
                    log.warning("the broker's Redis is unreachable; retrying")
                await asyncio.sleep(random.uniform(0, delay))  # full jitter
                delay = min(delay * 2, 5.0)
        entry = self._buffer.pop(0)
        self._broker._last[self._topic] = max(self._broker._last.get(self._topic, 0), entry.seq)
        return entry

    async def _read(self) -> list[Entry]:
        answer: Any = await self._broker._readers.xread({_key(self._topic): self._cursor}, block=BLOCK_MS, count=500)
        entries = [item for _, items in answer for item in items]
        if entries:
            self._cursor = entries[-1][0].decode()
        return [_entry(item) for item in entries]

    async def close(self) -> None:
        self._closed = True
        if self._reading is not None and not self._reading.done():
            self._reading.cancel()
            with contextlib.suppress(asyncio.CancelledError, *DOWN):
                await self._reading
