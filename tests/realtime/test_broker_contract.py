"""The broker contract, run against every backend: in memory, and a real redis-server."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator, Callable, Iterator

import pytest

from app.realtime.broker import (
    Broker,
    BrokerDown,
    Entry,
    EntryRefused,
    MemoryBroker,
    broker_from_url,
)
from app.realtime.redis_broker import RedisBroker
from tests.support.redis import RedisServer

BACKENDS = ("memory", "redis")


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture(params=BACKENDS)
async def make_broker(request: pytest.FixtureRequest, redis_server: RedisServer
                      ) -> AsyncIterator[Callable[[int], Broker]]:  # fmt: skip
    made: list[Broker] = []
    redis_server.flush()

    def make(window: int = 64) -> Broker:
        broker = MemoryBroker(window=window) if request.param == "memory" else RedisBroker(redis_server.url, window)
        made.append(broker)
        return broker

    yield make
    for broker in made:
        await broker.close()


def entry(seq: int) -> Entry:
    return Entry(seq, f"event {seq}".encode())


async def take(subscription: AsyncIterator[Entry], count: int, timeout: float = 2) -> list[Entry]:
    return [await asyncio.wait_for(anext(subscription), timeout) for _ in range(count)]


async def test_subscribers_get_every_entry_in_order(make_broker: Callable[[int], Broker]) -> None:
    broker = make_broker(64)
    first, second = broker.subscribe("s1"), broker.subscribe("s1")
    for seq in range(1, 21):
        await broker.publish("s1", entry(seq))
    assert [e.seq for e in await take(first, 20)] == list(range(1, 21))
    assert await take(second, 20) == [entry(seq) for seq in range(1, 21)]
    await first.close()
    await second.close()


async def test_sessions_never_leak_into_each_other(make_broker: Callable[[int], Broker]) -> None:
    broker = make_broker(64)
    a, b = broker.subscribe("session-a"), broker.subscribe("session-b")
    await broker.publish("session-b", entry(1))
    await broker.publish("session-a", Entry(1, b"for a"))
    assert await take(a, 1) == [Entry(1, b"for a")]
    assert await take(b, 1) == [entry(1)]
    await a.close()
    await b.close()


async def test_read_after_replays_what_was_missed(make_broker: Callable[[int], Broker]) -> None:
    broker = make_broker(64)
    for seq in range(1, 11):
        await broker.publish("s1", entry(seq))
    assert await broker.read_after("s1", 7) == [entry(8), entry(9), entry(10)]
    assert await broker.read_after("s1", 10) == []
    assert await broker.read_after("never-used", 0) == []


async def test_read_after_says_when_entries_left_the_window(make_broker: Callable[[int], Broker]) -> None:
    broker = make_broker(4)
    for seq in range(1, 11):
        await broker.publish("s1", entry(seq))
    assert await broker.read_after("s1", 2) is None  # 3..6 are gone: the client needs a snapshot
    assert await broker.read_after("s1", 6) == [entry(7), entry(8), entry(9), entry(10)]


async def test_read_after_says_when_entries_never_reached_it(make_broker: Callable[[int], Broker]) -> None:
    """Entries stored while the broker was away were never published: a reader after them
    learns that it must read the store (RELIABILITY.md F4)."""
    broker = make_broker(64)
    for seq in (1, 2, 5):
        await broker.publish("s1", entry(seq))
    assert await broker.read_after("s1", 2) is None
    assert await broker.read_after("s1", 4) == [entry(5)]


async def test_announcements_reach_every_worker(make_broker: Callable[[int], Broker]) -> None:
    """What is not any session's (a logout) reaches every worker's hub, the sender's too."""
    one = make_broker(64)
    other = one if isinstance(one, MemoryBroker) else make_broker(64)  # two workers' connections
    heard_here, heard_there = one.announcements(), other.announcements()
    waiting = [asyncio.ensure_future(anext(heard_here)), asyncio.ensure_future(anext(heard_there))]
    await asyncio.sleep(0.2)  # both are listening
    assert await one.announce('{"close": "u_1"}')
    assert [await asyncio.wait_for(w, 2) for w in waiting] == ['{"close": "u_1"}'] * 2
    await heard_here.aclose()
    await heard_there.aclose()


