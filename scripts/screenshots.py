"""Screenshots for the docs: docs/img/dashboard.png, member.png, group-insights.png, session-report.png.

Run from the repository with the test dependencies installed:
    .venv/bin/python scripts/screenshots.py [--wait 150] [--only live|insights]
It starts `airtime demo`, lets the simulated members talk past the warm-up, then
captures the facilitator's dashboard and a member's page in headless Chromium.
Then it plays six short sessions of a group (scripts/insights_demo.py) and captures
that group's insights page.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import subprocess
import sys
from pathlib import Path

import report_demo  # scripts/report_demo.py, beside this file
from insights_demo import capture_insights  # scripts/insights_demo.py, beside this file
from playwright.async_api import async_playwright

ROOT = Path(__file__).resolve().parent.parent
AIRTIME = str(Path(sys.executable).parent / "airtime")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def start_demo(port: int) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen([AIRTIME, "demo", "--port", str(port), "--members", "7"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    assert process.stdout is not None
    banner = ""
    while "Press Ctrl+C" not in banner:
        line = process.stdout.readline()
        if not line:
            raise SystemExit("the demo did not start:\n" + banner)
        banner += line
    return process, banner


async def capture(banner: str, wait_s: float, out: Path) -> None:
    dashboard_url = re.search(r"Dashboard:\s+(\S+)", banner).group(1)  # type: ignore[union-attr]
    join_url = re.search(r"yourself:\s+(\S+)", banner).group(1)  # type: ignore[union-attr]
    user, password = re.search(r"as\s+(\S+)\s+/\s+(\S+)", banner).groups()  # type: ignore[union-attr]
    base = dashboard_url.split("/dashboard/")[0]
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        facilitator = await browser.new_page(viewport={"width": 1366, "height": 900})
        await facilitator.goto(base + "/")
        await facilitator.fill("#login-username", user)
        await facilitator.fill("#login-password", password)
        await facilitator.keyboard.press("Enter")
        await facilitator.wait_for_selector("text=Log out")
        await facilitator.goto(dashboard_url)
        member = await browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
        await member.goto(join_url)
        await member.fill("#display-name", "Sam")
        await member.check("#agree")
        await member.get_by_role("button", name="Join").click()
        await member.wait_for_selector("#hand")
        await member.locator("#recovery-done").click()
        print(f"letting the demo session run for {wait_s:.0f} s…", flush=True)
        await asyncio.sleep(wait_s)
        await member.locator("#hand").click()
        await asyncio.sleep(2)
        out.mkdir(parents=True, exist_ok=True)
        await facilitator.screenshot(path=str(out / "dashboard.png"), full_page=True)
        await member.screenshot(path=str(out / "member.png"), full_page=True)
        await browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wait", type=float, default=150, help="seconds of session before capturing")
    parser.add_argument("--port", type=int, default=8899)
    parser.add_argument("--only", choices=["live", "insights", "report"], help="just the live session's "
                        "screenshots, the group insights page, or the session report")  # fmt: skip
    args = parser.parse_args()
    if args.only in (None, "live"):
        process, banner = start_demo(args.port)
        try:
            asyncio.run(capture(banner, args.wait, ROOT / "docs" / "img"))
        finally:
            process.terminate()
            process.wait(15)
        print("wrote docs/img/dashboard.png and docs/img/member.png")
    if args.only in (None, "insights"):
        capture_insights(ROOT / "docs" / "img", args.port + 1)
        print("wrote docs/img/group-insights.png")
    if args.only in (None, "report"):
        report_demo.main()  # docs/img/session-report.png


if __name__ == "__main__":
    main()
