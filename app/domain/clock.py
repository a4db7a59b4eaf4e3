"""Exact session time: whole microseconds, so decimal boundaries compare exactly."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

US_PER_S = 1_000_000
Micros = int


def to_us(seconds: Decimal | float | str) -> Micros:
    """Convert seconds to whole microseconds, rounding half to even."""
    value = seconds if isinstance(seconds, Decimal) else Decimal(str(seconds))
    return int((value * US_PER_S).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def to_s(us: Micros) -> float:
    """Microseconds as seconds, rounded to the millisecond for reports."""
    return round(us / US_PER_S, 3)


def s(value: float) -> Micros:
    """Shorthand for literal seconds in code and tests: s(1.5) == 1_500_000."""
    return to_us(value)