async def test_closing_a_subscription_ends_it(make_broker: Callable[[int], Broker]) -> None:
    broker = make_broker(64)
    subscription = broker.subscribe("s1")
    await subscription.close()
    await broker.publish("s1", entry(1))
    with pytest.raises(StopAsyncIteration):
        await asyncio.wait_for(anext(subscription), 2)


def test_backend_is_chosen_by_url() -> None:
    assert isinstance(broker_from_url("memory://"), MemoryBroker)
    assert isinstance(broker_from_url("redis://127.0.0.1:1/0"), RedisBroker)
    with pytest.raises(ValueError, match="unknown broker"):
        broker_from_url("kafka://somewhere")


async def test_redis_refuses_a_second_entry_with_the_same_seq(redis_server: RedisServer) -> None:
    """Two workers can never both append the same sequence number to a session (in one
    process the room's write lock is the only writer, so the memory backend needs no check)."""
    redis_server.flush()
    broker = RedisBroker(redis_server.url, 64)
    await broker.publish("s1", entry(1))
    await broker.publish("s1", entry(1))  # the same entry again (a retry after a lost reply) is fine
    with pytest.raises(EntryRefused, match="past seq 1"):
        await broker.publish("s1", Entry(1, b"another worker's entry"))
    assert await broker.read_after("s1", 0) == [entry(1)]
    await broker.close()


async def test_a_subscriber_rides_out_a_redis_restart(redis_server: RedisServer) -> None:
    redis_server.flush()
    broker = RedisBroker(redis_server.url, 64)
    subscription = broker.subscribe("s1")
    await broker.publish("s1", entry(1))
    assert await take(subscription, 1) == [entry(1)]
    redis_server.stop()
    redis_server.start_again()
    await broker.publish("s1", entry(2))
    assert await take(subscription, 1, timeout=15) == [entry(2)]
    assert broker.reconnects >= 1
    await subscription.close()
    await broker.close()


async def test_one_worker_holds_a_sessions_timed_work_until_it_stops_renewing(redis_server: RedisServer) -> None:
    """Timed work (ticks for prompts and hands) is done by one worker, and by another once it dies."""
    redis_server.flush()
    first, second = RedisBroker(redis_server.url), RedisBroker(redis_server.url)
    assert await first.lease("s1", "worker-1", 300)
    assert not await second.lease("s1", "worker-2", 300)
    assert await first.lease("s1", "worker-1", 300)  # renewed by its holder
    assert await second.lease("s2", "worker-2", 300)  # another session, another holder
    await asyncio.sleep(0.4)  # worker-1 stopped renewing: it died
    assert await second.lease("s1", "worker-2", 300)
    assert not await first.lease("s1", "worker-1", 300)
    assert await MemoryBroker().lease("s1", "anyone", 300)  # one process holds every lease
    await first.close()
    await second.close()


async def test_one_missed_ping_is_a_busy_moment_two_are_an_outage(redis_server: RedisServer) -> None:
    """A worker whose event loop is busy misses a ping's deadline too; only two misses in a row
    take the rooms to the degraded mode (F4). Here redis-server is paused to miss them."""
    broker = RedisBroker(redis_server.url, 64)
    assert await broker.healthy()
    assert redis_server.process is not None
    redis_server.process.send_signal(signal.SIGSTOP)
    try:
        assert await broker.healthy()
        assert not await broker.healthy()
        with pytest.raises(BrokerDown):  # while it is known to be away, publishing fails at once
            await broker.publish("s1", entry(1))
    finally:
        redis_server.process.send_signal(signal.SIGCONT)
    assert await broker.healthy()
    await broker.close()


async def test_a_worker_holding_many_sessions_can_still_publish(redis_server: RedisServer) -> None:
    """Every subscribed session's stream read blocks on a connection of its own; they must not
    take the connections that pings and publishing need (redis-py pools 100 by default)."""
    redis_server.flush()
    broker = RedisBroker(redis_server.url, 64)
    subscriptions = [broker.subscribe(f"s{n}") for n in range(150)]
    reads = [asyncio.ensure_future(anext(sub)) for sub in subscriptions]
    await asyncio.sleep(1)  # every read is waiting on Redis now
    assert await broker.healthy() and await broker.healthy()
    await broker.publish("s149", entry(1))
    assert await asyncio.wait_for(reads[149], 5) == entry(1)
    for sub in subscriptions:
        await sub.close()
    await asyncio.gather(*reads[:149], return_exceptions=True)
    await broker.close()
