"""What the fold's state means as figures: statuses, shares, the hand queue.

Shared by the live snapshot and the participation report, so the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.clock import Micros
from app.domain.engine import SessionEngine
from app.domain.events import Role
from app.domain.metrics import Balance, balance
from app.domain.person import Person


def status(p: Person, now: Micros) -> str:
    """SCENARIO.md status: participant, listened, not_tracked, absent or facilitator (M6)."""
    if p.role is Role.FACILITATOR:
        return "facilitator"
    if not p.ever_tracked:
        return "not_tracked"
    present = p.presence.value(now)
    if present == 0:
        return "absent"
    if 2 * p.listening_time.value(now) >= present:
        return "listened"
    return "participant"


class GroupFigures:
    """Participants (M6) and their shares (M7) as of one moment; the balance (M8, M9) is
    worked out when first asked for (a person's live frame needs only her share)."""

    __slots__ = ("_airtimes", "_balance", "participants", "shares", "total_speech")

    def __init__(self, participants: list[Person], airtimes: list[Micros]) -> None:
        self.participants = participants
        self._airtimes = airtimes
        self.total_speech: Micros = sum(airtimes)
        total = self.total_speech
        self.shares: dict[str, float] = {p.id: t / total for p, t in zip(participants, airtimes)} if total else {}
        self._balance: Balance | None = None

    @property
    def balance(self) -> Balance:
        if self._balance is None:
            self._balance = balance(self._airtimes)
        return self._balance

    def fair_share(self, pid: str) -> float | None:
        share = self.shares.get(pid)
        return None if share is None else share * len(self.participants)


def group_figures(engine: SessionEngine, now: Micros) -> GroupFigures:
    """Participants (M6), their shares (M7) and balance (M8, M9) as of `now`."""
    people = [p for p in engine.persons.values() if status(p, now) == "participant"]
    return GroupFigures(people, [p.airtime_at(now) for p in people])


@dataclass(frozen=True, slots=True)
class HandPlace:
    person: Person
    position: int
    raised_at: Micros
    reason: str


def hand_queue(engine: SessionEngine, now: Micros) -> list[HandPlace]:
    """Raised hands in order, each with a plain reason (DOMAIN.md R2)."""
    manual = engine.manual_queue is not None
    return [
        HandPlace(p, index, p.hand_raised_at or 0, _reason(engine, index, manual))
        for index, p in enumerate(engine.queue(now), start=1)
    ]


def _reason(engine: SessionEngine, position: int, manual: bool) -> str:
    if manual:
        return "order set by the facilitator"
    if engine.settings.hand_order == "least_airtime":
        if position == 1:
            return "has spoken least so far of those waiting"
        return "ordered by least time spoken so far, then by when the hand went up"
    if position == 1:
        return "raised first"
    return "in the order hands went up"
