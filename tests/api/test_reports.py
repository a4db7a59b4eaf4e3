"""Session reports as JSON, CSV and HTML; a member's own report; every export audited."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from tests.api.conftest import NewBrowser, TestClient, join_member, refused
from tests.api.test_rights import _end_with_report


def test_csv_has_one_row_per_member_and_no_formula_cells(
    fay: TestClient, browser: NewBrowser, group: dict[str, Any], session: dict[str, Any]
) -> None:
    join_member(browser(), group["invite_code"], "Jo")
    join_member(browser(), group["invite_code"], "=HYPERLINK(\"x\")")
    _end_with_report(fay, session)
    r = fay.get(f"/api/sessions/{session['id']}/report.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [row["name"] for row in rows] == ["Jo", "'=HYPERLINK(\"x\")"]
    assert list(rows[0])[:4] == ["name", "status", "present_s", "listening_s"]
    assert rows[0]["status"] == "absent" and rows[0]["mean_turn_s"] == ""  # undefined is empty


def test_the_html_file_is_the_report_page_with_its_data_inside(
    fay: TestClient, group: dict[str, Any], session: dict[str, Any]
) -> None:
    report = _end_with_report(fay, session)
    r = fay.get(f"/api/sessions/{session['id']}/report.html")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    embedded = r.text.split('id="report-data">', 1)[1].split("</script>", 1)[0]
    assert json.loads(embedded) == report
    assert "window.AirtimeReport.render" in r.text and "/static/" not in r.text
    assert group["name"] in r.text


def test_every_view_and_export_is_audited(fay: TestClient, group: dict[str, Any], session: dict[str, Any]) -> None:
    _end_with_report(fay, session)
    for fmt in ("report.csv", "report.html"):
        assert fay.get(f"/api/sessions/{session['id']}/{fmt}").status_code == 200
    actions = [r["action"] for r in fay.get(f"/api/groups/{group['id']}/audit").json()]
    assert actions.count("report.export") == 2 and actions.count("report.view") == 1


def test_a_member_sees_only_their_own_report(
    fay: TestClient, browser: NewBrowser, group: dict[str, Any], session: dict[str, Any]
) -> None:
    jo = browser()
    joined = join_member(jo, group["invite_code"], "Jo")
    join_member(browser(), group["invite_code"], "Kim")
    _end_with_report(fay, session)
    mine = jo.get(f"/api/sessions/{session['id']}/my-report").json()
    assert mine["name"] == "Jo" and mine["me"]["status"] == "absent"
    assert "Kim" not in json.dumps(mine) and joined["member"]["id"] not in json.dumps(mine["me"])
    assert set(mine["group"]) == {"participants", "balance"}  # words, never others' numbers
    refused(fay.get(f"/api/sessions/{session['id']}/my-report"), 404)  # a facilitator is not a member here
    assert fay.put(f"/api/groups/{group['id']}/settings", json={"members_see_headline": False}).status_code == 200
    assert jo.get(f"/api/sessions/{session['id']}/my-report").json()["group"] is None


def test_a_groups_sessions_are_listed_for_their_reports(
    fay: TestClient, gil: TestClient, group: dict[str, Any], session: dict[str, Any]
) -> None:
    _end_with_report(fay, session)
    listed = fay.get(f"/api/groups/{group['id']}/sessions").json()
    assert [(s["id"], s["state"]) for s in listed] == [(session["id"], "ended")]
    refused(gil.get(f"/api/groups/{group['id']}/sessions"), 404)
