"""Rounds (DOMAIN.md R3): go-arounds where each person in turn may speak or pass.

A round has an ordered list, an optional soft time-box per person (shown, never
enforced), and a current place. Passing is recorded only so the round can move
on; it counts against no one in any metric. From one round to the next the
starting person moves one place on and the direction turns around.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.domain.clock import Micros, s
from app.domain.person import Person

ROUND_KINDS = ("check_in", "go_around", "check_out")
TURN_ACTIONS = {"next": "done", "pass": "passed", "skip": "skipped"}


@dataclass
class Round:
    number: int
    kind: str
    order: list[str]
    started_at: Micros
    timebox: Micros | None = None
    direction: str = "forward"
    led_by: str | None = None
    position: int = 0
    turn_started_at: Micros = 0
    outcomes: dict[str, str] = field(default_factory=dict)  # person -> done | passed | skipped
    ended_at: Micros | None = None

    @property
    def current(self) -> str | None:
        return self.order[self.position] if self.position < len(self.order) else None

    @property
    def running(self) -> bool:
        return self.ended_at is None

    def advance(self, action: str, t: Micros) -> None:
        """Record how the current turn ended and move to the next; ends after the last."""
        current = self.current
        if current is not None:
            self.outcomes[current] = TURN_ACTIONS[action]
            self.position += 1
            self.turn_started_at = t
        if self.current is None:
            self.ended_at = t


def parse_round(data: dict[str, Any] | None, number: int, t: Micros, actor: str | None) -> Round:
    """A round from a `round` event's data (none: an unnamed round, as in scenarios)."""
    data = data or {}
    timebox = data.get("timebox_s")
    return Round(number, str(data.get("kind", "go_around")), list(data.get("order", [])), t,
                 s(timebox) if timebox else None, str(data.get("direction", "forward")), actor,
                 turn_started_at=t)  # fmt: skip


def rotate(members: list[str], previous: Round | None) -> tuple[list[str], str]:
    """The next round's order: start one place on from the last start, other direction."""
    if not members:
        return [], "forward"
    if previous is None or not previous.order:
        return list(members), "forward"
    direction = "backward" if previous.direction == "forward" else "forward"
    last_start = previous.order[0]
    index = (members.index(last_start) + 1) % len(members) if last_start in members else 0
    ring = members[index:] + members[:index]
    if direction == "backward":
        ring = ring[:1] + ring[:0:-1]
    return ring, direction


def round_summary(round_: Round, persons: Mapping[str, Person]) -> dict[str, Any]:
    """A round for the report: when, what kind, who led it, how many took a turn.

    Who passed is deliberately not listed: passing counts against no one (E5).
    """
    leader = persons.get(round_.led_by) if round_.led_by else None
    return {
        "number": round_.number, "kind": round_.kind,
        "started_s": round(round_.started_at / 1e6, 3),
        "ended_s": None if round_.ended_at is None else round(round_.ended_at / 1e6, 3),
        "led_by": leader.name if leader is not None else None,
        "people": len(round_.order), "direction": round_.direction,
        "timebox_s": None if round_.timebox is None else round_.timebox / 1e6,
    }  # fmt: skip


def round_state(round_: Round | None, now: Micros, names: dict[str, str]) -> dict[str, Any] | None:
    """The round as clients see it: whose turn, who is next, how long this turn has run."""
    if round_ is None or not round_.running:
        return None
    upcoming = round_.order[round_.position + 1] if round_.position + 1 < len(round_.order) else None
    return {
        "current_name": names.get(round_.current or ""),
        "next": upcoming, "next_name": names.get(upcoming or ""),
        "number": round_.number, "kind": round_.kind, "order": round_.order,
        "position": round_.position, "current": round_.current,
        "turn_s": round((now - round_.turn_started_at) / 1e6, 3),
        "timebox_s": None if round_.timebox is None else round_.timebox / 1e6,
        "direction": round_.direction, "outcomes": dict(round_.outcomes),
    }  # fmt: skip
