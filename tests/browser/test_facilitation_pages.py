"""Prompts, rounds and group settings in real Chromium."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from tests.browser.conftest import facilitator_page, member_page, read_confidentiality
from tests.support.clients import Facilitator
from tests.support.server import LiveServer

pytestmark = pytest.mark.browser
QUICK = {"quiet_after_s": 2, "quiet_window_s": 4, "silent_for_s": 2, "member_prompt_gap_s": 30,
         "prompt_gap_s": 30}  # fmt: skip


async def test_a_prompt_is_answered_with_one_tap(
    browser: Browser, server: LiveServer, facilitator: Facilitator
) -> None:
    r = await facilitator.http.put(f"/api/groups/{facilitator.group['id']}/settings", json=QUICK)
    assert r.status_code == 200
    dashboard = await facilitator_page(browser, server, facilitator)
    member = await member_page(browser, server, facilitator.group["invite_code"], "Ana")
    await dashboard.locator("#start").click()
    await read_confidentiality(facilitator)
    prompt = dashboard.locator('#prompt-list .prompt[data-id="1"]')
    await expect(prompt).to_be_visible(timeout=10_000)
    await expect(prompt).to_contain_text("pass", ignore_case=True)
    await prompt.get_by_role("button", name="Acted on").click()
    await expect(prompt).to_contain_text("Acted on")
    report = (await facilitator.http.get(f"/api/sessions/{facilitator.session_id}/report")).json()
    assert report["prompts"][0]["outcome"] == "acted_on"
    assert await member.locator(".prompt").count() == 0  # members never see prompts


async def test_a_round_where_a_member_passes(
    browser: Browser, server: LiveServer, facilitator: Facilitator
) -> None:
    dashboard = await facilitator_page(browser, server, facilitator)
    code = facilitator.group["invite_code"]
    ana = await member_page(browser, server, code, "Ana")
    ben = await member_page(browser, server, code, "Ben")
    await expect(dashboard.locator(".tile", has_text="Ben")).to_be_visible()
    await dashboard.locator("#start").click()
    await read_confidentiality(facilitator)
    await expect(ana.locator("#state-badge")).to_have_text("Live")
    await dashboard.locator("#round-kind").select_option("check_in")
    await dashboard.locator("#round-start").click()
    await expect(ana.locator("#round-card")).to_be_visible()
    await expect(ana.locator("#round-turn")).to_contain_text("your turn")
    await expect(ben.locator("#round-turn")).to_contain_text("Ana")
    await ana.locator("#round-pass").click()
    await expect(ben.locator("#round-turn")).to_contain_text("your turn")
    await expect(dashboard.locator(".round-current")).to_contain_text("Ben")
    await dashboard.locator("#round-next").click()
    await expect(ana.locator("#round-card")).to_be_hidden()


async def test_group_settings_page_saves(
    browser: Browser, server: LiveServer, facilitator: Facilitator
) -> None:
    dashboard = await facilitator_page(browser, server, facilitator)
    page = await dashboard.context.new_page()
    await page.goto(f"{server.url}/groups/{facilitator.group['id']}/settings")
    form = page.locator("#settings-form")
    await expect(form).to_be_visible()
    await form.get_by_label("Least time spoken first").check()
    await form.get_by_role("button", name="Save").click()
    await expect(page.locator("#settings-saved")).to_be_visible()
    saved = (await facilitator.http.get(f"/api/groups/{facilitator.group['id']}/settings")).json()
    assert saved["hand_order"] == "least_airtime"


async def test_agreement_page_saves_a_new_version_with_a_proposal(
    browser: Browser, server: LiveServer, facilitator: Facilitator
) -> None:
    dashboard = await facilitator_page(browser, server, facilitator)
    member = await member_page(browser, server, facilitator.group["invite_code"], "Ana")
    await expect(member.locator("#agreement-version")).to_contain_text("1")
    await member.locator("#propose-text").fill("Phones on silent, please.")
    await member.locator("#propose-form").get_by_role("button").click()
    await expect(member.locator("#propose-sent")).to_be_visible()
    page = await dashboard.context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    await page.goto(f"{server.url}/groups/{facilitator.group['id']}/agreement")
    await expect(page.locator("#agreement-form")).to_be_visible()
    proposal = page.locator(".proposal", has_text="Phones on silent, please.")
    await proposal.get_by_role("checkbox").check()
    await page.locator("#agreement-save").click()
    await expect(page.locator("#agreement-saved")).to_contain_text("version 2")
    agreement = (await facilitator.http.get(f"/api/groups/{facilitator.group['id']}/agreement")).json()
    assert agreement["version"] == 2 and "Phones on silent, please." in agreement["ground_rules"]
    assert errors == []


async def test_a_member_downloads_then_deletes_their_data(
    browser: Browser, server: LiveServer, facilitator: Facilitator
) -> None:
    member = await member_page(browser, server, facilitator.group["invite_code"], "Ana")
    await expect(member.locator("#my-data")).to_be_visible()
    async with member.expect_download() as download:
        await member.locator("#data-download").click()
    saved = await (await download.value).path()
    data = json.loads(Path(saved).read_text())
    assert data["member"]["display_name"] == "Ana"
    key = await member.evaluate(f"localStorage.getItem('airtime.member_key.{facilitator.group['invite_code']}')")
    await member.locator("#data-delete").click()
    await member.locator("#data-delete-yes").click()
    await expect(member.locator("#data-status")).to_contain_text("deleted")
    gone = await facilitator.http.post("/api/members/export", json={"member_key": key})
    assert gone.status_code == 403
