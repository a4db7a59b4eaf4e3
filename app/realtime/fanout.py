"""Turning the fold's changes into frames for each socket of a room.

Shared parts are computed once per batch (View); each socket then gets what its
viewer may see (DOMAIN.md E6). Enqueueing never waits on a socket.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from app.domain.clock import Micros, to_s
from app.domain.events import Change
from app.domain.rounds import round_state
from app.realtime import metrics
from app.realtime.connection import Connection, Rendered, render
from app.realtime.frames import View
from app.realtime.history import Frames, History, part

if TYPE_CHECKING:
    from app.realtime.room import Room

PERSON_KINDS = frozenset(
    {"presence", "speaking", "hand", "listening", "paused", "consent", "removed", "role"}
)


class Fanout:
    def __init__(self, room: Room) -> None:
        self.room = room
        self._speech_shown = False  # one more airtime frame after speech stops
        self.history = History()

    def _is_connected(self, pid: str) -> bool:
        return self.room.has_socket(pid)

    def _visible_settings(self) -> dict[str, Any]:
        rules = self.room.engine.settings
        return {"prompts": rules.prompts, "hand_order": rules.hand_order,
                "share_timer": rules.share_timer,
                "members_see_headline": rules.members_see_headline,
                "long_turn_s": rules.long_turn_s}  # fmt: skip

    def _session(self, now: Micros) -> dict[str, Any]:
        info, engine = self.room.info, self.room.engine
        return {"id": info.session_id, "group": info.group_name, "state": info.state.value,
                "elapsed_s": to_s(now), "hand_order": engine.settings.hand_order,
                "settings": self._visible_settings(),
                "confidentiality_read": not engine.awaiting_confidentiality,
                "degraded": self.room.degraded}  # fmt: skip

    def _member_group(self, view: View) -> dict[str, Any] | None:
        """Members see the balance in words, never totals from which others' time follows (E6)."""
        if not self.room.engine.settings.members_see_headline:
            return None
        full = view.headline()
        return {key: full[key] for key in ("participants", "warming_up", "balance", "elapsed_s")}

    def snapshot(self, conn: Connection) -> None:
        room = self.room
        now = room.session_time()
        view = View(room.engine, max(now, room.engine.now))
        you = conn.viewer.person_id
        person = room.engine.persons[you]
        frame: dict[str, Any] = {
            "type": "snapshot", "session": self._session(view.now),
            "you": {"id": you, "role": conn.viewer.role, "name": person.name},
        }  # fmt: skip
        if conn.viewer.is_facilitator:
            frame["people"] = [
                view.person(pid, self._is_connected(pid), for_member=False)
                for pid in self._shown(room.engine.persons)
            ]
            frame["hands"] = view.hands()
            frame["group"] = view.headline()
            frame["timeline"] = [s for s in view.timeline() if s["person"] not in room.deleted]
            frame["prompts"] = view.prompts()
            frame["waiting"] = self._waiting()
        else:
            frame["me"] = view.person(you, True, for_member=True)
            frame["group"] = self._member_group(view)
            frame["waiting"] = you in room.waiting
        last_round = room.engine.rounds[-1] if room.engine.rounds else None
        frame["round"] = round_state(last_round, view.now, self._names())
        if you in room.waiting:
            frame["group"] = frame["round"] = None
        conn.send(frame, room.seq)

    def _shown(self, pids: Iterable[str]) -> list[str]:
        """Everyone but members who deleted their data (DOMAIN.md E9): gone from every view."""
        return [pid for pid in pids if pid not in self.room.deleted]

    def forget(self, pid: str) -> None:
        """Tell the facilitators' pages to drop someone who deleted their data."""
        self.to_staff({"type": "forget", "person": pid})

    def _names(self) -> dict[str, str]:
        return {pid: p.name for pid, p in self.room.engine.persons.items()}

    def _waiting(self) -> list[dict[str, Any]]:
        room = self.room
        return [{"id": pid, "name": room.engine.persons[pid].name} for pid in sorted(room.waiting)
                if pid in room.engine.persons]  # fmt: skip

    def resume_or_snapshot(self, conn: Connection, after: int | None) -> None:
        """A reconnecting client gets exactly the frames it missed since `after`, the last seq
        it saw, while this worker still holds them; otherwise a snapshot (RELIABILITY.md O1)."""
        room, viewer = self.room, conn.viewer
        missed = None
        if after is not None and viewer.person_id not in room.waiting:
            missed = self.history.missed(after, room.seq, viewer.person_id, viewer.is_facilitator)
        if after is not None:
            metrics.RESUMES.labels("snapshot" if missed is None else "resumed").inc()
        if missed is None:
            self.snapshot(conn)
            return
        conn.send({"type": "resumed", "after": after}, room.seq)
        for seq, frame in missed:
            conn.send(frame, seq)

    def to_staff(self, frame: dict[str, Any]) -> None:
        """A frame for the facilitators' (and co-facilitator's) sockets only."""
        rendered = render(frame)
        self.history.record_later(self.room.seq, rendered)
        for conn in list(self.room.connections):
            if conn.viewer.is_facilitator:
                conn.send(rendered, self.room.seq)

    def waiting(self) -> None:
        """The waiting room changed: facilitators see who is waiting to be let in."""
        self.to_staff({"type": "waiting", "people": self._waiting()})

    def changes(self, changes: list[Change]) -> None:
        room = self.room
        if not room.connections and self.history.floor is None:
            return  # folding the stored log when a room opens: nobody to tell, nothing to keep
        view = View(room.engine, room.engine.now)
        people = self._shown(dict.fromkeys(c.person for c in changes if c.kind in PERSON_KINDS and c.person))
        hands = any(c.kind == "hand" for c in changes)
        called = {c.person for c in changes if c.kind == "hand" and c.detail.get("reason") == "called"}
        sessions = [c for c in changes if c.kind == "session"]
        staff: list[dict[str, Any]] = [{"type": "person", "person": view.person(pid, self._is_connected(pid), False)}
                 for pid in people]  # fmt: skip
        if hands:
            staff.append({"type": "hands", "queue": view.hands()})
        # Prompts go to facilitators only, never to members (DOMAIN.md P2).
        staff += [{"type": "prompt", "prompt": view.prompt(c.detail["id"])}
                  for c in changes if c.kind == "prompt"]  # fmt: skip
        read = not room.engine.awaiting_confidentiality
        common = [{"type": "session", "state": c.detail["state"], "elapsed_s": to_s(c.t),
                   "confidentiality_read": read} for c in sessions]  # fmt: skip
        if any(c.kind == "confidentiality" for c in changes):
            common.append({"type": "session", "state": room.info.state.value,
                           "elapsed_s": to_s(view.now), "confidentiality_read": True})  # fmt: skip
        if any(c.kind == "round" for c in changes):
            rounds = room.engine.rounds
            common.append({"type": "round", "round": round_state(rounds[-1], view.now, self._names())})
        if any(c.kind == "settings" for c in changes):
            common.append({"type": "settings", "settings": self._visible_settings()})
        staff += [{"type": "prompt_outcome", "id": c.detail["id"], "outcome": c.detail["outcome"]}
                  for c in changes if c.kind == "prompt_outcome"]  # fmt: skip
        # Every member's frames, connected here or not, so a reconnect anywhere can resume.
        concerned = set(people) | called
        if hands:
            concerned |= {pid for pid, p in room.engine.persons.items() if p.hand_up}
        members = {pid: frames for pid in concerned if pid in room.engine.persons
                   and (frames := self._member_frames(view, pid, people, hands, called))}  # fmt: skip
        batch = part(map(render, staff), {pid: map(render, own) for pid, own in members.items()},
                      map(render, common))  # fmt: skip
        self.history.record_log(room.seq, batch)
        staff_frames, mine, everyone = batch
        to_staff = staff_frames + everyone
        own: dict[str, Frames] = {}
        for pid, frame in mine:
            own[pid] = (*own.get(pid, ()), frame)
        for conn in list(room.connections):
            viewer = conn.viewer
            if viewer.person_id in room.waiting:
                continue  # not let in yet: they learn nothing of the session (waiting room)
            for frame in to_staff if viewer.is_facilitator else own.get(viewer.person_id, ()) + everyone:
                conn.send(frame, room.seq)

    def _member_frames(self, view: View, me: str, people: list[str], hands: bool,
                       called: set[str | None]) -> list[dict[str, Any]]:  # fmt: skip
        frames: list[dict[str, Any]] = []
        mine = view.engine.persons[me]
        if me in people or (hands and mine.hand_up):
            frames.append({"type": "person", "person": view.person(me, True, for_member=True)})
        if me in called:
            frames.append({"type": "called"})
        return frames

    def connection_changed(self, pid: str) -> None:
        room = self.room
        if pid not in room.engine.persons or pid in room.deleted:
            return
        view = View(room.engine, max(room.engine.now, room.session_time()))
        self.to_staff({"type": "person", "person": view.person(pid, self._is_connected(pid), False)})

    def airtime(self, now: Micros) -> None:
        """Live figures once a tick while anyone speaks, and once after (coalescible)."""
        room = self.room
        speaking = bool(room.engine.floor.speakers)
        if not speaking and not self._speech_shown:
            return
        self._speech_shown = speaking
        if not room.connections:
            return
        view = View(room.engine, max(now, room.engine.now))
        # Each person's figures once: the facilitators' frame lists them all, a member's has hers.
        figures = {pid: view.figures(pid) for pid in self._shown(room.engine.persons)}
        staff: Rendered | None = None
        group: dict[str, Any] | None = None  # what members see of the group: the same for each
        for conn in list(room.connections):
            pid = conn.viewer.person_id
            if conn.viewer.is_facilitator:
                if staff is None:
                    staff = render({"type": "airtime", "elapsed_s": to_s(view.now),
                                    "people": list(figures.values()), "group": view.headline()})  # fmt: skip
                conn.send(staff, room.seq)
            elif pid not in room.waiting and pid in figures:
                group = group or self._member_group(view)
                conn.send({"type": "airtime", "elapsed_s": to_s(view.now), "me": figures[pid], "group": group},
                          room.seq)  # fmt: skip
