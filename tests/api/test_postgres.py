"""The whole life of a session on a real PostgreSQL server (AIRTIME_DATABASE_URL=postgresql+psycopg://…)."""

from __future__ import annotations

from datetime import timedelta

import psycopg

from app.db import session_scope
from app.models.common import utcnow
from app.services.retention import purge
from tests.api.conftest import (
    NewBrowser,
    Serve,
    add_facilitator,
    create_group,
    join_member,
    login,
    open_session,
    register_organiser,
)  # fmt: skip
from tests.support.postgres import PostgresServer


def test_a_session_from_joining_to_deletion_and_purge(postgres: PostgresServer, serve: Serve,
                                                      browser: NewBrowser) -> None:  # fmt: skip
    url = postgres.new_database()
    organiser = serve(database_url=url)  # the migrations run against PostgreSQL at start
    register_organiser(organiser)
    add_facilitator(organiser, "fay")
    fay = browser()
    login(fay, "fay")
    group = create_group(fay)
    session = open_session(fay, group["id"])
    jo = join_member(browser(), group["invite_code"], "Jo")
    join_member(browser(), group["invite_code"], "Kim")
    for step in ("start", "confidentiality", "end"):
        assert fay.post(f"/api/sessions/{session['id']}/{step}").status_code == 200
    report = fay.get(f"/api/sessions/{session['id']}/report").json()
    assert [m["name"] for m in report["members"]] == ["Jo", "Kim"]
    assert fay.get(f"/api/sessions/{session['id']}/report.csv").text.count("\r\n") == 3

    assert browser().post("/api/members/delete", json={"member_key": jo["member_key"], "confirm": True}).status_code == 204
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain) as db:
        tables = [r[0] for r in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        for table in tables:
            rows = db.execute(f'SELECT * FROM "{table}"').fetchall()
            assert not [r for r in rows if jo["member"]["id"] in str(r)], table  # V2 on PostgreSQL too
    with session_scope(organiser.app.state.db) as db:  # type: ignore[attr-defined]
        done = purge(db, utcnow() + timedelta(days=400))
    assert done.events > 0 and done.reports == 1
    assert fay.get(f"/api/sessions/{session['id']}/report").status_code == 410
