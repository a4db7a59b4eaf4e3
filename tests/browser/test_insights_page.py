"""The group insights page in real Chromium: Vega-Lite charts with text alternatives, for the
facilitator and the organiser; its empty state and the organiser's small-group notice."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, Page, expect

from tests.browser.conftest import axe_violations
from tests.browser.test_home_pages import logged_in_page, organiser
from tests.realtime.test_facilitation import QUICK
from tests.realtime.test_insights import Group, pulses
from tests.support.clients import Facilitator
from tests.support.server import LiveServer

pytestmark = pytest.mark.browser
NAMES = ["Ana", "Ben", "Cy", "Dee", "Eli"]
CHARTS = ["attendance", "came-back", "balance", "inclusion", "follow-through"]
MARKS = "svg .mark-rect path, svg .mark-symbol path, svg .mark-line path"


async def two_sessions(server: LiveServer, fac: Facilitator) -> Group:
    """Two ended sessions with the same five members: speech, an invitation, check-ins."""
    assert (await fac.http.put(f"/api/groups/{fac.group['id']}/settings", json=QUICK)).status_code == 200
    group = Group(server, fac)
    for scores in ([5, 4, 4, 3, 4], [4, 4, 5, 3, 3]):
        dash, socks = await group.session(NAMES)
        await pulses([socks[name] for name in NAMES], "check_in", scores)
        await socks["Ana"].send(type="speaking", on=True)
        await dash.wait_for(lambda f: f["type"] == "prompt", timeout=10)
        await socks["Ben"].send(type="speaking", on=True)
        await dash.wait_for(lambda f: f["type"] == "person" and f["person"]["id"] == group.ids["Ben"]
                            and f["person"]["speaking_since_s"] is not None)  # fmt: skip
        await group.end()
    return group


async def check_charts(page: Page) -> None:
    """Each chart drew an SVG with marks, and has a heading, a sentence and a table."""
    await expect(page.locator("#insights")).to_have_attribute("data-ready", "true", timeout=15000)
    for chart in CHARTS:
        section = page.locator(f"section#{chart}")
        await expect(section.get_by_role("heading", level=2)).to_be_visible()
        container = section.locator(f"#{chart}-chart")
        await expect(container).to_have_attribute("data-rendered", "true")
        assert await container.locator(MARKS).count() >= 1, chart
        await expect(section.locator(".chart-summary")).to_have_text(re.compile(r"\w"))
        await expect(section.locator("details table tbody tr").first).to_be_attached()
    await expect(page.locator("#leaders")).to_contain_text("Sessions with a co-facilitator")
    await expect(page.locator("#agreement")).to_contain_text("Next review due")
    body = await page.locator("body").inner_text()
    assert not any(re.search(rf"\b{name}\b", body) for name in NAMES)  # no member in sight (E6)
    assert await axe_violations(page) == []


async def test_facilitator_and_organiser_see_the_charts(
    browser: Browser, server: LiveServer, facilitator: Facilitator
) -> None:
    await two_sessions(server, facilitator)
    page = await logged_in_page(browser, server, facilitator.http)
    await page.get_by_role("link", name="Insights for Tuesday circle").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Insights for Tuesday circle")
    await check_charts(page)
    await expect(page.locator("#came-back .chart-summary")).to_contain_text("100%")
    await expect(page.locator("#agreement").get_by_role("link", name="Open the agreement")).to_be_visible()

    org = await logged_in_page(browser, server, await organiser(server))
    await org.get_by_role("link", name="Insights for Tuesday circle").click()
    await check_charts(org)
    await expect(org.locator("#agreement").get_by_role("link")).to_have_count(0)  # not hers to edit


async def test_empty_group_and_small_group_explain_themselves(
    browser: Browser, server: LiveServer, facilitator: Facilitator
) -> None:
    path = f"/groups/{facilitator.group['id']}/insights"
    page = await logged_in_page(browser, server, facilitator.http, path)
    await expect(page.locator("#insights")).to_have_attribute("data-ready", "true")
    await expect(page.get_by_role("heading", level=2, name="Insights appear after the first session ends")).to_be_visible()
    await expect(page.locator("#agreement")).to_contain_text("Version")
    assert await axe_violations(page) == []

    org = await logged_in_page(browser, server, await organiser(server), path)
    await expect(org.get_by_role("heading", name="Figures are hidden for this group")).to_be_visible()
    await expect(org.locator(".insights-hidden")).to_contain_text("5 or more members")
    assert await axe_violations(org) == []
