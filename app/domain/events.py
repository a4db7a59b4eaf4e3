"""The session log's events and the changes a fold over them reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from app.domain.clock import Micros


class Kind(StrEnum):
    """What an event records; see DOMAIN.md and docs/protocol.md."""

    START = "start"
    END = "end"
    JOIN = "join"
    LEAVE = "leave"
    SPEAKING = "speaking"
    HAND = "hand"
    CALL = "call"
    LISTENING = "listening"
    PAUSE = "pause"
    CONSENT = "consent"
    ROUND = "round"
    TURN = "turn"
    TICK = "tick"
    PROMPT = "prompt"
    REORDER = "reorder"
    SETTINGS = "settings"
    REMOVE = "remove"
    ADMIT = "admit"
    COFACILITATOR = "cofacilitator"
    CONFIDENTIALITY = "confidentiality"


class Source(StrEnum):
    """Where a speaking change came from (DOMAIN.md D1-D3)."""

    DEVICE = "device"
    TAP = "tap"
    IMPORT = "import"
    EXTERNAL = "external"
    SYSTEM = "system"


class Role(StrEnum):
    MEMBER = "member"
    FACILITATOR = "facilitator"


# Kinds that carry an on/off value in `on`.
SWITCHES = frozenset(
    {Kind.SPEAKING, Kind.HAND, Kind.LISTENING, Kind.PAUSE, Kind.CONSENT, Kind.ROUND}
)
# Kinds that are about the session as a whole rather than one person.
SESSION_KINDS = frozenset(
    {Kind.START, Kind.END, Kind.TICK, Kind.ROUND, Kind.TURN, Kind.PROMPT, Kind.SETTINGS}
)


@dataclass(frozen=True, slots=True)
class Event:
    """One entry of a session's log, stamped with server time (DOMAIN.md D4).

    `at` back-dates a speaking-off to when speech really stopped (D4's detection
    delay, D5's last moment heard); it is never after `t`. `ref` and `data` carry
    what some kinds need: a prompt's id and outcome, a hand's new place, a round's
    order, new settings.
    """

    t: Micros
    kind: Kind
    person: str | None = None
    on: bool | None = None
    source: Source | None = None
    at: Micros | None = None
    inferred: bool = False
    seq: int = 0
    actor: str | None = None
    ref: int | None = None
    data: dict[str, Any] | None = None

    def effective_t(self) -> Micros:
        return self.t if self.at is None else min(self.at, self.t)


@dataclass(frozen=True, slots=True)
class Change:
    """Something the fold changed, for the realtime layer to announce.

    kinds: session, presence, speaking, hand, listening, paused, consent, prompt.
    """

    kind: str
    t: Micros
    person: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
