"""What each client message does, once parsed and allowed by the permission table."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Sequence

from app.domain.events import Kind, Role, Source
from app.domain.rounds import rotate
from app.realtime import messages as m
from app.realtime.connection import Connection
from app.realtime.room import NotLive, Room, Spec, start_spec
from app.services.errors import ServiceError


class Refused(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def _live(room: Room) -> None:
    if room.state.value != "live":
        raise NotLive("the session is not running")


async def _target(room: Room, conn: Connection, member: str | None, what: str) -> str:
    """Whom a message is about: members may only act for themselves (RELIABILITY.md S5)."""
    me = conn.viewer.person_id
    if member is None or member == me:
        return me
    if not conn.viewer.is_facilitator:
        raise Refused("forbidden", f"members can only change their own {what}")
    if not await room.know(member):
        raise Refused("unknown_person", "that person is not in this session")
    return member


async def on_speaking(room: Room, conn: Connection, msg: m.Speaking) -> None:
    _live(room)
    target = await _target(room, conn, msg.member, "speaking state")
    tapped = target != conn.viewer.person_id
    specs: list[Spec] = []
    if tapped and msg.on:
        # DOMAIN.md D2: tapping someone else ends the previous tapped speaker's turn.
        specs = [Spec(Kind.SPEAKING, p.id, False, Source.TAP) for p in room.engine.persons.values()
                 if p.speaking and p.seg_source is Source.TAP and p.id != target]  # fmt: skip
    source = Source.TAP if tapped else Source.DEVICE
    specs.append(speaking_spec(target, msg.on, source, 0 if tapped else msg.ago_ms))
    await room.submit(specs, actor=conn.viewer.person_id)


def speaking_spec(person: str, on: bool, source: Source, ago_ms: int = 0) -> Spec:
    """A speaking change, back-dated by its source's detection delay (DOMAIN.md D4)."""
    return Spec(Kind.SPEAKING, person, on, source, ago_us=ago_ms * 1000)


async def on_speaker_changes(room: Room, changes: Sequence[m.SpeakerChange]) -> int:
    """Speaker changes from a conferencing system or a room diarizer (DOMAIN.md D3), with the
    checks every source gets; if one would not count, none is applied. Returns the last seq."""
    _live(room)
    if room.engine.awaiting_confidentiality:
        raise Refused("invalid", "the confidentiality statement has not been marked read yet")
    specs = []
    for i, change in enumerate(changes):
        person = room.engine.persons[_speaker(room, change.speaker, f"changes[{i}].speaker")]
        refusal = room.engine.speech_refusal(person, change.speaking)
        if refusal is not None:
            raise Refused("invalid", f"changes[{i}]: {refusal}")
        specs.append(speaking_spec(person.id, change.speaking, Source.EXTERNAL, change.ago_ms))
    return await room.submit(specs, actor="ingest")


def _speaker(room: Room, speaker: str, place: str) -> str:
    """A person of the session by id, or else by display name (ignoring case and spacing)."""
    persons = {pid: p for pid, p in room.engine.persons.items() if pid not in room.deleted}
    if speaker in persons:
        return speaker
    wanted = " ".join(speaker.split()).casefold()
    found = [pid for pid, p in persons.items() if p.name.casefold() == wanted]
    if len(found) != 1:
        problem = "more than one person has that name; send their id" if found else (
            "nobody here has that name or id")  # fmt: skip
        raise Refused("unknown_person", f"{place}: {json.dumps(speaker)}: {problem}")
    return found[0]


async def on_heartbeat(room: Room, conn: Connection, msg: m.Heartbeat) -> None:
    """Being heard is the whole point (DOMAIN.md D5); `handle` already noted it."""


async def on_hand(room: Room, conn: Connection, msg: m.Hand) -> None:
    _live(room)
    target = await _target(room, conn, msg.member, "hand")
    if target != conn.viewer.person_id and msg.raised:
        raise Refused("forbidden", "facilitators can lower a member's hand, not raise it")
    await room.submit([Spec(Kind.HAND, target, msg.raised)], actor=conn.viewer.person_id)


async def on_call(room: Room, conn: Connection, msg: m.Call) -> None:
    _live(room)
    target = await _target(room, conn, msg.member, "hand")
    await room.submit([Spec(Kind.CALL, target)], actor=conn.viewer.person_id)


async def on_lower_all(room: Room, conn: Connection, msg: m.LowerAll) -> None:
    _live(room)
    specs = [Spec(Kind.HAND, p.id, False) for p in room.engine.persons.values() if p.hand_up]
    if specs:
        await room.submit(specs, actor=conn.viewer.person_id)


async def on_listening(room: Room, conn: Connection, msg: m.Listening) -> None:
    await room.submit([Spec(Kind.LISTENING, conn.viewer.person_id, msg.on)], actor=conn.viewer.person_id)


