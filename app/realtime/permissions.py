"""Who may send which WebSocket message (RELIABILITY.md S5).

A message type missing from this table is refused to everyone, and the
permission tests are generated from it.
"""

from __future__ import annotations

FACILITATOR = "facilitator"
COFACILITATOR = "cofacilitator"  # a member leading this session (DOMAIN.md R4)
MEMBER = "member"
ROLES = (FACILITATOR, COFACILITATOR, MEMBER)

EVERYONE = frozenset(ROLES)
LEADS = frozenset({FACILITATOR, COFACILITATOR})
MEMBERS = frozenset({MEMBER, COFACILITATOR})

MESSAGE_ROLES: dict[str, frozenset[str]] = {
    "speaking": EVERYONE,
    "heartbeat": EVERYONE,
    "hand": EVERYONE,
    "call": LEADS,
    "lower_all": LEADS,
    "listening": MEMBERS,
    "pause": MEMBERS,
    "session": frozenset({FACILITATOR}),
    "snapshot": EVERYONE,
    "prompt": LEADS,
    "reorder": LEADS,
    "round": LEADS,
    "turn": EVERYONE,  # members may only pass their own turn (checked in the handler)
    "remove": LEADS,
    "admit": LEADS,
    "lead": MEMBERS,
    "cofacilitator": frozenset({FACILITATOR}),
    "propose": MEMBERS,
    "consent": MEMBERS,
    "pulse": MEMBERS,
    "concern": MEMBERS,
}


def may_send(role: str, message_type: str) -> bool:
    return role in MESSAGE_ROLES.get(message_type, frozenset())
