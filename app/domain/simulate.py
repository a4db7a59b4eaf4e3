"""`airtime simulate`: a scenario through the live engine on a virtual clock."""

from __future__ import annotations

from typing import Any

from app.domain.engine import SessionEngine
from app.domain.events import Role
from app.domain.prompts import follow_through
from app.domain.report import build_report
from app.domain.report_details import report_details
from app.domain.scenario import Scenario


def engine_for(scenario: Scenario) -> SessionEngine:
    """An engine with the scenario's roster, before any event."""
    engine = SessionEngine(scenario.settings)
    for name in scenario.members:
        engine.add_person(name, name, Role.MEMBER)
    if scenario.facilitator is not None:
        engine.add_person(scenario.facilitator, scenario.facilitator, Role.FACILITATOR)
    return engine


def simulate(scenario: Scenario, details: bool = False) -> dict[str, Any]:
    """Run every event and return the SCENARIO.md report (with what the charts draw, if asked)."""
    engine = engine_for(scenario)
    engine.apply_all(scenario.events)
    report = build_report(engine, scenario.members, scenario.facilitator)
    if details:
        people = scenario.members + ([scenario.facilitator] if scenario.facilitator else [])
        now = engine.ended_at if engine.ended_at is not None else engine.now
        report["details"] = report_details(engine, people, now)
        for entry, prompt in zip(report["prompts"], engine.prompt_log.issued, strict=True):
            entry["followed_through"] = follow_through(engine, prompt, now)
    return report
