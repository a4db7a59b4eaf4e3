"""Inbound WebSocket messages: typed, strict, parsed once at the edge.

Every frame a client sends is a JSON object with a `type`; unknown types and
unexpected fields are refused (DOMAIN.md E1, RELIABILITY.md S6).
"""

from __future__ import annotations

import functools
import json
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

ClientId = Annotated[str, Field(min_length=1, max_length=64)]
PersonId = Annotated[str, Field(min_length=1, max_length=64)]
AgoMs = Annotated[int, Field(ge=0, le=2000)]  # DOMAIN.md D4: back-dating, at most 2 s
MAX_CHANGES = 100  # speaker changes in one ingest request (docs/ingest.md)


class Inbound(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)
    id: ClientId | None = None  # RELIABILITY.md O2: re-sent ids are acknowledged, not re-applied


class Speaking(Inbound):
    type: Literal["speaking"]
    on: bool
    member: PersonId | None = None  # facilitators marking someone (DOMAIN.md D2)
    ago_ms: AgoMs = 0  # DOMAIN.md D4


class SpeakerChange(BaseModel):
    """One speaker change from a conferencing system or a room diarizer (DOMAIN.md D3)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)
    speaker: PersonId  # a person's id, or their display name in this session
    speaking: bool
    ago_ms: AgoMs = 0


class SpeakerChanges(BaseModel):
    """The body of `POST /api/sessions/{id}/ingest`: changes in the order they happened."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)
    changes: Annotated[list[SpeakerChange], Field(min_length=1, max_length=MAX_CHANGES)]


class Heartbeat(Inbound):
    type: Literal["heartbeat"]


class Hand(Inbound):
    type: Literal["hand"]
    raised: bool
    member: PersonId | None = None


class Call(Inbound):
    type: Literal["call"]
    member: PersonId


class LowerAll(Inbound):
    type: Literal["lower_all"]


class Listening(Inbound):
    type: Literal["listening"]
    on: bool


class Pause(Inbound):
    type: Literal["pause"]
    on: bool


class SessionControl(Inbound):
    type: Literal["session"]
    action: Literal["start", "confidentiality_read", "end"]


class Propose(Inbound):
    """DOMAIN.md E4: a member proposes a ground rule (the only free text, with concerns)."""

    type: Literal["propose"]
    text: Annotated[str, Field(min_length=1, max_length=300)]


class PulseAnswer(Inbound):
    """DOMAIN.md E8: an anonymous check-in or check-out answer; either question may be skipped."""

    type: Literal["pulse"]
    phase: Literal["check_in", "check_out"]
    included: Annotated[int, Field(ge=1, le=5)] | None = None
    space: Literal["yes", "partly", "no"] | None = None


class RaiseConcern(Inbound):
    """DOMAIN.md E7: anonymous unless the member says otherwise."""

    type: Literal["concern"]
    text: Annotated[str, Field(min_length=1, max_length=2000)]
    anonymous: bool = True
    about_contact: bool = False


class Consent(Inbound):
    """DOMAIN.md E2: withdraw consent (one action, effective at once) or give it again."""

    type: Literal["consent"]
    on: bool


class SnapshotRequest(Inbound):
    type: Literal["snapshot"]


class PromptAnswer(Inbound):
    """P4: one tap to dismiss a prompt or mark it acted on."""

    type: Literal["prompt"]
    prompt: Annotated[int, Field(ge=1)]
    action: Literal["dismiss", "acted_on"]


class Reorder(Inbound):
    type: Literal["reorder"]
    member: PersonId
    position: Annotated[int, Field(ge=1, le=1000)]


class RoundControl(Inbound):
    """R3: start a round (order rotates by itself unless given) or end it."""

    type: Literal["round"]
    action: Literal["start", "end"]
    kind: Literal["check_in", "go_around", "check_out"] = "go_around"
    order: Annotated[list[PersonId], Field(max_length=200)] | None = None
    timebox_s: Annotated[float, Field(gt=0, le=3600)] | None = None


class Turn(Inbound):
    type: Literal["turn"]
    action: Literal["next", "pass", "skip"]


class Remove(Inbound):
    type: Literal["remove"]
    member: PersonId


class Admit(Inbound):
    type: Literal["admit"]
    member: PersonId


class LeadOptIn(Inbound):
    """R4: a member is (or is no longer) willing to co-facilitate sessions."""

    type: Literal["lead"]
    on: bool


class CoFacilitator(Inbound):
    """R4: choose this session's co-facilitator among willing members, or end the role."""

    type: Literal["cofacilitator"]
    action: Literal["choose", "end"]


Message = Annotated[
    Speaking | Heartbeat | Hand | Call | LowerAll | Listening | Pause | SessionControl
    | SnapshotRequest | PromptAnswer | Reorder | RoundControl | Turn | Remove | Admit
    | LeadOptIn | CoFacilitator | Propose | Consent | PulseAnswer | RaiseConcern,
    Field(discriminator="type"),
]  # fmt: skip
MESSAGE_TYPES = ("speaking", "heartbeat", "hand", "call", "lower_all", "listening", "pause",
                 "session", "snapshot", "prompt", "reorder", "round", "turn", "remove", "admit",
                 "lead", "cofacilitator", "propose", "consent", "pulse", "concern")  # fmt: skip
_adapter: TypeAdapter[Message] = TypeAdapter(Message)
SHORT = 64  # frames this long or shorter are decoded once for all sockets (see _parse_short)
MAX_DEPTH = 4  # a round's order list is the deepest thing a client sends


class BadMessage(ValueError):
    """A frame that cannot be accepted; carries a code and a readable message."""

    def __init__(self, code: str, message: str, ref: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.ref = code, message, ref


def _depth(value: object) -> int:
    """How deeply containers nest, without recursion (a hostile frame may be very deep)."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            level += 1
            deepest = max(deepest, level)
            stack.extend((child, level) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def parse(text: str | bytes) -> Message:
    """Decode one client frame; raises BadMessage with a user-facing message."""
    if len(text) <= SHORT:
        return _parse_short(text)
    return _parse(text)


@functools.lru_cache(maxsize=256)
def _parse_short(text: str | bytes) -> Message:
    """Most frames are one of a few short texts, the same from every socket (a speaking
    change, a heartbeat, a hand): each is decoded once. Messages are frozen, so sharing one
    is safe; a refusal is not kept, and is worked out again each time."""
    return _parse(text)


def _parse(text: str | bytes) -> Message:
    try:
        raw = json.loads(text)
    except RecursionError:
        raise BadMessage("invalid", "the message is nested too deeply") from None
    except (ValueError, UnicodeDecodeError):
        raise BadMessage("bad_json", "the message is not valid JSON") from None
    if not isinstance(raw, dict):
        raise BadMessage("invalid", "a message must be a JSON object with a type")
    ref = raw.get("id") if isinstance(raw.get("id"), str) else None
    if _depth(raw) > MAX_DEPTH:
        raise BadMessage("invalid", "the message is nested too deeply", ref)
    if raw.get("type") not in MESSAGE_TYPES:
        raise BadMessage("unknown_type", f"unknown message type {json.dumps(raw.get('type'))[:80]}", ref)
    try:
        return _adapter.validate_python(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"][1:]) or "message"
        raise BadMessage("invalid", f"{where}: {first['msg']}", ref) from None
