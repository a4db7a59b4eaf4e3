"""`airtime demo` starts a live session that moves: what a newcomer sees first."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support.clients import Socket, close_opened
from tests.support.server import free_port

AIRTIME = str(Path(sys.executable).parent / "airtime")


def read_banner(process: subprocess.Popen[str], timeout: float = 30) -> str:
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        lines.append(line)
        if "Press Ctrl+C" in line:
            return "".join(lines)
        if process.poll() is not None:
            break
    raise AssertionError("the demo did not print its banner: " + "".join(lines))


@pytest.mark.server
async def test_demo_prints_a_working_login_and_members_speak() -> None:
    port = free_port()
    # Started before any socket is open, so blocking here holds nothing up.
    process = subprocess.Popen([AIRTIME, "demo", "--port", str(port), "--members", "4"],  # noqa: ASYNC220
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    try:
        banner = read_banner(process)
        dashboard = re.search(r"Dashboard:\s+(\S+)", banner)
        login = re.search(r"as\s+(\S+)\s+/\s+(\S+)", banner)
        assert dashboard and login
        base = f"http://127.0.0.1:{port}"
        session_id = dashboard.group(1).rsplit("/", 1)[1]
        http = httpx.AsyncClient(base_url=base)
        try:
            r = await http.post("/api/auth/login",
                                json={"username": login.group(1), "password": login.group(2)})  # fmt: skip
            assert r.status_code == 200
            assert (await http.get(dashboard.group(1))).status_code == 200
            dash = await Socket.open(base.replace("http", "ws"), http, session_id, "facilitator")
            snapshot = await dash.wait_for(lambda f: f["type"] == "snapshot")
            assert snapshot["session"]["state"] == "live"
            # Within half a minute the simulated members are present and someone speaks.
            await dash.wait_for(lambda f: f["type"] == "person" and f["person"]["speaking"], timeout=30)
            # Four members and the facilitator, and airtime accruing.
            await dash.wait_for(
                lambda f: f["type"] == "airtime" and len(f["people"]) == 5
                and any(p["airtime_s"] > 0 for p in f["people"]),
                timeout=30,
            )  # fmt: skip
        finally:
            await close_opened()
            await http.aclose()
    finally:
        process.terminate()
        process.wait(15)
        assert process.stdout is not None
        process.stdout.close()
