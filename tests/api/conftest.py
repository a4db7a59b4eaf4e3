"""REST tests in-process: the app under starlette's TestClient, its lifespan running.

Each TestClient is one browser with its own cookie jar. `browser()` gives another one
on the same running app (the same event loop, hub and database), so a facilitator, a
second facilitator and a member can act side by side.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from http.cookies import Morsel, SimpleCookie
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.main import create_app
from app.settings import Settings

with warnings.catch_warnings():
    # Starlette 1.x asks for httpx2 in its TestClient; the project's tests use httpx,
    # which works. Warnings are errors, so this one is let through once, on import.
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient as TestClient  # noqa: PLC0414 (re-exported)

PASSWORD = "a long enough password"
Serve = Callable[..., TestClient]
NewBrowser = Callable[[], TestClient]


@pytest.fixture
def stack() -> Iterator[ExitStack]:
    """Everything a test opens, closed after it in reverse order (warnings are errors)."""
    with ExitStack() as opened:
        yield opened


@pytest.fixture
def served() -> list[TestClient]:
    """The first browsers of the apps this test started, in order."""
    return []


@pytest.fixture
def serve(stack: ExitStack, tmp_path: Path, served: list[TestClient]) -> Serve:
    """Start an app with these settings (and its own data directory); its first browser."""

    def start(base_url: str = "http://testserver", **settings: Any) -> TestClient:
        # The test process keeps Python's own collection (servers the tests start do not).
        settings = {"gc_sweep_s": 0} | settings
        app = create_app(Settings(data_dir=tmp_path / f"data{len(served)}", **settings))
        served.append(stack.enter_context(TestClient(app, base_url=base_url)))
        return served[-1]

    return start


@pytest.fixture
def client(serve: Serve) -> TestClient:
    return serve()


@pytest.fixture
def browser(stack: ExitStack, served: list[TestClient]) -> NewBrowser:
    """Another browser on the app the test started last: its own cookies, the same server."""

    def new() -> TestClient:
        first = served[-1]
        other = TestClient(first.app, base_url=str(first.base_url))
        # Run requests in the app's running event loop, where its hub and rooms live,
        # instead of a fresh loop (without the lifespan) per request.
        other.portal = first.portal
        stack.callback(other.close)
        return other

    return new


# -- helpers ------------------------------------------------------------------------


def refused(response: httpx.Response, status: int) -> Any:
    """The `detail` of a refusal, after checking its status."""
    assert response.status_code == status, response.text
    return response.json()["detail"]


def schema_errors(response: httpx.Response) -> list[tuple[str, ...]]:
    """A 422's problems as (type, *location) tuples."""
    assert response.status_code == 422, response.text
    return [(e["type"], *map(str, e["loc"])) for e in response.json()["detail"]]


def set_cookie(response: httpx.Response, name: str) -> Morsel[str]:
    """The Set-Cookie header of that name, parsed with its attributes."""
    for header in response.headers.get_list("set-cookie"):
        parsed: SimpleCookie = SimpleCookie(header)
        if name in parsed:
            return parsed[name]
    raise AssertionError(f"no Set-Cookie for {name}: {response.headers.get_list('set-cookie')}")


def register_organiser(client: TestClient, username: str = "org") -> dict[str, Any]:
    r = client.post("/api/auth/register", json={"username": username, "password": PASSWORD})
    assert r.status_code == 201, r.text
    return dict(r.json())


def add_facilitator(organiser: TestClient, username: str) -> dict[str, Any]:
    r = organiser.post("/api/users", json={"username": username, "password": PASSWORD})
    assert r.status_code == 201, r.text
    return dict(r.json())


def login(client: TestClient, username: str) -> dict[str, Any]:
    r = client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return dict(r.json())


def create_group(client: TestClient, name: str = "Tuesday circle", **body: Any) -> dict[str, Any]:
    r = client.post("/api/groups", json={"name": name, **body})
    assert r.status_code == 201, r.text
    return dict(r.json())


def open_session(client: TestClient, group_id: str) -> dict[str, Any]:
    r = client.post(f"/api/groups/{group_id}/sessions")
    assert r.status_code == 201, r.text
    return dict(r.json())


def join_member(client: TestClient, code: str, name: str, key: str | None = None) -> dict[str, Any]:
    r = client.post(f"/api/invites/{code}/join",
                    json={"display_name": name, "accept": True, "member_key": key})  # fmt: skip
    assert r.status_code == 200, r.text
    return dict(r.json())


# -- a cast: organiser, facilitators, a group with an open session, a member -------------


@pytest.fixture
def organiser(client: TestClient) -> TestClient:
    """`client`, registered as the first account (the organiser) and logged in."""
    register_organiser(client)
    return client


@pytest.fixture
def fay(organiser: TestClient, browser: NewBrowser) -> TestClient:
    """A facilitator's browser, logged in."""
    add_facilitator(organiser, "fay")
    fay = browser()
    login(fay, "fay")
    return fay


@pytest.fixture
def gil(organiser: TestClient, browser: NewBrowser) -> TestClient:
    """Another facilitator's browser, logged in; no group of fay's is his."""
    add_facilitator(organiser, "gil")
    gil = browser()
    login(gil, "gil")
    return gil


@pytest.fixture
def group(fay: TestClient) -> dict[str, Any]:
    return create_group(fay, description="We note who speaks and for how long.")


@pytest.fixture
def session(fay: TestClient, group: dict[str, Any]) -> dict[str, Any]:
    return open_session(fay, group["id"])


@pytest.fixture
def member(browser: NewBrowser, group: dict[str, Any], session: dict[str, Any]) -> TestClient:
    """A member's browser that joined `session` as Jo (it holds the member cookie)."""
    jo = browser()
    join_member(jo, group["invite_code"], "Jo")
    return jo
