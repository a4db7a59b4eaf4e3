"""Every route x every kind of caller, generated from the permission table (RELIABILITY.md S5).

Each route gets a fresh cast: an organiser, the group's facilitator (who is also its
concerns contact), a facilitator of another group, and a group of five members with an
open session, one of whom (the member caller) holds a member cookie and key, and an
external source holding the session's ingest key (a bearer header, no cookie). Callers the
table denies are tried first and must get 401, 403 or 404; then those it allows must get
past the check (anything but 401, 403 or 404; a body the route cannot use is a 422).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from app.api.access import ALLOWS, ROUTES, Caller
from app.db import session_scope
from app.main import PAGES
from app.services import concerns
from tests.api.conftest import (
    NewBrowser,
    TestClient,
    add_facilitator,
    create_group,
    join_member,
    login,
    open_session,
    register_organiser,
)  # fmt: skip

DENIED = {401, 403, 404}


@dataclass
class Cast:
    clients: dict[Caller, TestClient]
    params: dict[str, str]
    member_key: str


@pytest.fixture
def cast(client: TestClient, browser: NewBrowser) -> Cast:
    register_organiser(client)
    clients = {Caller.ORGANISER: client, Caller.ANONYMOUS: browser()}
    accounts = {}
    for caller, name in ((Caller.FACILITATOR, "fay"), (Caller.OTHER_FACILITATOR, "gil")):
        accounts[caller] = add_facilitator(client, name)
        clients[caller] = browser()
        login(clients[caller], name)
    create_group(clients[Caller.OTHER_FACILITATOR], "Another group")
    group = create_group(clients[Caller.FACILITATOR])
    session = open_session(clients[Caller.FACILITATOR], group["id"])
    clients[Caller.MEMBER] = browser()
    joined = join_member(clients[Caller.MEMBER], group["invite_code"], "Jo")
    for name in ("Ana", "Ben", "Cy", "Di"):  # five members: organisers may see the group's figures
        join_member(browser(), group["invite_code"], name)
    r = clients[Caller.FACILITATOR].post(f"/api/sessions/{session['id']}/ingest-key")
    clients[Caller.INGEST] = browser()
    clients[Caller.INGEST].headers["Authorization"] = f"Bearer {r.json()['key']}"
    with session_scope(client.app.state.db) as db:  # type: ignore[attr-defined]
        concern = concerns.raise_concern(db, group["id"], joined["member"]["id"], "It felt rushed.",
                                         anonymous=True, about_contact=False)  # fmt: skip
        concern_id = concern.id
    params = {"group_id": group["id"], "session_id": session["id"], "code": group["invite_code"],
              "concern_id": concern_id, "user_id": accounts[Caller.OTHER_FACILITATOR]["id"]}  # fmt: skip
    return Cast(clients, params, joined["member_key"])


def call(cast: Cast, caller: Caller, method: str, path: str) -> int:
    url = path.format(**cast.params)
    body: dict[str, Any] | None = None
    if path.startswith("/api/members/") and caller is Caller.MEMBER:
        body = {"member_key": cast.member_key, "confirm": True}
    return cast.clients[caller].request(method, url, json=body).status_code


def test_every_route_has_exactly_one_row(client: TestClient) -> None:
    served = {(method.upper(), path) for path, ops in client.app.openapi()["paths"].items()  # type: ignore[attr-defined]
              for method in ops}  # fmt: skip
    served |= {("GET", page) for page in PAGES}
    assert served == set(ROUTES)


def test_every_rule_allows_someone_and_denies_someone_else_where_it_should() -> None:
    for rule, callers in ALLOWS.items():
        assert callers, rule
    assert Caller.ANONYMOUS in ALLOWS[ROUTES[("POST", "/api/invites/{code}/join")]]
    # E6: per-member data never reaches organisers or members through these.
    for route in (("GET", "/api/sessions/{session_id}/report"), ("GET", "/api/groups/{group_id}/leaders"),
                  ("POST", "/api/sessions/{session_id}/ticket")):  # fmt: skip
        assert Caller.ORGANISER not in ALLOWS[ROUTES[route]], route


def check_route(cast: Cast, method: str, path: str) -> None:
    allowed = ALLOWS[ROUTES[(method, path)]]
    for caller in [c for c in Caller if c not in allowed]:
        status = call(cast, caller, method, path)
        assert status in DENIED, f"{caller} was let through {method} {path} ({status})"
    for caller in sorted(
        allowed, key=lambda c: c is Caller.MEMBER
    ):  # a member may delete themself last
        status = call(cast, caller, method, path)
        assert status not in DENIED, f"{caller} was refused {method} {path} ({status})"


READS = sorted(route for route in ROUTES if route[0] == "GET")
WRITES = sorted(route for route in ROUTES if route[0] != "GET")


def test_each_caller_reads_what_the_table_says(cast: Cast) -> None:
    """Reads change nothing a later read depends on, so one cast serves them all."""
    for method, path in READS:
        check_route(cast, method, path)


@pytest.mark.parametrize(("method", "path"), WRITES, ids=lambda v: str(v))
def test_each_caller_writes_what_the_table_says(cast: Cast, method: str, path: str) -> None:
    check_route(cast, method, path)
