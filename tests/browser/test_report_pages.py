"""The session report in real Chromium: its charts draw, offline too; a member's own report."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from tests.browser.conftest import (
    axe_violations,
    facilitator_page,
    member_page,
    read_confidentiality,
)
from tests.support.clients import Facilitator
from tests.support.server import LiveServer

pytestmark = pytest.mark.browser
CHARTS = ("timeline", "shares", "cumulative", "hands")


async def charts_drawn(page: Page) -> dict[str, int]:
    """Each chart's count of drawn marks, once vega-embed has finished with all of them."""
    for chart in CHARTS:
        await expect(page.locator(f'[data-chart="{chart}"][data-rendered="true"] svg')).to_be_visible(timeout=15_000)
    marks: dict[str, int] = await page.evaluate(
        """(ids) => Object.fromEntries(ids.map((id) => [id,
             document.querySelectorAll(`[data-chart="${id}"] svg g.mark-rect path, [data-chart="${id}"] svg g.mark-line path,`
               + ` [data-chart="${id}"] svg g.mark-symbol path`).length]))""",
        list(CHARTS),
    )
    return marks


async def speak(member: Page, ms: int) -> None:
    await member.get_by_role("button", name="I'm speaking").click()
    await member.wait_for_timeout(ms)
    await member.get_by_role("button", name="I'm speaking").click()


async def test_a_facilitator_ends_a_session_and_reads_its_report(
    browser: Browser, server: LiveServer, facilitator: Facilitator, tmp_path: Path
) -> None:
    dashboard = await facilitator_page(browser, server, facilitator)
    code = facilitator.group["invite_code"]
    ana = await member_page(browser, server, code, "Ana")
    ben = await member_page(browser, server, code, "Ben")
    await expect(dashboard.locator(".tile", has_text="Ben")).to_be_visible()
    await dashboard.locator("#start").click()
    await read_confidentiality(facilitator)
    await expect(ana.locator("#confidentiality-note")).to_be_hidden()
    await ben.get_by_role("button", name="Raise my hand").click()
    await speak(ana, 1500)
    await speak(ben, 800)
    await dashboard.locator("#end").click()
    await dashboard.locator("#end-confirm").click()
    await expect(dashboard.locator("#ended")).to_be_visible()

    await dashboard.locator("#report-link").click()
    await expect(dashboard.locator("#report-title")).to_have_text("Session report")
    marks = await charts_drawn(dashboard)
    assert marks["timeline"] >= 2 and marks["shares"] >= 2 and marks["cumulative"] >= 2 and marks["hands"] >= 1
    people = dashboard.locator(".people-table tbody tr")
    await expect(people).to_have_count(3)  # Ana, Ben and the facilitator
    await expect(people.first).to_contain_text("Ana")
    assert await axe_violations(dashboard) == []

    # The same report as one offline file: it draws with no server behind it.
    async with dashboard.expect_download() as download:
        await dashboard.locator("#download-html").click()
    saved = tmp_path / "report.html"
    await (await download.value).save_as(saved)
    offline = await dashboard.context.new_page()
    await offline.route("**/*", lambda route: route.abort() if not route.request.url.startswith("file:") else route.continue_())
    await offline.goto(f"file://{saved}")
    assert (await charts_drawn(offline))["timeline"] >= 2
    await expect(offline.locator(".people-table")).to_contain_text("Ben")

    # Each member sees their own numbers only.
    await expect(ana.locator("#my-report")).to_be_visible()
    await expect(ana.locator("#my-report-facts")).to_contain_text("You spoke for")
    assert "Ben" not in await ana.locator("#my-report").inner_text()


async def test_past_session_reports_are_listed_on_the_insights_page(
    browser: Browser, server: LiveServer, facilitator: Facilitator
) -> None:
    dashboard = await facilitator_page(browser, server, facilitator)
    await dashboard.locator("#start").click()
    await read_confidentiality(facilitator)
    assert (await facilitator.http.post(f"/api/sessions/{facilitator.session_id}/end")).status_code == 200
    page = await dashboard.context.new_page()
    await page.goto(f"{server.url}/groups/{facilitator.group['id']}/insights")
    link = page.locator("#reports a")
    await expect(link).to_have_count(1)
    await link.click()
    await expect(page.locator("#report-title")).to_have_text("Session report")
    await expect(page.locator("#timeline")).to_contain_text("Nobody’s speech was recorded")
