"""The retention purge (DOMAIN.md E9, RELIABILITY.md V3): time is a parameter.

Raw speaking events go after `retain_events_days` (the stored report, computed when
the session ended, is what remains); stored reports and rosters after
`retain_reports_days`; proposed ground rules after `retain_texts_days`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, delete, select

from app.domain.report_details import without_raw
from app.domain.rules import GroupSettings
from app.models import Group, LiveSession, RuleProposal, SessionEvent, SessionPerson, SessionReport
from app.models.concerns import Concern
from app.models.sessions import SessionState
from app.services.rights import audit


@dataclass
class Purged:
    events: int = 0
    reports: int = 0
    texts: int = 0


def purge(db: Session, now: datetime) -> Purged:
    """Delete what has passed its group's retention; one audit record per group touched."""
    total = Purged()
    for group in db.exec(select(Group)):
        rules = GroupSettings.parse(json.loads(group.settings_json))
        done = _purge_group(db, group, rules, now)
        if done.events or done.reports or done.texts:
            audit(db, "system", "purge", group.id,
                  detail=f"{done.events} events, {done.reports} reports, {done.texts} texts")  # fmt: skip
        total.events += done.events
        total.reports += done.reports
        total.texts += done.texts
    return total


def _ended_before(db: Session, group: Group, cutoff: datetime) -> list[str]:
    query = (select(LiveSession.id).where(LiveSession.group_id == group.id)
             .where(LiveSession.state == SessionState.ENDED)
             .where(col(LiveSession.ended_at) < cutoff))  # fmt: skip
    return list(db.exec(query))


def _count_delete(db: Session, statement: object) -> int:
    result = db.exec(statement)  # type: ignore[call-overload]
    return int(result.rowcount or 0)


def _drop_raw_details(db: Session, session_ids: list[str]) -> None:
    """The stored reports' timelines come from the raw events, so they go with them.

    Reports already stripped are not read again at every hourly purge."""
    query = (select(SessionReport).where(col(SessionReport.session_id).in_(session_ids))
             .where(col(SessionReport.body).contains('"details"'))
             .where(~col(SessionReport.body).contains('"raw_purged": true')))  # fmt: skip
    for stored in db.exec(query):
        body = json.loads(stored.body)
        details = body.get("details")
        if details and not details.get("raw_purged"):
            body["details"] = without_raw(details)
            stored.body = json.dumps(body)
            db.add(stored)


def _purge_group(db: Session, group: Group, rules: GroupSettings, now: datetime) -> Purged:
    done = Purged()
    old = _ended_before(db, group, now - timedelta(days=rules.retain_events_days))
    if old:
        done.events = _count_delete(db, delete(SessionEvent).where(col(SessionEvent.session_id).in_(old)))
        _drop_raw_details(db, old)
    older = _ended_before(db, group, now - timedelta(days=rules.retain_reports_days))
    if older:
        done.reports = _count_delete(db, delete(SessionReport).where(col(SessionReport.session_id).in_(older)))
        _count_delete(db, delete(SessionPerson).where(col(SessionPerson.session_id).in_(older)))
    texts_cutoff = now - timedelta(days=rules.retain_texts_days)
    done.texts = _count_delete(db, delete(RuleProposal).where(col(RuleProposal.group_id) == group.id)
                               .where(col(RuleProposal.created_at) < texts_cutoff))  # fmt: skip
    done.texts += _count_delete(db, delete(Concern).where(col(Concern.group_id) == group.id)
                                .where(col(Concern.status) == "resolved")
                                .where(col(Concern.resolved_at) < texts_cutoff))  # fmt: skip
    return done
