"""`airtime demo`: a server with a sample group and simulated members, live at once.

The simulated members use the public API and WebSocket like any browser would,
so the demo exercises the same paths as a real session.
"""

from __future__ import annotations

import asyncio
import json
import random
import secrets
import tempfile
from pathlib import Path

import httpx
import uvicorn
import websockets

from app.db import make_engine, migrate, session_scope
from app.main import create_app
from app.models.accounts import AccountRole
from app.services import accounts, groups, sessions
from app.settings import MAX_FRAME_BYTES, Settings

NAMES = ["Ana", "Ben", "Chidi", "Dee", "Eli", "Farah", "Gus", "Hana", "Ivo", "Jo", "Kit", "Lou"]
# How readily each simulated member speaks: one talks a lot, two are quiet.
WEIGHTS = [6, 3, 3, 2, 1, 0.5, 3, 2, 2, 1, 1, 0.5]


def prepare(settings: Settings) -> tuple[str, str, str, str]:
    """Accounts, a group and an open session; returns (username, password, session, invite)."""
    migrate(settings.db_url)
    engine = make_engine(settings.db_url)
    password = secrets.token_urlsafe(9)
    with session_scope(engine) as db:
        accounts.create_user(db, "organiser", secrets.token_urlsafe(12), AccountRole.ORGANISER)
        fay = accounts.create_user(db, "facilitator", password, AccountRole.FACILITATOR)
        group = groups.create_group(db, fay, "Demo circle", None)
        session = sessions.open_session(db, group, fay)
        result = ("facilitator", password, session.id, group.invite_code)
    engine.dispose()
    return result


async def member(base: str, code: str, name: str, weight: float, floor: asyncio.Lock) -> None:
    """One simulated member: joins, then speaks now and then and sometimes raises a hand."""
    async with httpx.AsyncClient(base_url=base) as http:
        joined = (await http.post(f"/api/invites/{code}/join",
                                  json={"display_name": name, "accept": True})).json()  # fmt: skip
        sid = joined["session_id"]
        ticket = (await http.post(f"/api/sessions/{sid}/ticket", json={"as": "member"})).json()["ticket"]
    url = base.replace("http", "ws", 1) + f"/ws/sessions/{sid}?ticket={ticket}"
    async with websockets.connect(url, origin=websockets.Origin(base)) as ws:
        drain = asyncio.create_task(_drain(ws))
        try:
            while True:
                await asyncio.sleep(random.uniform(2, 12) / weight)
                if random.random() < 0.15:
                    await ws.send(json.dumps({"type": "hand", "raised": True}))
                if floor.locked() and random.random() < 0.8:
                    continue
                async with floor:
                    await ws.send(json.dumps({"type": "speaking", "on": True}))
                    await _talk(ws, random.uniform(2, 8 + 4 * weight))
                    await ws.send(json.dumps({"type": "speaking", "on": False}))
        finally:
            drain.cancel()


async def _talk(ws: websockets.ClientConnection, seconds: float) -> None:
    while seconds > 0:  # heartbeats while speaking (DOMAIN.md D5)
        await asyncio.sleep(min(2.0, seconds))
        seconds -= 2.0
        await ws.send(json.dumps({"type": "heartbeat"}))


async def _drain(ws: websockets.ClientConnection) -> None:
    async for _ in ws:
        pass


async def _start(base: str, username: str, password: str, session_id: str) -> None:
    async with httpx.AsyncClient(base_url=base) as http:
        await http.post("/api/auth/login", json={"username": username, "password": password})
        await http.post(f"/api/sessions/{session_id}/start")
        # The demo's confidentiality statement counts as read, so speech shows at once (E3).
        await http.post(f"/api/sessions/{session_id}/confidentiality")


def run_demo(port: int, count: int) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="airtime-demo-"))
    settings = Settings(data_dir=data_dir)
    username, password, session_id, code = prepare(settings)
    base = f"http://127.0.0.1:{port}"
    banner = f"""
Airtime demo: a live session with {count} simulated members.

  Dashboard:   {base}/dashboard/{session_id}
  Log in at {base}/ as  {username}  /  {password}
  Join as a member yourself:  {base}/join/{code}

Data lives in {data_dir} for this run. Press Ctrl+C to stop.
"""
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning",
                            ws_per_message_deflate=False, ws_max_size=MAX_FRAME_BYTES)  # fmt: skip
    asyncio.run(_serve(uvicorn.Server(config), base, username, password, session_id, code, count,
                       banner))  # fmt: skip


async def _serve(server: uvicorn.Server, base: str, username: str, password: str,
                 session_id: str, code: str, count: int, banner: str) -> None:  # fmt: skip
    serving = asyncio.create_task(server.serve())
    while not server.started:
        if serving.done():
            return  # it could not start (the port is taken, say): uvicorn has said why
        await asyncio.sleep(0.05)
    await _start(base, username, password, session_id)
    print(banner, flush=True)  # only once the server answers and the session is live
    floor = asyncio.Lock()
    sims = [asyncio.create_task(member(base, code, NAMES[i], WEIGHTS[i], floor)) for i in range(count)]
    await serving
    for sim in sims:
        sim.cancel()
