"""RELIABILITY.md S8: tokens, cookies and display names never appear in `airtime serve`'s logs.

A whole session runs through a real server, in development and in production, with the
access log as it is configured there: logins (and a failed one), a password reset, invite
links, members with distinctive names, socket tickets in the socket's URL (and a bad one),
an ingest key, a member's own export, logout. Then every secret and every name used is
looked for in everything the server wrote.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from app.logs import redact
from tests.support.clients import Socket, start_live
from tests.support.server import LiveServer

pytestmark = pytest.mark.server
NAMES = ("Zelda-Q7x", "Ygritte-W4k")
PASSWORDS = {"first": "Pw-first-9f3Kq2", "wrong": "Pw-wrong-Lm8Zr1", "reset": "Pw-reset-Xc5Tv7"}
PRODUCTION = {"AIRTIME_ENV": "production", "AIRTIME_SECRET_KEY": secrets.token_urlsafe(32),
              "AIRTIME_PUBLIC_URL": "https://airtime.example.org"}  # fmt: skip


class Browser:
    """One person's browser. Cookies are kept by hand: in production they are marked secure,
    and the test talks plain http to the worker, as a TLS-terminating proxy would."""

    def __init__(self, base: str, seen: set[str], opened: list[Any]) -> None:
        self.http = httpx.AsyncClient(base_url=base)
        self.cookies: dict[str, str] = {}
        self.seen, self.opened = seen, opened  # every secret handed out, to look for in the log
        opened.append(self.http)

    async def call(self, method: str, url: str, status: int, headers: dict[str, str] | None = None,
                   **kwargs: Any) -> Any:  # fmt: skip
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        r = await self.http.request(method, url, headers=headers, **kwargs)
        assert r.status_code == status, f"{method} {url}: {r.status_code} {r.text}"
        self.cookies.update(r.cookies)
        self.seen.update(value for value in r.cookies.values() if value)
        return r.json() if r.headers.get("content-type") == "application/json" else r.text

    async def socket(self, ws_base: str, session_id: str, role: str) -> Socket:
        ticket = (await self.call("POST", f"/api/sessions/{session_id}/ticket", 200, json={"as": role}))["ticket"]
        self.seen.add(ticket)
        ws = await websockets.connect(f"{ws_base}/ws/sessions/{session_id}?ticket={ticket}",
                                      origin=websockets.Origin(str(self.http.base_url).rstrip("/")),
                                      compression=None)  # fmt: skip
        self.opened.append(Socket(ws))
        return self.opened[-1]


@pytest.fixture(params=["development", "production"])
async def server(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[LiveServer]:
    live = LiveServer(tmp_path / "data", **(PRODUCTION if request.param == "production" else {})).start()
    yield live
    live.stop()


async def run_a_whole_session(server: LiveServer, seen: set[str], opened: list[Any]) -> None:
    org, fay, guest = (Browser(server.url, seen, opened) for _ in range(3))
    await org.call("POST", "/api/auth/register", 201, json={"username": "org", "password": PASSWORDS["first"]})
    fay_id = (await org.call("POST", "/api/users", 201, json={"username": "fay", "password": PASSWORDS["first"]}))["id"]
    await org.call("PUT", f"/api/users/{fay_id}/password", 204, json={"password": PASSWORDS["reset"]})
    await guest.call("POST", "/api/auth/login", 401, json={"username": "fay", "password": PASSWORDS["wrong"]})
    await fay.call("POST", "/api/auth/login", 200, json={"username": "fay", "password": PASSWORDS["reset"]})
    group = await fay.call("POST", "/api/groups", 201, json={"name": "Tuesday circle"})
    code = group["invite_code"]
    seen.add(code)
    sid = (await fay.call("POST", f"/api/groups/{group['id']}/sessions", 201))["id"]
    dash = await fay.socket(server.ws_url, sid, "facilitator")
    await start_live(dash)

    members, keys = [Browser(server.url, seen, opened) for _ in NAMES], []
    for member, name in zip(members, NAMES, strict=True):
        await member.call("GET", f"/join/{code}", 200)
        await member.call("GET", f"/api/invites/{code}", 200)
        joined = await member.call("POST", f"/api/invites/{code}/join", 200,
                                   json={"display_name": name, "accept": True})  # fmt: skip
        keys.append(joined["member_key"])
    seen.update(keys)
    zelda = await members[0].socket(server.ws_url, sid, "member")
    await members[1].socket(server.ws_url, sid, "member")  # present, for the ingest below
    await zelda.send(type="speaking", on=True, id="z1")
    await zelda.wait_for(lambda f: f["type"] == "ack" and f.get("id") == "z1")
    await zelda.send(type="hand", raised=True, id="z2")
    await zelda.wait_for(lambda f: f["type"] == "ack" and f.get("id") == "z2")

    key = (await fay.call("POST", f"/api/sessions/{sid}/ingest-key", 201))["key"]
    seen.add(key)
    changes = {"changes": [{"speaker": NAMES[1], "speaking": True}]}
    await guest.call("POST", f"/api/sessions/{sid}/ingest", 200, json=changes, headers={"Authorization": f"Bearer {key}"})

    # Refusals: a used ticket, a made-up ticket, a wrong invite code, a wrong member key.
    bogus = "wt_" + secrets.token_urlsafe(16)
    seen.add(bogus)
    for ticket in (min(t for t in seen if t.startswith("wt_")), bogus):
        with pytest.raises(websockets.InvalidStatus):
            await websockets.connect(f"{server.ws_url}/ws/sessions/{sid}?ticket={ticket}",
                                     origin=websockets.Origin(server.url))  # fmt: skip
    await guest.call("GET", f"/api/invites/{code[::-1]}", 404)
    await guest.call("POST", "/api/members/export", 403, json={"member_key": bogus})
    await guest.call("POST", f"/api/invites/{code}/join", 422, json={"display_name": NAMES[0] * 30, "accept": True})

    export = await members[0].call("POST", "/api/members/export", 200, json={"member_key": keys[0]})
    assert NAMES[0] in json.dumps(export)
    await fay.call("GET", f"/api/sessions/{sid}/report", 200)
    await fay.call("POST", f"/api/groups/{group['id']}/invite", 200)  # a new invite code
    await fay.call("POST", f"/api/sessions/{sid}/end", 200)
    await fay.call("POST", "/api/auth/logout", 204)


async def test_no_secret_or_name_reaches_the_log(server: LiveServer) -> None:
    seen: set[str] = set()
    opened: list[Any] = []
    try:
        await run_a_whole_session(server, seen, opened)
    finally:
        for thing in reversed(opened):
            await (thing.close() if isinstance(thing, Socket) else thing.aclose())
    server.stop()  # everything written and flushed
    log = server.log.read_text()
    assert '"GET /healthz HTTP/1.1" 200' in log, "the access log is on"
    assert "WebSocket /ws/sessions/" in log, "socket handshakes are logged"
    assert len([s for s in seen if s.startswith(("at_", "mc_", "wt_", "mk_", "ik_"))]) >= 8
    leaked = sorted(s for s in (*seen, *NAMES, *PASSWORDS.values()) if s in log)
    assert not leaked, f"in the server's log: {leaked}"


@pytest.mark.parametrize(("logged", "kept"), [
    ("/ws/sessions/s_1?ticket=wt_abc&after=12", "/ws/sessions/s_1?[redacted]"),
    ("/api/anything?name=Zelda-Q7x", "/api/anything?[redacted]"),
    ("/join/abc", "/join/[redacted]"),
    ("/api/invites/NVGNvtqNnviommnRELn5gA/join", "/api/invites/[redacted]/join"),
    ("/api/sessions/s_1/report", "/api/sessions/s_1/report"),
    ("GET https://x.example/ws?ticket=wt_abc", "GET https://x.example/ws?ticket=[redacted]"),
])  # fmt: skip
def test_what_the_filter_redacts(logged: str, kept: str) -> None:
    assert redact(logged) == kept
