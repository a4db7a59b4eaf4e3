"""What the prompts say (DOMAIN.md P2); docs/prompts.md explains why.

Invitations, never instructions; always an easy way to pass; no numbers about
anyone. Phrasings rotate so a facilitator does not read the same line all evening.
"""

from __future__ import annotations

GROUP_INVITE = (
    "Is there anyone who hasn't had a chance yet and would like to? Passing is always fine.",
    "You might leave a little space for anyone who hasn't spoken yet. It's fine to pass.",
    "There may be someone still waiting for an opening. A gentle, open invitation could help; passing is always welcome.",
)
INVITE_QUIETER = (
    "You might check whether {name} would like to add anything. Passing is always fine.",
    "If it feels right, you could gently invite {name} in, and make it easy to pass.",
    "{name} might welcome an opening. A light invitation, with an easy way to pass, could help.",
)
LONG_TURN = (
    "{name} has been sharing for a while. At a natural pause, you might check in with the group.",
    "When {name} reaches a pause, it could be a good moment to open the floor again.",
)
FACILITATOR_AIRTIME = (
    "You've been holding the floor quite a bit lately. Consider handing it back to the group.",
    "It might be a good moment to step back and let the group carry the conversation.",
)

PHRASINGS = {
    "group_invite": GROUP_INVITE,
    "invite_quieter": INVITE_QUIETER,
    "long_turn": LONG_TURN,
    "facilitator_airtime": FACILITATOR_AIRTIME,
}


def phrase(kind: str, index: int, name: str | None = None) -> str:
    """The index-th phrasing of a kind (cycling), with the person's name filled in."""
    options = PHRASINGS[kind]
    return options[index % len(options)].format(name=name or "")
