"""Time the session report (JSON and HTML) for a 3-hour, 30-member, 40,000-event session.

The session is folded once; then the report is built from the folded engine, as the
server does when a session ends: the JSON (figures, prompts, chart details) and the
standalone HTML page. It runs at 10,000, 20,000 and 40,000 events to show the cost
grows in proportion to the events. With --browser it also times headless Chromium
drawing the HTML file's charts.
Run: python bench/report.py [--json] [--browser]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.domain.report import build_report
from app.domain.report_details import report_details
from app.domain.scenario import parse_scenario
from app.domain.simulate import engine_for
from app.reports.files import report_csv, standalone_html
from bench.scenarios import long_session

RUNS = 5


def timed(work: Any) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(RUNS):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def measure(events: int) -> dict[str, Any]:
    scenario = parse_scenario(json.dumps(long_session(events=events)))
    engine = engine_for(scenario)
    engine.apply_all(scenario.events)
    people = scenario.members + ([scenario.facilitator] if scenario.facilitator else [])
    end = scenario.duration

    def build_json() -> str:
        report = build_report(engine, scenario.members, scenario.facilitator, now=end)
        report["details"] = report_details(engine, people, end)
        return json.dumps(report)

    json_s, text = timed(build_json)
    report = json.loads(text)
    html_s, page = timed(lambda: standalone_html(report, ROOT / "web", "Session report"))
    csv_s, _ = timed(lambda: report_csv(report))
    return {
        "events": len(scenario.events), "members": len(scenario.members),
        "json_ms": round(json_s * 1000, 1), "html_ms": round(html_s * 1000, 1), "csv_ms": round(csv_s * 1000, 2),
        "json_kib": round(len(text) / 1024), "html_kib": round(len(page) / 1024),
        "segments": len(report["details"]["segments"]), "page": page,
    }  # fmt: skip


async def browser_draw_ms(page: str) -> float:
    """From opening the saved HTML file to every chart drawn, in headless Chromium."""
    from playwright.async_api import async_playwright

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.html"
        path.write_text(page, encoding="utf-8")
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            tab = await browser.new_page(viewport={"width": 1280, "height": 900})
            start = time.perf_counter()
            await tab.goto(path.as_uri())
            await tab.wait_for_function("document.querySelectorAll('[data-rendered=\"true\"]').length === 4",
                                        timeout=120_000)  # fmt: skip
            elapsed = time.perf_counter() - start
            await browser.close()
    return round(elapsed * 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="one JSON line of figures")
    parser.add_argument("--browser", action="store_true", help="also time Chromium drawing the charts")
    args = parser.parse_args()
    rows = [measure(n) for n in (10_000, 20_000, 40_000)]
    figures: dict[str, Any] = {"runs": RUNS, "by_size": [{k: v for k, v in r.items() if k != "page"} for r in rows]}
    if args.browser:
        figures["browser_draw_ms_40k"] = asyncio.run(browser_draw_ms(rows[-1]["page"]))
    if args.json:
        print(json.dumps(figures))
        return
    print(f"Session report, median of {RUNS} runs, from a folded 3-hour session with 30 members:")
    for r in figures["by_size"]:
        print(f"  {r['events']:>6} events ({r['segments']} segments): JSON {r['json_ms']} ms ({r['json_kib']} KiB), "
              f"HTML {r['html_ms']} ms ({r['html_kib']} KiB), CSV {r['csv_ms']} ms")  # fmt: skip
    first, last = figures["by_size"][0], figures["by_size"][-1]
    print(f"  JSON cost per event: {first['json_ms'] / first['events'] * 1000:.1f} us at {first['events']}, "
          f"{last['json_ms'] / last['events'] * 1000:.1f} us at {last['events']}")  # fmt: skip
    if args.browser:
        print(f"  Chromium draws the 40,000-event report's charts in {figures['browser_draw_ms_40k']} ms")


if __name__ == "__main__":
    main()
