"""A member's fake microphone plays speech then silence; the dashboard follows (DOMAIN.md D1)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from tests.browser.audio import speech_wav
from tests.browser.conftest import facilitator_page, member_page, read_confidentiality
from tests.support.clients import Facilitator
from tests.support.server import LiveServer

pytestmark = pytest.mark.browser
BEFORE_S, SPEECH_S, AFTER_S = 2.0, 4.0, 5.0

# Record, in the dashboard, when Ana's tile starts and stops showing her speaking.
WATCH_TILE = """(name) => {
  window.tileSpeaking = [];
  const seen = () => {
    const tile = [...document.querySelectorAll('.tile')].find((t) => t.textContent.includes(name));
    const now = tile && tile.getAttribute('aria-pressed') === 'true';
    const last = window.tileSpeaking.at(-1);
    if (tile && (!last || last.on !== now)) window.tileSpeaking.push({ on: now, at: Date.now() });
  };
  new MutationObserver(seen).observe(document.body, { subtree: true, attributes: true, childList: true });
  seen();
}"""


async def test_fake_microphone_speech_is_detected_and_timed(
    launch: Any, server: LiveServer, facilitator: Facilitator, tmp_path: Path
) -> None:
    wav = speech_wav(tmp_path / "speech.wav", BEFORE_S, SPEECH_S, AFTER_S)
    browser = await launch("--use-fake-device-for-media-stream",
                           f"--use-file-for-fake-audio-capture={wav}%noloop")  # fmt: skip
    dashboard = await facilitator_page(browser, server, facilitator)
    ana = await member_page(browser, server, facilitator.group["invite_code"], "Ana")
    await dashboard.locator("#start").click()
    await read_confidentiality(facilitator)
    await expect(ana.locator("#state-badge")).to_have_text("Live")
    await dashboard.evaluate(WATCH_TILE, "Ana")

    await ana.locator("#use-mic").check()
    await ana.wait_for_function("window.airtimeMic && window.airtimeMic.startedAt")
    started_at = await ana.evaluate("window.airtimeMic.startedAt")

    # Not speaking during the leading silence...
    await asyncio.sleep(BEFORE_S - 0.6)
    assert await ana.evaluate("window.airtimeMic.speaking") is False
    # ...speaking during the speech, on the member's page and on the dashboard...
    await ana.wait_for_function("window.airtimeMic.speaking === true", timeout=3000)
    tile = dashboard.locator(".tile", has_text="Ana")
    await expect(tile).to_have_attribute("aria-pressed", "true", timeout=3000)
    # ...and not once the speech is over.
    await expect(tile).to_have_attribute("aria-pressed", "false", timeout=SPEECH_S * 1000 + 3000)
    await asyncio.sleep(AFTER_S - 1.5)
    assert await ana.evaluate("window.airtimeMic.speaking") is False

    changes = await dashboard.evaluate("window.tileSpeaking")
    ons = [c for c in changes if c["on"]]
    assert len(ons) == 1, changes  # one turn, no flicker in the silence
    delay_ms = ons[0]["at"] - (started_at + BEFORE_S * 1000)
    print(f"\nspeech onset to dashboard: {delay_ms:.0f} ms")
    assert 0 < delay_ms < 1500

    response = await facilitator.http.get(f"/api/sessions/{facilitator.session_id}/report")
    airtime = response.json()["members"][0]["airtime_s"]
    assert airtime == pytest.approx(SPEECH_S, abs=0.75)
