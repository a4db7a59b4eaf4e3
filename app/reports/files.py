"""The report's file formats: CSV, one row per member, and a standalone HTML page.

The HTML page is the one the app serves at /sessions/{id}/report, with its styles,
the vendored chart library and the report script inlined and the report's JSON
embedded, so a saved file (or `airtime simulate --html`) works offline.
"""

from __future__ import annotations

import csv
import html
import io
import json
from pathlib import Path
from typing import Any

from app.domain.report import MEMBER_FIELDS

CSV_FIELDS = ("name", "status", *MEMBER_FIELDS)
SCRIPTS = ("vendor/vega/vega.min.js", "vendor/vega/vega-lite.min.js", "vendor/vega/vega-embed.min.js",
           "report-view.js")  # fmt: skip
STYLES = ("app.css", "report.css")


def report_csv(report: dict[str, Any]) -> str:
    """One row per member, in the report's order; not-tracked members with their status only."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for member in report.get("members", []):
        writer.writerow({key: _cell(member.get(key)) for key in CSV_FIELDS})
    return out.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value  # a display name must not run as a spreadsheet formula
    return "" if value is None else value


def standalone_html(report: dict[str, Any], web_dir: Path, title: str, subtitle: str = "",
                    check_ins: dict[str, Any] | None = None) -> str:  # fmt: skip
    """A single offline HTML file that draws the report exactly as the app's page does."""
    styles = "\n".join((web_dir / name).read_text(encoding="utf-8") for name in STYLES)
    scripts = "\n".join(f"<script>{_script(web_dir / name)}</script>" for name in SCRIPTS)
    data = _script_text(json.dumps(report))
    options = _script_text(json.dumps({"title": title, "subtitle": subtitle, "checkIns": check_ins}))
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} — Airtime</title>
<style>{styles}</style>
{scripts}
</head>
<body>
<main class="wrap report" id="report"><p class="muted">Drawing the report…</p></main>
<script type="application/json" id="report-data">{data}</script>
<script type="application/json" id="report-options">{options}</script>
<script>
  const read = (id) => JSON.parse(document.getElementById(id).textContent);
  window.AirtimeReport.render(read('report-data'), document.getElementById('report'), read('report-options'));
</script>
</body>
</html>
"""


def _script(path: Path) -> str:
    """Code inlined as it is: only a `</script` could end the element early, so refuse one."""
    code = path.read_text(encoding="utf-8")
    if "</script" in code.lower() or "<!--" in code:
        raise ValueError(f"{path.name} cannot be inlined into a <script> element")
    return code


def _script_text(text: str) -> str:
    """JSON safe inside a <script> element: `<\\/` is the same string to JSON."""
    return text.replace("</", "<\\/").replace("<!--", "<\\u0021--")