async def on_pause(room: Room, conn: Connection, msg: m.Pause) -> None:
    await room.submit([Spec(Kind.PAUSE, conn.viewer.person_id, msg.on)], actor=conn.viewer.person_id)


async def on_session(room: Room, conn: Connection, msg: m.SessionControl) -> None:
    if msg.action == "confidentiality_read":
        _live(room)
        await asyncio.to_thread(room.store.confidentiality_read, room.info.session_id)
        spec = Spec(Kind.CONFIDENTIALITY)
    else:
        spec = start_spec() if msg.action == "start" else Spec(Kind.END)
    await room.submit([spec], actor=conn.viewer.person_id)


async def on_propose(room: Room, conn: Connection, msg: m.Propose) -> None:
    """E4: stored for the group's facilitators; never in the event log (E1)."""
    proposal = await asyncio.to_thread(room.store.propose, room.info.group_id,
                                       conn.viewer.person_id, msg.text)  # fmt: skip
    room.fanout.to_staff({"type": "proposal", "proposal": proposal})


async def on_pulse(room: Room, conn: Connection, msg: m.PulseAnswer) -> None:
    """E8: stored without the member; who answered is remembered only in memory, once."""
    key = (conn.viewer.person_id, msg.phase)
    if key in room.pulsed:
        raise Refused("invalid", "you have already answered this one, thank you")
    if msg.included is None and msg.space is None:
        raise Refused("invalid", "answer at least one question, or just skip the pulse")
    room.pulsed.add(key)
    await asyncio.to_thread(room.store.pulse, room.info.session_id, msg.phase, msg.included, msg.space)


async def on_concern(room: Room, conn: Connection, msg: m.RaiseConcern) -> None:
    """E7: stored for the designated contact (or the alternate); never in the event log."""
    try:
        await asyncio.to_thread(room.store.concern, room.info.group_id, conn.viewer.person_id,
                                msg.text, msg.anonymous, msg.about_contact)  # fmt: skip
    except ServiceError as exc:
        raise Refused("invalid", exc.detail) from None


async def on_consent(room: Room, conn: Connection, msg: m.Consent) -> None:
    """E2: withdrawal is one action and takes effect with the next event."""
    me = conn.viewer.person_id
    await asyncio.to_thread(room.store.consent, room.info.group_id, me, msg.on)
    await room.submit([Spec(Kind.CONSENT, me, msg.on)], actor=me)


async def on_snapshot(room: Room, conn: Connection, msg: m.SnapshotRequest) -> None:
    room.fanout.snapshot(conn)


async def on_prompt(room: Room, conn: Connection, msg: m.PromptAnswer) -> None:
    if msg.prompt > len(room.engine.prompt_log.issued):
        raise Refused("invalid", "there is no such prompt in this session")
    outcome = "dismissed" if msg.action == "dismiss" else "acted_on"
    await room.submit([Spec(Kind.PROMPT, ref=msg.prompt, data={"outcome": outcome})],
                      actor=conn.viewer.person_id)  # fmt: skip


async def on_reorder(room: Room, conn: Connection, msg: m.Reorder) -> None:
    _live(room)
    target = await _target(room, conn, msg.member, "hand")
    if not room.engine.persons[target].hand_up:
        raise Refused("invalid", "that hand is not raised")
    await room.submit([Spec(Kind.REORDER, target, ref=msg.position)], actor=conn.viewer.person_id)


def _members_present(room: Room) -> list[str]:
    return [p.id for p in room.engine.persons.values() if p.role is Role.MEMBER and p.present]


async def on_round(room: Room, conn: Connection, msg: m.RoundControl) -> None:
    _live(room)
    if msg.action == "end":
        await room.submit([Spec(Kind.ROUND, on=False)], actor=conn.viewer.person_id)
        return
    if room.engine.round_running:
        raise Refused("invalid", "a round is already running; end it first")
    previous = room.engine.rounds[-1] if room.engine.rounds else None
    order, direction = rotate(_members_present(room), previous)
    if msg.order is not None:
        unknown = [pid for pid in msg.order if pid not in room.engine.persons]
        if unknown or len(set(msg.order)) != len(msg.order):
            raise Refused("unknown_person", "a round's order must list people in this session once")
        order = list(msg.order)
    if not order:
        raise Refused("invalid", "nobody is here to take part in a round")
    data = {"kind": msg.kind, "order": order, "timebox_s": msg.timebox_s, "direction": direction}
    await room.submit([Spec(Kind.ROUND, on=True, data=data)], actor=conn.viewer.person_id)


