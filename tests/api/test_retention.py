"""The retention purge, tested by moving the clock (DOMAIN.md E9, RELIABILITY.md V3)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, create_engine, func, select

from app.models import RuleProposal, SessionEvent, SessionReport
from app.models.common import utcnow
from app.services.agreements import propose_rule
from tests.api.conftest import NewBrowser, join_member

AIRTIME = str(Path(sys.executable).parent / "airtime")


def count(db: Session, table: Any) -> int:
    return int(db.exec(select(func.count()).select_from(table)).one())


def test_events_then_reports_then_texts_expire(fay: TestClient, browser: NewBrowser, group: dict[str, Any],
                                               session: dict[str, Any], tmp_path: Path) -> None:  # fmt: skip
    joined = join_member(browser(), group["invite_code"], "Jo")
    assert fay.post(f"/api/sessions/{session['id']}/start").status_code == 200
    assert fay.post(f"/api/sessions/{session['id']}/end").status_code == 200
    assert fay.get(f"/api/sessions/{session['id']}/report").status_code == 200
    data = tmp_path / "data0"
    engine = create_engine(f"sqlite:///{data / 'airtime.db'}")
    with Session(engine) as db:
        propose_rule(db, group["id"], joined["member"]["id"], "Phones on silent.")
        db.commit()
        assert count(db, SessionEvent) > 0 and count(db, SessionReport) == 1

    def purge_at(days: int) -> str:
        when = (utcnow() + timedelta(days=days)).isoformat()
        result = subprocess.run([AIRTIME, "purge", "--now", when], capture_output=True, text=True,
                                env={"AIRTIME_DATA_DIR": str(data), "PATH": ""}, timeout=60, check=True)  # fmt: skip
        return result.stdout.strip()

    assert purge_at(29) == "purged 0 events, 0 reports, 0 proposed rules"
    first = purge_at(31)
    assert first.startswith("purged ") and first.endswith(" events, 0 reports, 0 proposed rules")
    assert first != "purged 0 events, 0 reports, 0 proposed rules"
    with Session(engine) as db:
        assert count(db, SessionEvent) == 0  # raw events are gone after 30 days...
        assert count(db, SessionReport) == 1  # ...the stored report remains
        assert count(db, RuleProposal) == 1
        details = json.loads(db.exec(select(SessionReport.body)).one())["details"]
        assert details["raw_purged"] is True and details["segments"] == details["cumulative"] == []
    assert purge_at(366) == "purged 0 events, 1 reports, 1 proposed rules"
    with Session(engine) as db:
        assert count(db, SessionReport) == 0 and count(db, RuleProposal) == 0
    engine.dispose()
    actions = [entry["action"] for entry in fay.get(f"/api/groups/{group['id']}/audit").json()]
    assert actions.count("purge") == 2
    gone = fay.get(f"/api/sessions/{session['id']}/report")
    assert gone.status_code == 410
    assert gone.json()["detail"] == "this session's report has passed the group's retention period"
