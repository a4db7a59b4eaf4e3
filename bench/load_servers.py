"""The servers bench/load.py measures, and what it reads about their processes.

Airtime runs as `airtime serve` (tests/support/server.py's LiveServer): one worker
on SQLite and the in-memory broker, or several workers sharing a real redis-server
and a real PostgreSQL (tests/support/redis.py, postgres.py). The raw relay runs as
`python bench/raw_relay.py`. Memory is VmRSS from /proc/PID/status; CPU is user +
system time from /proc/PID/stat.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support.postgres import PostgresServer
from tests.support.redis import RedisServer
from tests.support.server import LiveServer, free_port

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Worker:
    """One server process under test: its address and pid."""

    url: str
    pid: int

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://")


def rss_kib(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / CLOCK_TICKS


def _worker(server: LiveServer) -> Worker:
    assert server.process is not None
    return Worker(server.url, server.process.pid)


@contextmanager
def airtime_workers(folder: Path, count: int) -> Iterator[list[Worker]]:
    """`count` Airtime processes: one on its defaults, or several over Redis and PostgreSQL."""
    with ExitStack() as stack:
        env: dict[str, str] = {}
        if count > 1:  # several workers refuse SQLite and the memory broker (RELIABILITY.md V5)
            redis = RedisServer(folder / "redis").start()
            stack.callback(redis.stop)
            postgres = PostgresServer().start()
            stack.callback(postgres.stop)
            env = {"AIRTIME_BROKER_URL": redis.url, "AIRTIME_DATABASE_URL": postgres.new_database()}
        workers = []
        for number in range(count):  # one after the other: the first one migrates the database
            server = LiveServer(folder / f"airtime-{number}")
            server.env |= env
            server.start(timeout=60)
            stack.callback(server.stop)
            workers.append(_worker(server))
        yield workers


@contextmanager
def raw_relay(folder: Path, ws: str) -> Iterator[Worker]:
    port = free_port()
    command = [sys.executable, str(Path(__file__).with_name("raw_relay.py")), "--port", str(port), "--ws", ws]
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "raw-relay.log").open("ab") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_healthy(url, process)
        yield Worker(url, process.pid)
    finally:
        process.terminate()
        process.wait(15)


def _wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise TimeoutError(f"{url}: the server did not start")
