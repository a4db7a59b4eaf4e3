"""A group with six ended sessions, made through the public API, for docs/img/group-insights.png.

scripts/screenshots.py calls `capture_insights`. It starts `airtime serve` on its own
data directory, then plays each session as the pages would: members join with their
member keys (so they come back as themselves), connect their sockets, answer the
check-in, take turns speaking and sometimes co-facilitate. Short sessions (about 15 s
each), with prompt settings to match, so the whole run takes about two minutes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import websockets
from playwright.async_api import async_playwright

AIRTIME = str(Path(sys.executable).parent / "airtime")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
PASSWORD = "insights demo password"
# Prompts scaled down to the short sessions (DOMAIN.md P5), so invitations come and go.
SETTINGS = {"quiet_after_s": 3, "quiet_window_s": 6, "silent_for_s": 4, "member_prompt_gap_s": 8,
            "prompt_gap_s": 4, "long_turn_s": 600}  # fmt: skip
DRAINING: set[asyncio.Task[None]] = set()  # readers of the sockets' frames, kept referenced


@dataclass
class Plan:
    """One session: who comes, their check-in and check-out scores, the talk, who co-leads."""

    people: list[str]
    check_in: list[int]
    check_out: list[int]
    turns: list[tuple[str, float]]
    leader: str | None = None


# Talk grows more even over the weeks; one session has too few check-ins to show (E8).
PLANS = [
    Plan(["Ana", "Ben", "Chidi", "Dee", "Eli", "Farah"], [4, 3, 3, 2, 3, 3], [3, 3, 2, 3, 3],
         [("Ana", 4), ("Ben", 1.5), ("Ana", 4), ("Chidi", 1), ("Ana", 3.5), ("Dee", 1)]),
    Plan(["Ana", "Ben", "Chidi", "Dee", "Gus"], [4, 4, 3, 3, 4], [4, 3, 4],
         [("Ana", 4), ("Gus", 1.5), ("Ben", 2), ("Ana", 3.5), ("Dee", 1), ("Chidi", 0.5)], "Ben"),
    Plan(["Ana", "Chidi", "Dee", "Eli", "Farah", "Gus"], [4, 4, 4, 3, 4, 5], [4, 4, 4, 4, 5],
         [("Chidi", 1.5), ("Ana", 3.5), ("Eli", 0.5), ("Gus", 2), ("Dee", 2.5), ("Ana", 2.5)]),
    Plan(["Ana", "Ben", "Chidi", "Dee", "Farah", "Gus"], [5, 4, 4, 4], [4, 5, 4, 4, 4, 5],
         [("Ben", 3), ("Dee", 2), ("Ana", 4.5), ("Farah", 0.5), ("Gus", 2), ("Chidi", 1)], "Dee"),
    Plan(["Ana", "Ben", "Chidi", "Dee", "Eli", "Farah", "Gus"], [5, 4, 5, 4, 4, 4, 5], [5, 5, 4, 4, 5],
         [("Eli", 0.5), ("Ana", 4.5), ("Farah", 1.5), ("Ben", 3), ("Gus", 1), ("Chidi", 0.5), ("Dee", 2.5)],
         "Farah"),
    Plan(["Ana", "Ben", "Chidi", "Dee", "Eli", "Gus"], [5, 5, 4, 4, 5, 4], [5, 4, 5, 4, 5, 5],
         [("Dee", 2.5), ("Gus", 1), ("Ana", 4), ("Eli", 0.5), ("Ben", 2.5), ("Chidi", 1.5)]),
]  # fmt: skip


@dataclass
class Seeder:
    base: str
    fac: httpx.AsyncClient
    group: dict[str, Any]
    keys: dict[str, str] = field(default_factory=dict)

    async def run(self, plan: Plan) -> None:
        gid = self.group["id"]
        session_id = (await self.fac.post(f"/api/groups/{gid}/sessions")).json()["id"]
        dash = await self.socket(self.fac, session_id)
        members = {name: await self.join(name, session_id) for name in plan.people}
        socks = {name: await self.socket(http, session_id) for name, http in members.items()}
        for step in ("start", "confidentiality"):
            assert (await self.fac.post(f"/api/sessions/{session_id}/{step}")).status_code == 200
        await pulses(socks, plan.people, "check_in", plan.check_in)
        if plan.leader:
            socks[plan.leader] = await self.lead(
                dash, socks[plan.leader], members[plan.leader], session_id
            )
        for name, seconds in plan.turns:
            await speak(socks[name], seconds)
        await pulses(socks, plan.people, "check_out", plan.check_out)
        assert (await self.fac.post(f"/api/sessions/{session_id}/end")).status_code == 200
        for ws in [dash, *socks.values()]:
            await ws.close()

    async def join(self, name: str, session_id: str) -> httpx.AsyncClient:
        http = httpx.AsyncClient(base_url=self.base)
        body = {"display_name": name, "accept": True, "member_key": self.keys.get(name)}
        joined = (
            await http.post(f"/api/invites/{self.group['invite_code']}/join", json=body)
        ).json()
        assert joined["session_id"] == session_id, joined
        self.keys.setdefault(name, joined["member_key"])
        return http

    async def socket(self, http: httpx.AsyncClient, session_id: str) -> websockets.ClientConnection:
        ticket = (await http.post(f"/api/sessions/{session_id}/ticket", json={})).json()["ticket"]
        url = self.base.replace("http", "ws", 1) + f"/ws/sessions/{session_id}?ticket={ticket}"
        ws = await websockets.connect(url, origin=websockets.Origin(self.base), compression=None)
        DRAINING.add(task := asyncio.create_task(_drain(ws)))
        task.add_done_callback(DRAINING.discard)
        return ws

    async def lead(self, dash: Any, ws: Any, http: httpx.AsyncClient, session_id: str) -> Any:
        """R4: the member offers to lead and is chosen; their socket reconnects with the new role."""
        await ws.send(json.dumps({"type": "lead", "on": True}))
        await asyncio.sleep(0.3)
        await dash.send(json.dumps({"type": "cofacilitator", "action": "choose"}))
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(ws.wait_closed(), 5)
        return await self.socket(http, session_id)


async def pulses(socks: dict[str, Any], people: list[str], phase: str, scores: list[int]) -> None:
    """Anonymous "How included did you feel?" answers from the first len(scores) people (E8)."""
    for name, score in zip(people, scores, strict=False):
        await socks[name].send(json.dumps({"type": "pulse", "phase": phase, "included": score}))


async def speak(ws: Any, seconds: float) -> None:
    """A turn: speaking on, heartbeats at least every 2 s (DOMAIN.md D5), then off."""
    await ws.send(json.dumps({"type": "speaking", "on": True}))
    while seconds > 0:
        await asyncio.sleep(min(2.0, seconds))
        seconds -= 2.0
        await ws.send(json.dumps({"type": "heartbeat"}))
    await ws.send(json.dumps({"type": "speaking", "on": False}))
    await asyncio.sleep(0.3)


async def _drain(ws: Any) -> None:
    with contextlib.suppress(websockets.ConnectionClosed):
        async for _ in ws:
            pass


async def seed(base: str) -> tuple[str, str]:
    """Accounts, the group and its sessions; returns (group id, facilitator username)."""
    async with httpx.AsyncClient(base_url=base) as org, httpx.AsyncClient(base_url=base) as fac:
        await org.post("/api/auth/register", json={"username": "organiser", "password": PASSWORD})
        await org.post("/api/users", json={"username": "fay", "password": PASSWORD})
        await fac.post("/api/auth/login", json={"username": "fay", "password": PASSWORD})
        group = (await fac.post("/api/groups", json={"name": "Tuesday circle"})).json()
        await fac.put(f"/api/groups/{group['id']}/settings", json=SETTINGS)
        seeder = Seeder(base, fac, group)
        for number, plan in enumerate(PLANS, 1):
            print(f"session {number} of {len(PLANS)}…", flush=True)
            await seeder.run(plan)
        return group["id"], "fay"


def capture_insights(out: Path, port: int) -> None:
    """Seed a fresh server, then capture the insights page as its facilitator sees it."""
    data = Path(tempfile.mkdtemp(prefix="airtime-insights-"))
    env = os.environ | {"AIRTIME_DATA_DIR": str(data)}
    with (data / "server.log").open("ab") as log:
        server = subprocess.Popen([AIRTIME, "serve", "--port", str(port)], env=env, stdout=log,
                                  stderr=subprocess.STDOUT)  # fmt: skip
    try:
        asyncio.run(_seed_and_capture(f"http://127.0.0.1:{port}", out))
    except BaseException:
        print(f"the server's log is in {data / 'server.log'}", file=sys.stderr)
        raise
    finally:
        server.terminate()
        server.wait(15)


async def _seed_and_capture(base: str, out: Path) -> None:
    await _wait_for(base)
    group_id, username = await seed(base)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = await browser.new_page(viewport={"width": 1280, "height": 900})
        await page.goto(base + "/")
        await page.fill("#login-username", username)
        await page.fill("#login-password", PASSWORD)
        await page.keyboard.press("Enter")
        await page.wait_for_selector("text=Log out")
        await page.goto(f"{base}/groups/{group_id}/insights")
        await page.wait_for_selector("#insights[data-ready=true]")
        out.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(out / "group-insights.png"), full_page=True)
        await browser.close()


async def _wait_for(base: str, timeout: float = 20) -> None:
    async with httpx.AsyncClient(base_url=base) as http:
        for _ in range(int(timeout * 10)):
            with contextlib.suppress(httpx.HTTPError):
                if (await http.get("/healthz")).status_code == 200:
                    return
            await asyncio.sleep(0.1)
    raise SystemExit("the server did not start")
