from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.support.clients import close_opened
from tests.support.redis import RedisServer
from tests.support.server import LiveServer


@pytest.fixture(autouse=True)
async def tracked() -> AsyncIterator[None]:
    yield
    await close_opened()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path / "data", AIRTIME_LEAVE_GRACE_S="2").start()
    yield live
    live.stop()


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis").start()
    yield server
    server.stop()


@pytest.fixture
def workers(tmp_path: Path, redis: RedisServer) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Two workers over one redis-server and one SQLite file (a module may define its own)."""
    env = {"AIRTIME_BROKER_URL": redis.url, "AIRTIME_HEARTBEAT_TIMEOUT_S": "2", "AIRTIME_LEAVE_GRACE_S": "30"}
    first = LiveServer(tmp_path / "data", **env).start()
    second = LiveServer(tmp_path / "data", **env).start()
    yield first, second
    second.stop()
    first.stop()
