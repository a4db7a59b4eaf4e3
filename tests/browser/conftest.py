"""Real headless Chromium (Debian's) driven by Playwright against a real server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from tests.support.clients import Facilitator, close_opened, setup_facilitator
from tests.support.server import LiveServer

CHROMIUM = "/usr/bin/chromium"
# Chromium as root in a sandbox-less container, with nothing reaching out to the network.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
        "--use-fake-ui-for-media-stream"]  # fmt: skip
AXE = Path(__file__).parent / "vendor" / "axe.min.js"

pytestmark = pytest.mark.browser


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path / "data", AIRTIME_LEAVE_GRACE_S="2").start()
    yield live
    live.stop()


@pytest.fixture
async def launch() -> AsyncIterator[Any]:
    """Launch Chromium with extra flags (e.g. a fake microphone); closed after the test."""
    async with async_playwright() as playwright:
        browsers: list[Browser] = []

        async def start(*extra: str) -> Browser:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS + list(extra))
            browsers.append(browser)
            return browser

        yield start
        for browser in browsers:
            await browser.close()


@pytest.fixture
async def browser(launch: Any) -> Browser:
    return await launch()


@pytest.fixture
async def facilitator(server: LiveServer) -> AsyncIterator[Facilitator]:
    fac = await setup_facilitator(server.url)
    yield fac
    await close_opened()


async def facilitator_page(browser: Browser, server: LiveServer, fac: Facilitator,
                           width: int = 1280) -> Page:  # fmt: skip
    """The dashboard in its own browser context, logged in with the facilitator's cookie."""
    context = await browser.new_context(viewport={"width": width, "height": 900})
    cookies = [{"name": c.name, "value": c.value, "url": server.url} for c in fac.http.cookies.jar]
    await context.add_cookies(cookies)  # type: ignore[arg-type]
    page = await context.new_page()
    await page.goto(f"{server.url}/dashboard/{fac.session_id}")
    await page.wait_for_selector("#conn")
    return page


async def member_page(browser: Browser | BrowserContext, server: LiveServer, code: str, name: str,
                      width: int = 390) -> Page:  # fmt: skip
    """A member joining through the invite link, as on a phone."""
    context = browser if isinstance(browser, BrowserContext) else await browser.new_context(
        viewport={"width": width, "height": 800})  # fmt: skip
    page = await context.new_page()
    await page.goto(f"{server.url}/join/{code}")
    await page.fill("#display-name", name)
    await page.check("#agree")
    await page.get_by_role("button", name="Join").click()
    await page.wait_for_selector("#hand")
    return page


async def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Serious and critical accessibility violations found by axe-core in the page."""
    await page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = await page.evaluate("async () => (await axe.run(document)).violations")
    return [v for v in result if v["impact"] in ("serious", "critical")]


async def read_confidentiality(fac: Facilitator) -> None:
    """The facilitator marks the confidentiality statement read, so speech is tracked (E3)."""
    response = await fac.http.post(f"/api/sessions/{fac.session_id}/confidentiality")
    assert response.status_code == 200, response.text
