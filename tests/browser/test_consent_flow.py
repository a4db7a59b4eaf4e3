"""The consent flow in real Chromium (DOMAIN.md E2-E9): join after reading what is tracked,
consent, listen, withdraw, export, delete; check-ins and concerns from the member page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from tests.browser.conftest import facilitator_page, member_page, read_confidentiality
from tests.support.clients import PASSWORD, Facilitator, client
from tests.support.server import LiveServer

pytestmark = pytest.mark.browser


async def test_join_consent_listen_withdraw_export_and_delete(
    browser: Browser, server: LiveServer, facilitator: Facilitator
) -> None:
    dashboard = await facilitator_page(browser, server, facilitator)
    context = await browser.new_context(viewport={"width": 390, "height": 800})
    member = await context.new_page()
    await member.goto(f"{server.url}/join/{facilitator.group['invite_code']}")
    # Read before joining: what is tracked, what never is, and the confidentiality statement.
    agreement = member.locator("#agreement")
    await expect(agreement).to_contain_text("only the times when you start and stop speaking")
    await expect(agreement).to_contain_text("What stays in this group")
    await member.fill("#display-name", "Ana")
    await member.get_by_role("button", name="Join").click()
    await expect(member.locator("#hand")).to_be_hidden()  # the box was not ticked: not joined
    await member.get_by_label("I've read this agreement and I agree").check()
    await member.get_by_role("button", name="Join").click()
    await expect(member.locator("#hand")).to_be_visible()
    ana = dashboard.locator(".tile", has_text="Ana")
    await expect(ana).to_be_visible()

    await dashboard.locator("#start").click()
    await expect(member.locator("#confidentiality-note")).to_be_visible()  # nothing tracked yet (E3)
    await read_confidentiality(facilitator)
    await expect(member.locator("#confidentiality-note")).to_be_hidden()

    # "I'd rather listen today" (E5), shown to the facilitator in words.
    await member.get_by_role("button", name="I'd rather listen today").click()
    await expect(member.get_by_role("button", name="I'd rather listen today")).to_have_attribute(
        "aria-pressed", "true"
    )
    await expect(ana).to_contain_text("Listening today")
    await member.get_by_role("button", name="I'd rather listen today").click()

    # Withdraw consent: one action; the member shows as not tracked, never as quiet.
    await member.get_by_role("button", name="Stop tracking me (withdraw consent)").click()
    await member.get_by_role("button", name="Yes, stop tracking me").click()
    await expect(member.locator("#consent-off")).to_be_visible()
    await expect(ana).to_contain_text("Not tracked")
    await expect(member.get_by_role("button", name="I'm speaking")).to_be_disabled()
    await member.get_by_role("button", name="Give consent again").click()
    await expect(member.locator("#consent-on")).to_be_visible()
    await expect(ana).not_to_contain_text("Not tracked")

    # Export: only my own data.
    async with member.expect_download() as download:
        await member.get_by_role("button", name="Download my data").click()
    mine = json.loads(Path(await (await download.value).path()).read_text())
    assert mine["member"]["display_name"] == "Ana"
    assert [c["given"] for c in mine["consents"]][-3:] == [True, False, True]

    # Withdraw again, this time deleting what was recorded.
    await member.get_by_role("button", name="Stop tracking me (withdraw consent)").click()
    await member.get_by_label("Also delete what was recorded about me").check()
    await member.get_by_role("button", name="Yes, stop tracking me").click()
    await expect(member.locator("#deleted-card")).to_be_visible()
    await expect(member.locator("#deleted-card")).to_be_focused()
    await expect(member.locator("#live")).to_be_hidden()
    await expect(ana).to_be_hidden()  # removed from the dashboard with her data
    key = await member.evaluate(f"localStorage.getItem('airtime.member_key.{facilitator.group['invite_code']}')")
    assert key is None  # this browser let go of her key
    report = (await facilitator.http.get(f"/api/sessions/{facilitator.session_id}/report")).json()
    assert report["members"] == []


async def test_check_in_and_a_concern_from_the_member_page(
    browser: Browser, server: LiveServer, facilitator: Facilitator
) -> None:
    dashboard = await facilitator_page(browser, server, facilitator)
    member = await member_page(browser, server, facilitator.group["invite_code"], "Ana")
    await dashboard.locator("#start").click()
    await read_confidentiality(facilitator)
    check_in = member.locator("#pulse-check_in")
    await expect(check_in).to_be_visible()
    await check_in.get_by_label("4", exact=True).check()
    await check_in.get_by_label("Partly").check()
    await check_in.get_by_role("button", name="Send").click()
    await expect(member.locator("#pulse-thanks")).to_contain_text("anonymous")
    await expect(check_in).to_be_hidden()
    pulses = (await facilitator.http.get(f"/api/sessions/{facilitator.session_id}/pulses")).json()
    assert pulses["check_in"] == {"answers": 1, "shown": False}  # one answer: no figures (E8)

    form = member.locator("#concern-form")
    await expect(member.locator("#concern-how")).to_contain_text("alternate contact")
    await form.get_by_label("Your concern").fill("The check-in felt rushed tonight.")
    await form.get_by_label("It is about the facilitator").check()
    await form.get_by_role("button", name="Send the concern").click()
    await expect(member.locator("#concern-sent")).to_contain_text("alternate contact, without your name")
    assert (await facilitator.http.get("/api/concerns")).json() == []  # about her: not routed to her
    organiser = client(server.url)
    await organiser.post("/api/auth/login", json={"username": "org", "password": PASSWORD})
    routed = (await organiser.get("/api/concerns")).json()
    assert [(c["text"], c["anonymous"], c["about_contact"]) for c in routed] == [
        ("The check-in felt rushed tonight.", True, True)
    ]
