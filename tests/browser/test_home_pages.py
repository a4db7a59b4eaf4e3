"""The home page's concerns and the organiser's groups, and concern contacts, in real Chromium."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from tests.browser.conftest import axe_violations
from tests.support.clients import PASSWORD, Facilitator, Socket, client, join_member
from tests.support.server import LiveServer

pytestmark = pytest.mark.browser


async def logged_in_page(browser: Browser, server: LiveServer, http: httpx.AsyncClient,
                         path: str = "/") -> Page:  # fmt: skip
    """A page in its own browser context, logged in with the client's cookie."""
    context = await browser.new_context(viewport={"width": 1100, "height": 900})
    cookies = [{"name": c.name, "value": c.value, "url": server.url} for c in http.cookies.jar]
    await context.add_cookies(cookies)  # type: ignore[arg-type]
    page = await context.new_page()
    await page.goto(f"{server.url}{path}")
    return page


async def organiser(server: LiveServer) -> httpx.AsyncClient:
    http = client(server.url)
    r = await http.post("/api/auth/login", json={"username": "org", "password": PASSWORD})
    assert r.status_code == 200, r.text
    return http


async def raise_concern(server: LiveServer, fac: Facilitator, name: str, **concern: object) -> None:
    """A member joins the open session and raises a concern over their socket (E7)."""
    http, _ = await join_member(server.url, fac.group["invite_code"], name)
    sock = await Socket.open(server.ws_url, http, fac.session_id)
    await sock.send(type="concern", id="c1", **concern)
    await sock.wait_for(lambda f: f["type"] == "ack" and f.get("id") == "c1")


async def test_a_concern_is_acknowledged_then_resolved(
    browser: Browser, server: LiveServer, facilitator: Facilitator
) -> None:
    text = "<b>We ran over</b> time again."
    await raise_concern(server, facilitator, "Ana", text=text)
    page = await logged_in_page(browser, server, facilitator.http)
    item = page.locator("#concerns .concern")
    await expect(item).to_have_count(1)
    await expect(item.get_by_role("heading")).to_have_text("Concern in Tuesday circle")
    await expect(item).to_contain_text("Anonymous")
    await expect(item).not_to_contain_text("Ana")
    await expect(item.locator(".concern-text")).to_have_text(text)  # user text stays inert
    await expect(item.locator(".badge")).to_have_text("Received")

    await item.get_by_role("button", name="Mark acknowledged").click()
    await expect(page.locator("#concerns-status")).to_have_text(
        "Concern in Tuesday circle marked acknowledged."
    )
    resolve = item.get_by_role("button", name="Mark resolved")
    await expect(resolve).to_be_focused()
    [state] = (await facilitator.http.get("/api/concerns")).json()
    assert state["status"] == "acknowledged" and state["acknowledged_at"]

    await resolve.click()
    await expect(item.locator(".badge")).to_have_text("Resolved")
    await expect(item.get_by_role("heading")).to_be_focused()
    await expect(item.get_by_role("button")).to_have_count(0)
    await expect(item.locator(".concern-steps li")).to_have_count(3)
    [state] = (await facilitator.http.get("/api/concerns")).json()
    assert state["status"] == "resolved" and state["resolved_at"]
    assert await axe_violations(page) == []


async def test_a_named_concern_about_the_contact_reaches_the_organiser(
    browser: Browser, server: LiveServer, facilitator: Facilitator
) -> None:
    await raise_concern(server, facilitator, "Ana", text="Talked over by the facilitator.",
                        anonymous=False, about_contact=True)  # fmt: skip
    org = await logged_in_page(browser, server, await organiser(server))
    item = org.locator("#concerns .concern")
    await expect(item).to_contain_text("From a named member: Ana")
    await expect(item).to_contain_text("About the group's contact — routed to you as the alternate")
    fay = await logged_in_page(browser, server, facilitator.http)
    await expect(fay.locator("#concerns")).to_contain_text("No concerns have been raised with you.")


