"""Who may send which WebSocket message (RELIABILITY.md S5).

A message type missing from this table is refused to everyone, and the
permission tests are generated from it.
"""

from __future__ import annotations

FACILITATOR = "facilitator"
MEMBER = "member"
ROLES = (FACILITATOR, MEMBER)

MESSAGE_ROLES: dict[str, frozenset[str]] = {
    "speaking": frozenset({FACILITATOR, MEMBER}),
    "heartbeat": frozenset({FACILITATOR, MEMBER}),
    "hand": frozenset({FACILITATOR, MEMBER}),
    "call": frozenset({FACILITATOR}),
    "lower_all": frozenset({FACILITATOR}),
    "listening": frozenset({MEMBER}),
    "pause": frozenset({MEMBER}),
    "session": frozenset({FACILITATOR}),
    "snapshot": frozenset({FACILITATOR, MEMBER}),
}


def may_send(role: str, message_type: str) -> bool:
    return role in MESSAGE_ROLES.get(message_type, frozenset())
