"""The load generator of bench/load.py: one asyncio process driving a share of the rooms.

It opens each room's dashboard and member sockets (for Airtime with a single-use
ticket each), opens a socket again when the server closes it (with the pages'
backoff: 0.5 s doubling to 10 s, full jitter), and runs the load steps of
bench/load_traffic.py. The parent process steers it over a pipe: ("step", period,
warmup_s, record_s) runs one step and answers its figures; ("stop",) closes the
sockets.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import httpx
import uvloop
from websockets.exceptions import InvalidHandshake

from bench.load_socket import LeanSocket, OnText
from bench.load_traffic import Latencies, Member, Tally, dashboard_reader, member_reader

GRACE_S = 2.0  # after a step, changes still in flight may arrive this long
OPENING = 32  # sockets being opened at once
FIRST_RETRY_S, LAST_RETRY_S = 0.5, 10.0  # the pages' reconnect backoff (docs/protocol.md)


@dataclass(frozen=True)
class Seat:
    """One socket to open; `cookie` ("name=value") asks Airtime for a ticket first."""

    ws_url: str
    origin: str
    member: str | None = None  # None: the room's dashboard
    ticket_url: str | None = None
    cookie: str | None = None
    role: str | None = None


@dataclass(frozen=True)
class RoomPlan:
    dashboard: Seat
    members: list[Seat]


def no_cookie_jar() -> Any:
    """Credentials go in each request's own header: one client serves many members."""
    from http.cookiejar import CookieJar, DefaultCookiePolicy

    return CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))


class Link:
    """One seat's socket, opened again when the server closes it, as the pages do."""

    def __init__(self, gen: Generator, seat: Seat, on_text: OnText) -> None:
        self.gen, self.seat, self.on_text = gen, seat, on_text
        self.ws: LeanSocket | None = None
        self.reopened: Callable[[], None] = lambda: None

    async def open(self) -> None:
        self.ws = await self.gen.open_socket(self.seat, self.on_text, self._lost)

    def send(self, text: str) -> None:
        """Send on the current socket; while there is none the change is lost (and counted so)."""
        if self.ws is not None:
            self.ws.send(text)

    def _lost(self, code: int | None) -> None:
        self.ws = None
        if not self.gen.stopping:
            self.gen.tally.closes[code or 0] += 1
            self.gen.background(self._reopen())

    async def _reopen(self) -> None:
        delay = FIRST_RETRY_S
        while not self.gen.stopping:
            await asyncio.sleep(random.uniform(0, delay))
            try:
                await self.open()
            except (OSError, TimeoutError, httpx.HTTPError, InvalidHandshake):
                delay = min(delay * 2, LAST_RETRY_S)
                continue
            self.reopened()
            return


class Generator:
    """The sockets of this process's rooms, and the load steps run over them."""

    def __init__(self, rooms: list[RoomPlan], airtime: bool, seed: int) -> None:
        self.rooms, self.airtime, self.rng = rooms, airtime, random.Random(seed)
        self.lat, self.tally = Latencies(), Tally()
        self.links: list[Link] = []
        self.members: list[Member] = []
        self.stopping = False
        self._tasks: set[asyncio.Task[None]] = set()
        self._opening = asyncio.Semaphore(OPENING)
        self._http = httpx.AsyncClient(cookies=no_cookie_jar(), timeout=60,
                                       limits=httpx.Limits(max_connections=OPENING))  # fmt: skip

    async def connect(self) -> dict[str, Any]:
        """Open every room's dashboard, then its members; a few rooms at a time."""
        await asyncio.gather(*(self._open_room(room) for room in self.rooms))
        return {"sockets": len(self.links), "errors": dict(self.tally.errors)}

    async def _open_room(self, room: RoomPlan) -> None:
        dashboard = Link(self, room.dashboard, dashboard_reader(self.airtime, self.lat, self.tally))
        await dashboard.open()
        self.links.append(dashboard)
        for seat in room.members:
            assert seat.member is not None
            link = Link(self, seat, member_reader(self.tally))
            await link.open()
            member = Member(link, seat.member, self.airtime, self.rng)
            link.reopened = member.reconnected
            self.links.append(link)
            self.members.append(member)

    async def open_socket(self, seat: Seat, on_text: OnText, on_close: Callable[[int | None], None]) -> LeanSocket:
        async with self._opening:
            url = seat.ws_url
            if seat.ticket_url is not None:
                r = await self._http.post(seat.ticket_url, json={"as": seat.role},
                                          headers={"cookie": seat.cookie or ""})  # fmt: skip
                r.raise_for_status()
                url += f"?ticket={r.json()['ticket']}"
            return await LeanSocket.connect(url, seat.origin, on_text, on_close)

    def background(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def step(self, period: float, warmup_s: float, record_s: float) -> dict[str, Any]:
        """Drive every member for warmup_s + record_s; figures of the recorded part."""
        start, cpu = time.monotonic(), time.process_time()
        errors, frames = Counter(self.tally.errors), self.tally.frames_in
        sends, late = self.tally.sends, self.tally.late_sends
        end = start + warmup_s + record_s
        self.lat.window = (start + warmup_s, end)
        await asyncio.gather(*(m.drive(period, start, end, self.lat, self.tally) for m in self.members))
        await asyncio.sleep(GRACE_S)
        wall = time.monotonic() - start
        return self.lat.close_window() | {
            "client_cpu": (time.process_time() - cpu) / wall,
            "late_share": (self.tally.late_sends - late) / max(1, self.tally.sends - sends),
            "frames_in_per_s": (self.tally.frames_in - frames) / wall,
            "errors": dict(self.tally.errors - errors), "closes": dict(self.tally.closes),
        }  # fmt: skip

    async def close(self) -> None:
        self.stopping = True
        for task in self._tasks:
            task.cancel()
        sockets = [link.ws for link in self.links if link.ws is not None]
        for ws in sockets:
            ws.close()
        if sockets:
            await asyncio.wait([ws.closed for ws in sockets], timeout=10)
        await self._http.aclose()

    async def serve(self, pipe: Connection) -> None:
        pipe.send(await self.connect())
        while (command := await asyncio.to_thread(pipe.recv))[0] == "step":
            pipe.send(await self.step(*command[1:]))
        await self.close()
        pipe.send({"stopped": True})


async def _serve(rooms: list[RoomPlan], airtime: bool, seed: int, pipe: Connection) -> None:
    await Generator(rooms, airtime, seed).serve(pipe)  # made inside the loop it runs on


def run_generator(rooms: list[RoomPlan], airtime: bool, seed: int, pipe: Connection) -> None:
    """A generator process's entry point: a failure is reported to the parent, not lost."""
    try:
        uvloop.run(_serve(rooms, airtime, seed, pipe))
    except BaseException as exc:
        pipe.send({"failed": f"{type(exc).__name__}: {exc}"})
        raise
