"""A session report for the docs: docs/img/session-report.png.

Plays an invented 75-minute peer support session (eight members, a check-in round,
raised hands, two quieter members, prompts on) through the engine, writes the same
offline HTML report as `airtime simulate --html`, and captures it in headless Chromium.
    .venv/bin/python scripts/report_demo.py
"""

from __future__ import annotations

import asyncio
import json
import random
import tempfile
from pathlib import Path
from typing import Any

from playwright.async_api import async_playwright

from app.domain.scenario import parse_scenario
from app.domain.simulate import simulate
from app.reports.files import standalone_html

ROOT = Path(__file__).resolve().parent.parent
NAMES = ["Ana", "Ben", "Chidi", "Dana", "Eli", "Fatima", "Gus", "Hana"]
TALKATIVE = {"Ben": 3.0, "Dana": 2.0, "Eli": 1.2, "Ana": 1.0, "Gus": 1.0, "Fatima": 0.8, "Chidi": 0.15, "Hana": 0.1}


def scenario(seed: int = 11) -> dict[str, Any]:
    rng = random.Random(seed)
    events: list[dict[str, Any]] = [{"t": 60, "type": "round", "on": True}]
    t = 60.0
    for name in NAMES:  # a check-in round: everyone briefly, one after another
        length = rng.uniform(25, 70) if name not in ("Chidi", "Hana") else rng.uniform(10, 20)
        events += speech(name, t, length)
        t += length + rng.uniform(2, 5)
    events.append({"t": round(t, 3), "type": "round", "on": False})
    while t < 72 * 60:
        name = rng.choices(list(TALKATIVE), list(TALKATIVE.values()))[0]
        length = rng.uniform(20, 150)
        start = t + rng.uniform(-4, 6)  # now and then someone comes in over the end of a turn
        if rng.random() < 0.15:
            raiser = rng.choice(NAMES)
            events.append({"t": round(start, 3), "type": "hand", "member": raiser, "raised": True})
            events.append({"t": round(start + rng.uniform(20, 90), 3), "type": "call", "member": raiser})
        events += speech(name, max(start, 0), length)
        t = start + length
    events += speech("Fay", 73 * 60, 90)
    return {"duration_s": 75 * 60, "facilitator": "Fay", "members": [{"name": n} for n in NAMES],
            "settings": {"prompts": True}, "events": sorted(events, key=lambda e: e["t"])}  # fmt: skip


def speech(name: str, start: float, length: float) -> list[dict[str, Any]]:
    return [{"t": round(start, 3), "type": "speaking", "member": name, "on": True},
            {"t": round(start + length, 3), "type": "speaking", "member": name, "on": False}]  # fmt: skip


async def capture(page_html: str, out: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.html"
        path.write_text(page_html, encoding="utf-8")
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path="/usr/bin/chromium",
                                               args=["--no-sandbox", "--disable-gpu"])  # fmt: skip
            tab = await browser.new_page(viewport={"width": 1200, "height": 900})
            await tab.goto(path.as_uri())
            await tab.wait_for_function("document.querySelectorAll('[data-rendered=\"true\"]').length === 4")
            await tab.screenshot(path=str(out), full_page=True)
            await browser.close()


def main() -> None:
    report = simulate(parse_scenario(json.dumps(scenario())), details=True)
    page = standalone_html(report, ROOT / "web", "Session report", "Tuesday circle · an invented 75-minute session")
    out = ROOT / "docs" / "img" / "session-report.png"
    asyncio.run(capture(page, out))
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
