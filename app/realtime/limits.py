"""Per-connection message rate (RELIABILITY.md S4): a token bucket per socket.

A burst of BURST messages is fine, then RATE a second. Excess messages are refused
with an error frame that says when to retry; a socket that keeps going past the
limit (STRIKES refusals without a pause) is disconnected with close 1008.
"""

from __future__ import annotations

from dataclasses import dataclass, field

RATE = 10.0  # messages a second, sustained
BURST = 30.0
STRIKES = 50  # refusals in a row before the socket is closed
CLOSE_ABUSE = 1008


@dataclass
class Bucket:
    rate: float = RATE
    burst: float = BURST
    tokens: float = BURST
    at: float | None = None
    strikes: int = field(default=0)

    def take(self, now: float) -> float | None:
        """None if the message may go; else the seconds until one more may."""
        if self.at is not None:
            self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            self.strikes = 0
            return None
        self.strikes += 1
        return (1 - self.tokens) / self.rate

    @property
    def abusive(self) -> bool:
        return self.strikes >= STRIKES
