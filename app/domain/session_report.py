"""The report a session stores when it ends: SCENARIO.md's report with what the app adds.

Shared by live rooms and RTTM imports, so a session's stored report has one shape
however its events came in (docs/protocol.md, "Sessions").
"""

from __future__ import annotations

from typing import Any

from app.domain.clock import Micros
from app.domain.engine import SessionEngine
from app.domain.prompts import follow_through
from app.domain.report import build_report
from app.domain.report_details import report_details
from app.domain.rounds import round_summary


def session_report(engine: SessionEngine, session_id: str, members: list[str],
                   facilitator: str | None, now: Micros,
                   removed_member: bool = False) -> dict[str, Any]:  # fmt: skip
    """The report as of `now`, with ids, prompt outcomes, rounds and the charts' details."""
    report = build_report(engine, members, facilitator, now=now)
    for block, pid in zip(report["members"], members, strict=True):
        block["id"] = pid
    if report["facilitator"] is not None and facilitator is not None:
        report["facilitator"]["id"] = facilitator
    log = engine.prompt_log
    for entry, prompt in zip(report["prompts"], log.issued, strict=True):
        entry |= {"id": prompt.id, "outcome": log.outcomes.get(prompt.id),
                  "followed_through": follow_through(engine, prompt, now)}  # fmt: skip
    report["rounds"] = [round_summary(r, engine.persons) for r in engine.rounds]
    people = members + ([facilitator] if facilitator is not None else [])
    report["details"] = report_details(engine, people, now)
    if removed_member:
        report["group"]["includes_removed_member"] = True  # figures kept as they were (E9)
    return {"session_id": session_id} | report
