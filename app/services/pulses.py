"""Check-in and check-out pulses (DOMAIN.md E8): anonymous, shown from five answers."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from app.models.pulses import Pulse

MIN_ANSWERS = 5  # E8: fewer answers could point at individuals
SPACE = ("yes", "partly", "no")


def record(db: Session, session_id: str, phase: str, included: int | None, space: str | None) -> None:
    db.add(Pulse(session_id=session_id, phase=phase, included=included, space=space))


def summary(db: Session, session_id: str) -> dict[str, Any]:
    """Per phase: how many answered, and the figures only when five or more did."""
    rows = db.exec(select(Pulse).where(Pulse.session_id == session_id)).all()
    out: dict[str, Any] = {}
    for phase in ("check_in", "check_out"):
        answers = [r for r in rows if r.phase == phase]
        block: dict[str, Any] = {"answers": len(answers), "shown": len(answers) >= MIN_ANSWERS}
        if block["shown"]:
            scores = [r.included for r in answers if r.included is not None]
            block["included_mean"] = round(sum(scores) / len(scores), 2) if scores else None
            block["included_counts"] = {str(n): scores.count(n) for n in range(1, 6)}
            block["space_counts"] = {k: sum(1 for r in answers if r.space == k) for k in SPACE}
        out[phase] = block
    return out
