"""Facilitation in the fold: rounds, a facilitator's hand order, settings, roles.

A mixin of SessionEngine, kept apart so the core fold (presence, speech, hands)
reads on its own. Every handler here applies a logged facilitator action.
"""

from __future__ import annotations

from app.domain.clock import Micros
from app.domain.events import Change, Event, Role
from app.domain.person import Person
from app.domain.prompts import Limits, PromptLog
from app.domain.rounds import TURN_ACTIONS, Round, parse_round
from app.domain.rules import GroupSettings


class Facilitation:
    settings: GroupSettings
    limits: Limits
    persons: dict[str, Person]
    prompt_log: PromptLog
    rounds: list[Round]
    manual_queue: list[str] | None

    def _depart(self, p: Person, t: Micros, reason: str) -> list[Change]:
        raise NotImplementedError

    @property
    def round_running(self) -> bool:
        return bool(self.rounds) and self.rounds[-1].running

    def _on_round(self, ev: Event, _: Person | None) -> list[Change]:
        """R3: a round starts (with its order) or ends; invitations wait meanwhile (P1)."""
        if bool(ev.on) == self.round_running:
            return []
        if ev.on:
            self.rounds.append(parse_round(ev.data, len(self.rounds) + 1, ev.t, ev.actor))
        else:
            self.rounds[-1].ended_at = ev.t
        return [Change("round", ev.t, detail={"on": self.round_running})]

    def _on_turn(self, ev: Event, _: Person | None) -> list[Change]:
        data = ev.data or {}
        action = data.get("action")
        if not self.round_running or action not in TURN_ACTIONS:
            return []
        if data.get("of", self.rounds[-1].current) != self.rounds[-1].current:
            return []  # meant for a turn that has already ended (a double tap, a race)
        self.rounds[-1].advance(str(action), ev.t)
        return [Change("round", ev.t, detail={"on": self.round_running})]

    def _on_prompt_outcome(self, ev: Event, _: Person | None) -> list[Change]:
        """P4: a facilitator dismissed a prompt or acted on it."""
        outcome = (ev.data or {}).get("outcome")
        if ev.ref is None or not 1 <= ev.ref <= len(self.prompt_log.issued) or outcome not in (
            "dismissed", "acted_on"
        ):
            return []
        self.prompt_log.outcomes[ev.ref] = str(outcome)
        return [Change("prompt_outcome", ev.t, detail={"id": ev.ref, "outcome": outcome})]

    def _on_reorder(self, ev: Event, p: Person | None) -> list[Change]:
        """R2: a facilitator moves a raised hand to another place; that order then holds."""
        assert p is not None
        if not p.hand_up or ev.ref is None:
            return []
        order = [q.id for q in self.queue(ev.t) if q is not p]
        order.insert(max(0, min(ev.ref - 1, len(order))), p.id)
        self.manual_queue = order
        return [Change("hand", ev.t, p.id, {"raised": True, "moved": True})]

    def queue(self, now: Micros) -> list[Person]:
        """Raised hands in order: the facilitator's own order, else the group's rule (R2)."""
        raised = [p for p in self.persons.values() if p.hand_up]
        if self.settings.hand_order == "least_airtime":
            raised.sort(key=lambda p: (p.airtime_at(now), p.hand_order))
        else:
            raised.sort(key=lambda p: p.hand_order)
        if self.manual_queue is None:
            return raised
        placed = [self.persons[pid] for pid in self.manual_queue if self.persons[pid].hand_up]
        return placed + [p for p in raised if p not in placed]

    def _on_settings(self, ev: Event, _: Person | None) -> list[Change]:
        """New group settings take effect from this moment (P5)."""
        data = ev.data or {}
        self.settings = GroupSettings.parse(data.get("settings", data))
        self.limits = Limits.of(self.settings)
        return [Change("settings", ev.t, detail=self.settings.as_dict())]

    def _on_remove(self, ev: Event, p: Person | None) -> list[Change]:
        """A facilitator removes someone from this session; they cannot come back to it."""
        assert p is not None
        if p.removed:
            return []
        p.removed = True
        return self._depart(p, ev.t, "removed") + [Change("removed", ev.t, p.id)]

    def _on_cofacilitator(self, ev: Event, p: Person | None) -> list[Change]:
        """R4: a member co-facilitates this session (their speech still counts as a member's)."""
        assert p is not None
        if p.role is not Role.MEMBER or bool(ev.on) == p.cofacilitator:
            return []
        p.cofacilitator = bool(ev.on)
        return [Change("role", ev.t, p.id, {"cofacilitator": p.cofacilitator})]