async def on_turn(room: Room, conn: Connection, msg: m.Turn) -> None:
    _live(room)
    current = room.engine.rounds[-1].current if room.engine.round_running else None
    if current is None:
        raise Refused("invalid", "no round is running")
    mine = msg.action == "pass" and current == conn.viewer.person_id
    if not (conn.viewer.is_facilitator or mine):
        raise Refused("forbidden", "members can only pass their own turn")
    data = {"action": msg.action, "of": current}  # ends this turn only, however taps race
    await room.submit([Spec(Kind.TURN, data=data)], actor=conn.viewer.person_id)


async def on_remove(room: Room, conn: Connection, msg: m.Remove) -> None:
    target = await _target(room, conn, msg.member, "membership")
    if room.engine.persons[target].role is not Role.MEMBER:
        raise Refused("forbidden", "only members can be removed from a session")
    await asyncio.to_thread(room.store.mark, room.info.session_id, target, removed=True)
    await room.refresh_roster()
    room.waiting.discard(target)
    await room.submit([Spec(Kind.REMOVE, target)], actor=conn.viewer.person_id)  # closes their sockets


async def on_admit(room: Room, conn: Connection, msg: m.Admit) -> None:
    target = await _target(room, conn, msg.member, "admission")
    if target not in room.waiting:
        raise Refused("invalid", "that person is not waiting to be let in")
    await asyncio.to_thread(room.store.mark, room.info.session_id, target, admitted=True)
    await room.refresh_roster()
    room.waiting.discard(target)
    room.fanout.waiting()
    await room.submit([Spec(Kind.ADMIT, target), Spec(Kind.JOIN, target)],
                      actor=conn.viewer.person_id)  # fmt: skip
    for other in list(room.connections):
        if other.viewer.person_id == target:
            room.fanout.snapshot(other)  # they are in: their page becomes the session


async def on_lead(room: Room, conn: Connection, msg: m.LeadOptIn) -> None:
    await asyncio.to_thread(room.store.set_leader_opt_in, conn.viewer.person_id, msg.on)


async def on_cofacilitator(room: Room, conn: Connection, msg: m.CoFacilitator) -> None:
    _live(room)
    current = [p.id for p in room.engine.persons.values() if p.cofacilitator]
    if msg.action == "end":
        for pid in current:
            await asyncio.to_thread(room.store.mark, room.info.session_id, pid, cofacilitator=False)
            await room.submit([Spec(Kind.COFACILITATOR, pid, False)], actor=conn.viewer.person_id)
            await asyncio.to_thread(room.store.audit, conn.viewer.principal, "role.change",
                                    room.info.group_id, room.info.session_id, "co-facilitation ended")  # fmt: skip
        await room.refresh_roster()
        return
    if current:
        raise Refused("invalid", "this session already has a co-facilitator")
    chosen = await asyncio.to_thread(room.store.choose_leader, room.info.session_id,
                                     room.info.group_id, _members_present(room))  # fmt: skip
    if chosen is None:
        raise Refused("invalid", "nobody here has offered to co-facilitate")
    await room.refresh_roster()
    await room.submit([Spec(Kind.COFACILITATOR, chosen, True)], actor=conn.viewer.person_id)
    await asyncio.to_thread(room.store.audit, conn.viewer.principal, "role.change",
                            room.info.group_id, room.info.session_id, "co-facilitator chosen")  # fmt: skip
    # Applying the change closes their sockets on every worker: they reconnect with the new view.


HANDLERS: dict[str, Callable[[Room, Connection, m.Message], Awaitable[None]]] = {
    "speaking": on_speaking,  # type: ignore[dict-item]
    "heartbeat": on_heartbeat,  # type: ignore[dict-item]
    "hand": on_hand,  # type: ignore[dict-item]
    "call": on_call,  # type: ignore[dict-item]
    "lower_all": on_lower_all,  # type: ignore[dict-item]
    "listening": on_listening,  # type: ignore[dict-item]
    "pause": on_pause,  # type: ignore[dict-item]
    "session": on_session,  # type: ignore[dict-item]
    "snapshot": on_snapshot,  # type: ignore[dict-item]
    "prompt": on_prompt,  # type: ignore[dict-item]
    "reorder": on_reorder,  # type: ignore[dict-item]
    "round": on_round,  # type: ignore[dict-item]
    "turn": on_turn,  # type: ignore[dict-item]
    "remove": on_remove,  # type: ignore[dict-item]
    "admit": on_admit,  # type: ignore[dict-item]
    "lead": on_lead,  # type: ignore[dict-item]
    "cofacilitator": on_cofacilitator,  # type: ignore[dict-item]
    "propose": on_propose,  # type: ignore[dict-item]
    "consent": on_consent,  # type: ignore[dict-item]
    "pulse": on_pulse,  # type: ignore[dict-item]
    "concern": on_concern,  # type: ignore[dict-item]
}
