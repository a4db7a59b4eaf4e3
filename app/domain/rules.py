"""Group settings (DOMAIN.md P5, R2, R5) and the fixed constants of the rules."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from decimal import Decimal
from typing import Any, Literal

from app.domain.clock import Micros, s

# DOMAIN.md M2: segments merge across gaps shorter than this; utterances this long are turns.
UTTERANCE_GAP: Micros = s(1)
TURN_MIN: Micros = s(1)
# DOMAIN.md R1: a hand lowers itself after this much continuous speaking.
HAND_AUTO_LOWER: Micros = s(3)
# DOMAIN.md M10: live group figures stay hidden until this much speech.
WARM_UP_SPEECH: Micros = s(120)
# DOMAIN.md D4: how far a client may back-date a change.
MAX_BACKDATE: Micros = s(2)
# How far back a speaking segment may be closed after the fact (D5's heartbeat bound + slack).
MAX_RETRO_CLOSE: Micros = s(30)

HandOrder = Literal["fifo", "least_airtime"]
MAX_SETTING = 1_000_000  # seconds (eleven days) and ratios
MAX_RETENTION_DAYS = 36_500  # a hundred years


class SettingsError(ValueError):
    """A group setting is unknown or has the wrong type or range."""


@dataclass(frozen=True, slots=True)
class GroupSettings:
    """Per-group thresholds, with DOMAIN.md P5's names and defaults."""

    prompts: bool = True
    quiet_after_s: float = 600
    quiet_window_s: float = 900
    quiet_ratio: float = 0.5
    silent_for_s: float = 900
    member_prompt_gap_s: float = 900
    prompt_gap_s: float = 300
    long_turn_s: float = 300
    facilitator_ratio: float = 2.0
    hand_order: HandOrder = "fifo"
    share_timer: bool = False
    members_see_headline: bool = True
    waiting_room: bool = False
    # DOMAIN.md E9: how long raw speaking events, per-session reports and the free text of
    # proposed ground rules are kept after a session ends (in days).
    retain_events_days: float = 30
    retain_reports_days: float = 365
    retain_texts_days: float = 365

    @classmethod
    def parse(cls, raw: dict[str, Any]) -> GroupSettings:
        """Validate a settings mapping; raises SettingsError naming the bad key."""
        known = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in raw.items():
            if key not in known:
                raise SettingsError(f"{key}: unknown setting")
            default = getattr(cls(), key)
            if isinstance(default, bool):
                if not isinstance(value, bool):
                    raise SettingsError(f"{key}: expected true or false")
            elif key == "hand_order":
                if value not in ("fifo", "least_airtime"):
                    raise SettingsError(f'{key}: expected "fifo" or "least_airtime"')
            elif isinstance(value, bool) or not isinstance(value, int | float | Decimal) or (
                    _finite(value) and value < 0):  # fmt: skip
                raise SettingsError(f"{key}: expected a number >= 0")
            elif not _finite(value) or value > cls.maximum(key):
                raise SettingsError(f"{key}: expected a number from 0 to {cls.maximum(key):,}")
            values[key] = float(value) if isinstance(value, Decimal) else value
        return cls(**values)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def maximum(key: str) -> int:
        """The largest value a numeric setting takes: beyond it a setting means nothing a
        group could want, and time overflows (1e300 s is no count of microseconds, and a
        retention of 1e7 days would start before year 1 and stop every purge)."""
        return MAX_RETENTION_DAYS if key.endswith("_days") else MAX_SETTING


def _finite(value: float | Decimal) -> bool:
    if isinstance(value, Decimal):
        return value.is_finite()
    return isinstance(value, int) or math.isfinite(value)
