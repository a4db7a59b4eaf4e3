from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.support.clients import close_opened
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
