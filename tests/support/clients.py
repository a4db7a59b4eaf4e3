"""Clients that use Airtime as the pages do: REST with cookies, then a ticketed socket."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

import httpx
import websockets

PASSWORD = "a long enough password"
# Everything a test opens, closed by the `tracked` fixture after it (warnings are errors).
OPENED: list[Any] = []


def client(base: str) -> httpx.AsyncClient:
    http = httpx.AsyncClient(base_url=base)
    OPENED.append(http)
    return http


async def close_opened() -> None:
    while OPENED:
        thing = OPENED.pop()
        await (thing.close() if isinstance(thing, Socket) else thing.aclose())


@dataclass
class Facilitator:
    http: httpx.AsyncClient
    username: str
    group: dict[str, Any] = field(default_factory=dict)
    session_id: str = ""


async def setup_facilitator(base: str, username: str = "fay") -> Facilitator:
    """First account (organiser) adds a facilitator, who logs in, makes a group and a session."""
    organiser = client(base)
    if (await organiser.get("/api/setup")).json()["needs_organiser"]:
        r = await organiser.post("/api/auth/register", json={"username": "org", "password": PASSWORD})
        assert r.status_code == 201, r.text
    else:
        await organiser.post("/api/auth/login", json={"username": "org", "password": PASSWORD})
    r = await organiser.post("/api/users", json={"username": username, "password": PASSWORD})
    assert r.status_code == 201, r.text
    http = client(base)
    r = await http.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    fac = Facilitator(http, username)
    r = await http.post("/api/groups", json={"name": "Tuesday circle"})
    assert r.status_code == 201, r.text
    fac.group = r.json()
    r = await http.post(f"/api/groups/{fac.group['id']}/sessions")
    assert r.status_code == 201, r.text
    fac.session_id = r.json()["id"]
    return fac


def moved(http: httpx.AsyncClient, base: str) -> httpx.AsyncClient:
    """The same browser (its cookies), now talking to another worker."""
    other = httpx.AsyncClient(base_url=base, cookies=http.cookies)
    OPENED.append(other)
    return other


async def join_member(base: str, code: str, name: str, key: str | None = None) -> tuple[httpx.AsyncClient, dict[str, Any]]:
    http = client(base)
    r = await http.post(f"/api/invites/{code}/join",
                        json={"display_name": name, "accept": True, "member_key": key})
    assert r.status_code == 200, r.text
    return http, r.json()


class Socket:
    """A session socket that keeps every frame it receives, in order."""

    def __init__(self, ws: websockets.ClientConnection) -> None:
        self.ws = ws
        self.frames: list[dict[str, Any]] = []
        self._new = asyncio.Condition()
        self._reader = asyncio.create_task(self._read())
        self.close_code: int | None = None

    @classmethod
    async def open(cls, base_ws: str, http: httpx.AsyncClient, session_id: str,
                   role: str | None = None, origin: str | None = None, after: int | None = None,
                   ticket: str | None = None) -> Socket:  # fmt: skip
        if ticket is None:
            r = await http.post(f"/api/sessions/{session_id}/ticket", json={"as": role} if role else {})
            assert r.status_code == 200, r.text
            ticket = r.json()["ticket"]
        url = f"{base_ws}/ws/sessions/{session_id}?ticket={ticket}"
        if after is not None:  # a reconnect that resumes from the last seq it saw (O1)
            url += f"&after={after}"
        origin = origin or base_ws.replace("ws://", "http://")
        ws = await websockets.connect(url, origin=websockets.Origin(origin), compression=None)
        sock = cls(ws)
        OPENED.append(sock)
        return sock

    async def _read(self) -> None:
        try:
            async for text in self.ws:
                async with self._new:
                    self.frames.append(json.loads(text))
                    self._new.notify_all()
        except websockets.ConnectionClosed:
            pass
        finally:
            self.close_code = self.ws.close_code
            async with self._new:
                self._new.notify_all()

    async def send(self, **message: Any) -> None:
        await self.ws.send(json.dumps(message))

    def mark(self) -> int:
        """A position to wait from: only frames received after it count."""
        return len(self.frames)

    async def wait_for(self, predicate: Any, timeout: float = 5.0, since: int = 0) -> dict[str, Any]:
        """The first frame from `since` on that satisfies predicate; bounded wait."""
        async def find() -> dict[str, Any]:
            seen = since
            async with self._new:
                while True:
                    for frame in self.frames[seen:]:
                        if predicate(frame):
                            return frame
                    seen = len(self.frames)
                    if self._reader.done():
                        raise AssertionError(f"socket closed ({self.close_code}) before the frame came")
                    await self._new.wait()

        return await asyncio.wait_for(find(), timeout)

    async def closed(self, timeout: float = 5.0) -> int | None:
        await asyncio.wait_for(asyncio.shield(self._reader), timeout)
        return self.close_code

    async def close(self) -> None:
        await self.ws.close()
        await asyncio.wait_for(asyncio.shield(self._reader), 5)


async def start_live(dash: Socket) -> None:
    """Start the session from a facilitator's socket and mark confidentiality read (E3)."""
    await dash.send(type="session", action="start", id="start")
    await dash.send(type="session", action="confidentiality_read", id="read")
    await dash.wait_for(lambda f: f["type"] == "ack" and f.get("id") == "read")
    await dash.wait_for(lambda f: f["type"] == "session" and f.get("confidentiality_read"))