async def test_organiser_creates_a_group_and_chooses_who_runs_it(
    browser: Browser, server: LiveServer, facilitator: Facilitator
) -> None:
    names = ["Ana", "Ben", "Cy", "Dee", "Eve"]
    for name in names:  # fay's Tuesday circle reaches 5 members; figures may be shown
        await join_member(server.url, facilitator.group["invite_code"], name)
    org = await organiser(server)
    page = await logged_in_page(browser, server, org)
    await expect(page.locator("#concerns")).to_contain_text(
        "No concerns have been raised with you."
    )

    adding = page.locator("form", has=page.get_by_role("heading", name="Add a facilitator account"))
    await adding.get_by_label("Username").fill("gus")
    await adding.get_by_label("Password").fill(PASSWORD)
    await adding.get_by_role("button", name="Add facilitator").click()
    await expect(page.locator("#users")).to_contain_text("gus")

    create = page.locator("form", has=page.get_by_role("heading", name="Create a group"))
    await create.get_by_label("Group name").fill("Thursday circle")
    await expect(create.get_by_label("What members are told is tracked")).to_have_value(
        re.compile("never records audio")
    )
    await create.get_by_label("fay", exact=True).check()
    await create.get_by_role("button", name="Create group").click()
    await expect(page.locator("#status")).to_contain_text("Thursday circle")

    card = page.locator("article.group", has=page.get_by_role("heading", name="Thursday circle"))
    await expect(card).to_contain_text("Run by fay")
    await expect(card.locator(".figures-note")).to_contain_text("5 or more members")
    await expect(card.locator(".figures")).to_have_count(0)
    made = next(g for g in (await org.get("/api/groups")).json() if g["name"] == "Thursday circle")
    assert made["facilitators"] == ["fay"]

    tuesday = page.locator("article.group", has=page.get_by_role("heading", name="Tuesday circle"))
    await expect(tuesday.locator(".figures")).to_contain_text("Sessions held")
    await expect(tuesday.locator(".figures")).to_contain_text("Mean evenness")

    await card.get_by_label("gus", exact=True).check()
    await card.get_by_label("fay", exact=True).uncheck()
    await card.get_by_role("button", name="Save facilitators").click()
    await expect(card.get_by_role("status")).to_contain_text("Saved")
    await expect(card).to_contain_text("Run by gus")
    assert (await org.get(f"/api/groups/{made['id']}")).json()["facilitators"] == ["gus"]

    body = await page.locator("body").inner_text()
    assert not any(re.search(rf"\b{name}\b", body) for name in names)  # no member in sight (E6)
    assert await axe_violations(page) == []


async def test_settings_page_chooses_who_receives_concerns(
    browser: Browser, server: LiveServer, facilitator: Facilitator
) -> None:
    group_id = facilitator.group["id"]
    before = (await facilitator.http.get(f"/api/groups/{group_id}/contacts")).json()
    ids = {c["username"]: c["id"] for c in before["candidates"]}
    page = await logged_in_page(browser, server, facilitator.http, f"/groups/{group_id}/settings")
    form = page.locator("#contacts-form")
    await expect(form).to_be_visible()
    contact = form.get_by_label("Receives the group's concerns")
    alternate = form.get_by_label("Receives concerns about that person")
    await expect(contact).to_have_value(ids["fay"])
    await expect(alternate).to_have_value(ids["org"])

    await contact.select_option(label="org (organiser)")  # now both are org
    await form.get_by_role("button", name="Save concern contacts").click()
    await expect(page.locator("#contacts-saved")).to_contain_text("someone other than the contact")
    await expect(alternate).to_be_focused()

    await alternate.select_option(label="fay (facilitator)")
    await form.get_by_role("button", name="Save concern contacts").click()
    await expect(page.locator("#contacts-saved")).to_have_text("Saved.")
    after = (await facilitator.http.get(f"/api/groups/{group_id}/contacts")).json()
    assert (after["contact"], after["alternate"]) == (ids["org"], ids["fay"])
    assert await axe_violations(page) == []
