"""The REST set-up bench/load.py needs before any socket opens, as the pages do it.

The first account (an organiser) adds one facilitator, who makes a group and opens
a session per room; members join through each group's invite link (joining with
`accept` is consent, DOMAIN.md E2); then the facilitator starts every session and
marks its confidentiality statement read, so speech counts (DOMAIN.md E3). Many
calls run at once; a progress line goes to stderr.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

import httpx

from bench.load_client import no_cookie_jar

PASSWORD = "a long enough password"
AT_ONCE = 16
T = TypeVar("T")


@dataclass
class SeatedSession:
    """A live session, its invite, and each joined member's (id, Cookie header)."""

    session_id: str
    invite_code: str
    members: list[tuple[str, str]] = field(default_factory=list)


class Progress:
    def __init__(self, what: str, total: int) -> None:
        self.what, self.total, self.done = what, total, 0

    def tick(self) -> None:
        self.done += 1
        if self.done % 50 == 0 or self.done == self.total:
            end = "\n" if self.done == self.total else ""
            print(f"\r  set-up: {self.what} {self.done}/{self.total}", end=end, file=sys.stderr, flush=True)


async def at_most(limit: int, jobs: Sequence[Callable[[], Awaitable[T]]], progress: Progress) -> list[T]:
    """Run the jobs, `limit` at a time, in order of results."""
    gate = asyncio.Semaphore(limit)

    async def one(job: Callable[[], Awaitable[T]]) -> T:
        async with gate:
            result = await job()
        progress.tick()
        return result

    return await asyncio.gather(*(one(job) for job in jobs))


def cookie(response: httpx.Response, name: str) -> str:
    """The credential a response set, as a Cookie header."""
    response.raise_for_status()
    return f"{name}={response.cookies[name]}"


async def facilitator_cookie(http: httpx.AsyncClient) -> str:
    """Register the organiser, who adds the facilitator; the facilitator's login cookie."""
    r = await http.post("/api/auth/register", json={"username": "org", "password": PASSWORD})
    org = {"cookie": cookie(r, "airtime_auth")}
    r = await http.post("/api/users", json={"username": "fay", "password": PASSWORD}, headers=org)
    r.raise_for_status()
    r = await http.post("/api/auth/login", json={"username": "fay", "password": PASSWORD})
    return cookie(r, "airtime_auth")


async def open_session(http: httpx.AsyncClient, fac: dict[str, str], number: int) -> SeatedSession:
    r = await http.post("/api/groups", json={"name": f"Circle {number}"}, headers=fac)
    r.raise_for_status()
    group = r.json()
    r = await http.post(f"/api/groups/{group['id']}/sessions", headers=fac)
    r.raise_for_status()
    return SeatedSession(r.json()["id"], group["invite_code"])


async def join(http: httpx.AsyncClient, session: SeatedSession, name: str) -> None:
    r = await http.post(f"/api/invites/{session.invite_code}/join",
                        json={"display_name": name, "accept": True})  # fmt: skip
    credential = cookie(r, f"airtime_member_{session.session_id}")
    session.members.append((r.json()["member"]["id"], credential))


async def go_live(http: httpx.AsyncClient, fac: dict[str, str], session: SeatedSession) -> None:
    for step in ("start", "confidentiality"):
        (await http.post(f"/api/sessions/{session.session_id}/{step}", headers=fac)).raise_for_status()


async def set_up(base: str, sessions: int, members: int) -> tuple[str, list[SeatedSession]]:
    """`sessions` live sessions of `members` joined members; the facilitator's cookie too."""
    async with httpx.AsyncClient(base_url=base, cookies=no_cookie_jar(), timeout=120,
                                 limits=httpx.Limits(max_connections=AT_ONCE)) as http:  # fmt: skip
        fac = await facilitator_cookie(http)
        headers = {"cookie": fac}
        opened = await at_most(AT_ONCE, [partial(open_session, http, headers, n) for n in range(sessions)],
                               Progress("sessions opened", sessions))  # fmt: skip
        joins = [partial(join, http, s, f"Member {k + 1}") for k in range(members) for s in opened]
        await at_most(AT_ONCE, joins, Progress("members joined", len(joins)))
        await at_most(AT_ONCE, [partial(go_live, http, headers, s) for s in opened],
                      Progress("sessions live", sessions))  # fmt: skip
    return fac, opened
