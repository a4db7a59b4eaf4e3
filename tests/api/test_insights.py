"""GET /api/groups/{group_id}/insights: who may read it, its empty state, the agreement's
review status and per-session agreement versions (DOMAIN.md E4, E6). The figures that
need members on sockets are in tests/realtime/test_insights.py."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import Session, select

from app.db import session_scope
from app.models import Agreement
from app.models.common import utcnow
from tests.api.conftest import NewBrowser, TestClient, join_member, open_session, refused
from tests.api.test_organiser import PER_MEMBER_KEYS, ended_session_with


def insights_url(group: dict[str, Any]) -> str:
    return f"/api/groups/{group['id']}/insights"


def test_before_any_session_ends_there_is_nothing_to_draw(
    fay: TestClient, group: dict[str, Any]
) -> None:
    insights = fay.get(insights_url(group)).json()
    assert (insights["sessions_held"], insights["sessions"]) == (0, [])
    assert set(insights["overall"].values()) == {None}
    assert insights["leaders"] == {"sessions_with_co_facilitator": 0, "different_leaders": 0,
                                   "willing_members": 0, "willing_yet_to_lead": 0}  # fmt: skip
    agreement = insights["agreement"]
    assert (agreement["version"], agreement["review_is_due"], agreement["reviewed_at"]) == (
        1,
        False,
        None,
    )


def test_organisers_see_insights_only_from_five_members(
    organiser: TestClient,
    fay: TestClient,
    gil: TestClient,
    browser: NewBrowser,
    group: dict[str, Any],
) -> None:
    ended_session_with(fay, browser, group, ["Ana", "Ben", "Cy", "Di"])
    assert "5 or more" in refused(organiser.get(insights_url(group)), 403)
    assert fay.get(insights_url(group)).json()["sessions_held"] == 1  # its facilitators always
    refused(gil.get(insights_url(group)), 404)  # not his group
    ended_session_with(fay, browser, group, ["Eve"])
    insights = organiser.get(insights_url(group)).json()
    assert (insights["member_count"], insights["sessions_held"]) == (5, 2)
    assert insights == fay.get(insights_url(group)).json()
    for figures in (insights, insights["overall"], insights["leaders"], *insights["sessions"]):
        assert not PER_MEMBER_KEYS & set(figures)


def test_a_session_ended_before_it_started_was_not_held(fay: TestClient, browser: NewBrowser,
                                                         group: dict[str, Any]) -> None:  # fmt: skip
    session = open_session(fay, group["id"])
    join_member(browser(), group["invite_code"], "Ana")
    assert fay.post(f"/api/sessions/{session['id']}/end").status_code == 200
    assert fay.get(insights_url(group)).json()["sessions_held"] == 0


def test_review_status_and_the_version_each_session_ran_under(
    fay: TestClient, browser: NewBrowser, group: dict[str, Any]
) -> None:
    ended_session_with(fay, browser, group, ["Ana"])
    revised = fay.put(f"/api/groups/{group['id']}/agreement", json={"ground_rules": ["Be kind."]})
    assert revised.status_code == 200, revised.text
    ended_session_with(fay, browser, group, ["Ben"])
    with session_scope(fay.app.state.db) as db:  # type: ignore[attr-defined]
        latest = db.get(Agreement, _agreement_id(db, group["id"], 2))
        assert latest is not None
        latest.review_due = utcnow() - timedelta(days=1)
        db.add(latest)
    insights = fay.get(insights_url(group)).json()
    assert [s["agreement_version"] for s in insights["sessions"]] == [1, 2]
    assert (insights["agreement"]["version"], insights["agreement"]["review_is_due"]) == (2, True)

    assert fay.post(f"/api/groups/{group['id']}/agreement/review").status_code == 200
    after = fay.get(insights_url(group)).json()["agreement"]
    assert after["review_is_due"] is False and after["reviewed_at"] is not None
    assert after["review_due"] > after["reviewed_at"]


def _agreement_id(db: Session, group_id: str, version: int) -> str:
    query = select(Agreement.id).where(Agreement.group_id == group_id, Agreement.version == version)
    return str(db.exec(query).one())
