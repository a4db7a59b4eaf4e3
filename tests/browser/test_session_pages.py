"""The dashboard and member pages in real Chromium against a real server."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import cast

import pytest
from playwright.async_api import Browser, Page, expect

from tests.browser.conftest import (
    axe_violations,
    facilitator_page,
    member_page,
    read_confidentiality,
)  # fmt: skip
from tests.support.clients import Facilitator
from tests.support.proxy import CuttableProxy
from tests.support.server import LiveServer

pytestmark = pytest.mark.browser


async def start(dashboard: Page, fac: Facilitator) -> None:
    await dashboard.locator("#start").click()
    await expect(dashboard.locator("#state-badge")).to_have_text("Live")
    await read_confidentiality(fac)


def tile(dashboard: Page, name: str):
    return dashboard.locator(".tile", has_text=name)


async def report(fac: Facilitator) -> dict:  # type: ignore[type-arg]
    response = await fac.http.get(f"/api/sessions/{fac.session_id}/report")
    assert response.status_code == 200
    return dict(response.json())


async def test_hands_in_order_and_in_person_marking(
    browser: Browser, server: LiveServer, facilitator: Facilitator
) -> None:
    dashboard = await facilitator_page(browser, server, facilitator)
    code = facilitator.group["invite_code"]
    ana = await member_page(browser, server, code, "Ana")
    ben = await member_page(browser, server, code, "Ben")
    await expect(tile(dashboard, "Ana")).to_be_visible()
    await expect(tile(dashboard, "Ben")).to_be_visible()
    await start(dashboard, facilitator)

    # Hands appear in the order raised; each member sees their own place.
    await ben.locator("#hand").click()
    await expect(dashboard.locator("#queue li")).to_have_count(1)
    await ana.locator("#hand").click()
    await expect(dashboard.locator("#queue li")).to_have_count(2)
    await expect(dashboard.locator("#queue li").nth(0)).to_contain_text("Ben")
    await expect(dashboard.locator("#queue li").nth(1)).to_contain_text("Ana")
    await expect(ana.locator("#hand-place")).to_contain_text("2nd")
    await expect(ben.locator("#hand-place")).to_contain_text("1st")

    # Calling on Ben moves Ana up; Ben is invited gently.
    await dashboard.get_by_role("button", name="Call on Ben").click()
    await expect(ben.locator("#called")).to_be_visible()
    await expect(dashboard.locator("#queue li")).to_have_count(1)
    await expect(ana.locator("#hand-place")).to_contain_text("1st")

    # In-person mode: tap Ana's tile to mark her speaking, tap again to stop.
    await tile(dashboard, "Ana").click()
    await expect(tile(dashboard, "Ana")).to_have_attribute("aria-pressed", "true")
    await asyncio.sleep(2.0)
    await tile(dashboard, "Ana").click()
    await expect(tile(dashboard, "Ana")).to_have_attribute("aria-pressed", "false")
    await expect(ana.locator("#my-airtime")).to_have_text("0:02")
    figures = {m["name"]: m for m in (await report(facilitator))["members"]}
    assert figures["Ana"]["airtime_s"] == pytest.approx(2.0, abs=0.5)
    assert figures["Ben"]["airtime_s"] == 0
    # Ana's hand came down by itself once she had spoken for 3 s? No: 2 s is not enough.
    await expect(dashboard.locator("#queue li")).to_have_count(1)

    # Tapping someone else switches the speaker (DOMAIN.md D2).
    await tile(dashboard, "Ana").click()
    await expect(tile(dashboard, "Ana")).to_have_attribute("aria-pressed", "true")
    await tile(dashboard, "Ben").click()
    await expect(tile(dashboard, "Ben")).to_have_attribute("aria-pressed", "true")
    await expect(tile(dashboard, "Ana")).to_have_attribute("aria-pressed", "false")


async def test_hostile_display_names_stay_inert_text(
    browser: Browser, server: LiveServer, facilitator: Facilitator
) -> None:
    hostile = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>'
    dashboard = await facilitator_page(browser, server, facilitator)
    member = await member_page(browser, server, facilitator.group["invite_code"], hostile[:40])
    shown = tile(dashboard, "<img src=x")
    await expect(shown).to_be_visible()
    assert hostile[:40] in await shown.inner_text()
    assert await dashboard.locator("#tiles img, #tiles script").count() == 0
    assert await dashboard.evaluate("window.pwned") is None
    assert await member.evaluate("window.pwned") is None
    assert await member.locator("main img").count() == 0


async def test_dashboard_reconnects_after_a_server_restart(
    browser: Browser, server: LiveServer, facilitator: Facilitator
) -> None:
    dashboard = await facilitator_page(browser, server, facilitator)
    member = await member_page(browser, server, facilitator.group["invite_code"], "Kim")
    await start(dashboard, facilitator)
    await member.locator("#hand").click()
    await expect(dashboard.locator("#queue li")).to_have_count(1)

    server.stop()
    await expect(dashboard.locator("#notice")).to_be_visible(timeout=10_000)
    server.start()
    # Whole again from the snapshot: the notice goes, Kim and her hand are back.
    await expect(dashboard.locator("#notice")).to_be_hidden(timeout=20_000)
    await expect(dashboard.locator("#state-badge")).to_have_text("Live")
    await expect(dashboard.locator("#queue li")).to_have_count(1)
    await expect(dashboard.locator("#queue li").first).to_contain_text("Kim")
    await expect(member.locator("#notice")).to_be_hidden(timeout=20_000)
    await member.locator("#hand").click()  # the member's page works again too
    await expect(dashboard.locator("#queue li")).to_have_count(0)


async def test_a_dropped_dashboard_resumes_with_what_it_missed(
    browser: Browser, server: LiveServer, facilitator: Facilitator
) -> None:
    """RELIABILITY.md O1, F3: the network drops, the page retries with backoff, and when it is
    back the server sends only what the page missed since the last seq it saw."""
    proxy = await CuttableProxy(server.port).start()
    through_proxy = cast(LiveServer, SimpleNamespace(url=proxy.url))
    dashboard = await facilitator_page(browser, through_proxy, facilitator)
    member = await member_page(browser, server, facilitator.group["invite_code"], "Kim")
    await start(dashboard, facilitator)
    await expect(tile(dashboard, "Kim")).to_be_visible()

    await proxy.cut()
    await expect(dashboard.locator("#notice")).to_be_visible(timeout=10_000)
    await member.locator("#hand").click()  # while the dashboard is cut off
    await asyncio.sleep(1.5)  # a few failed attempts, backing off
    await proxy.restore()
    await expect(dashboard.locator("#notice")).to_be_hidden(timeout=20_000)
    await expect(dashboard.locator("#queue li")).to_have_count(1)
    await expect(dashboard.locator("#queue li").first).to_contain_text("Kim")
    metrics = (await facilitator.http.get("/metrics")).text
    assert 'airtime_resumes_total{outcome="resumed"} 1.0' in metrics
    assert 'outcome="snapshot"' not in metrics
    await proxy.close()


async def test_pages_have_no_serious_accessibility_violations(
    browser: Browser, server: LiveServer, facilitator: Facilitator
) -> None:
    dashboard = await facilitator_page(browser, server, facilitator)
    member = await member_page(browser, server, facilitator.group["invite_code"], "Lou")
    await start(dashboard, facilitator)
    await member.locator("#hand").click()
    await expect(dashboard.locator("#queue li")).to_have_count(1)
    context = await browser.new_context()
    index = await context.new_page()
    await index.goto(server.url)
    await expect(index.locator("#login-username")).to_be_visible()
    for page in (dashboard, member, index):
        assert await axe_violations(page) == [], page.url
