"""Reading `airtime simulate` input: JSON scenarios and RTTM files (SCENARIO.md).

Parsing is strict and every error names its place, e.g.
`events[3].member: unknown member "Zed"`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from app.domain.clock import Micros, to_us
from app.domain.events import Event, Kind, Source
from app.domain.rules import GroupSettings, SettingsError


class ScenarioError(ValueError):
    """Malformed input; str() is one line: `place: problem`."""

    def __init__(self, place: str, problem: str) -> None:
        super().__init__(f"{place}: {problem}" if place else problem)


@dataclass
class Scenario:
    duration: Micros
    members: list[str]
    consent: dict[str, bool]
    facilitator: str | None = None
    settings: GroupSettings = field(default_factory=GroupSettings)
    events: list[Event] = field(default_factory=list)  # in application order, within duration


EVENT_TYPES: dict[str, tuple[Kind, str | None]] = {
    # type -> (kind, the boolean field it needs)
    "join": (Kind.JOIN, None),
    "leave": (Kind.LEAVE, None),
    "speaking": (Kind.SPEAKING, "on"),
    "hand": (Kind.HAND, "raised"),
    "call": (Kind.CALL, None),
    "listening": (Kind.LISTENING, "on"),
    "round": (Kind.ROUND, "on"),
}
TOP_KEYS = {"duration_s", "facilitator", "members", "settings", "events"}
# No session or recording runs longer (about 116 days); beyond it times stop being whole
# microseconds (1e300 s cannot be counted in them), so larger numbers are refused.
MAX_SECONDS = 10_000_000


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON allows")


def _number(value: Any, place: str) -> Micros:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise ScenarioError(place, "expected a number")
    if value < 0:
        raise ScenarioError(place, "must be >= 0")
    if value > MAX_SECONDS:
        raise ScenarioError(place, f"must be at most {MAX_SECONDS:,} seconds")
    return to_us(value)


def _object(value: Any, place: str, allowed: set[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ScenarioError(place, "expected an object")
    for key in value:
        if key not in allowed:
            raise ScenarioError(f"{place}.{key}" if place else key, "unknown field")
    return value


def _list(value: Any, place: str) -> list[Any]:
    if not isinstance(value, list):
        raise ScenarioError(place, "expected a list")
    return value


def parse_scenario(text: str) -> Scenario:
    """Parse a JSON scenario; raises ScenarioError."""
    try:
        raw = json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    except (json.JSONDecodeError, ValueError) as exc:
        where = f"line {exc.lineno} column {exc.colno}: " if isinstance(exc, json.JSONDecodeError) else ""
        raise ScenarioError("", f"invalid JSON: {where}{getattr(exc, 'msg', exc)}") from None
    top = _object(raw, "", TOP_KEYS)
    if "duration_s" not in top:
        raise ScenarioError("duration_s", "required")
    duration = _number(top["duration_s"], "duration_s")
    members, consent = _members(top)
    facilitator = _facilitator(top, members)
    try:
        settings = GroupSettings.parse(_object(top.get("settings", {}), "settings", _setting_keys()))
    except SettingsError as exc:
        raise ScenarioError("settings", str(exc)) from None
    people = set(members) | ({facilitator} if facilitator else set())
    raw_events = _list(top.get("events", []), "events")
    parsed = [_event(e, f"events[{i}]", people) for i, e in enumerate(raw_events)]
    parsed.sort(key=lambda ev: ev.t)  # stable: file order breaks ties
    timeline = [ev for ev in parsed if ev.t <= duration]
    # A join anywhere in the file, even past the end, means absent until one applies.
    joiners = {ev.person for ev in parsed if ev.kind is Kind.JOIN}
    scenario = Scenario(duration, members, consent, facilitator, settings)
    scenario.events = _framed(scenario, timeline, joiners)
    return scenario


def _setting_keys() -> set[str]:
    return set(GroupSettings().as_dict())


def _members(top: dict[str, Any]) -> tuple[list[str], dict[str, bool]]:
    if "members" not in top:
        raise ScenarioError("members", "required")
    names: list[str] = []
    consent: dict[str, bool] = {}
    for i, raw in enumerate(_list(top["members"], "members")):
        place = f"members[{i}]"
        member = _object(raw, place, {"name", "consent"})
        name = member.get("name")
        if not isinstance(name, str) or not name:
            raise ScenarioError(f"{place}.name", "expected a non-empty string")
        if name in consent:
            raise ScenarioError(f"{place}.name", f'duplicate member "{name}"')
        agreed = member.get("consent", True)
        if not isinstance(agreed, bool):
            raise ScenarioError(f"{place}.consent", "expected true or false")
        names.append(name)
        consent[name] = agreed
    return names, consent


def _facilitator(top: dict[str, Any], members: list[str]) -> str | None:
    name = top.get("facilitator")
    if name is None:
        return None
    if not isinstance(name, str) or not name:
        raise ScenarioError("facilitator", "expected a non-empty string")
    if name in members:
        raise ScenarioError("facilitator", f'"{name}" is also a member')
    return name


def _event(raw: Any, place: str, people: set[str]) -> Event:
    event = _object(raw, place, {"t", "type", "member", "on", "raised"})
    if "t" not in event:
        raise ScenarioError(f"{place}.t", "required")
    t = _number(event["t"], f"{place}.t")
    kind_name = event.get("type")
    if kind_name not in EVENT_TYPES:
        raise ScenarioError(f"{place}.type", f"unknown event type {json.dumps(kind_name)}")
    kind, flag = EVENT_TYPES[kind_name]
    for name in ("on", "raised"):
        if name in event and name != flag:
            raise ScenarioError(f"{place}.{name}", f"not a field of a {kind_name} event")
    value: bool | None = None
    if flag is not None:
        value = event.get(flag)
        if not isinstance(value, bool):
            raise ScenarioError(f"{place}.{flag}", "expected true or false")
    person = event.get("member")
    if kind is Kind.ROUND:
        if person is not None:
            raise ScenarioError(f"{place}.member", "a round is about no one member")
    elif not isinstance(person, str):
        raise ScenarioError(f"{place}.member", "expected a member's name")
    elif person not in people:
        raise ScenarioError(f"{place}.member", f"unknown member {json.dumps(person)}")
    return Event(t, kind, person, value, Source.IMPORT if kind is Kind.SPEAKING else None)


def _framed(
    scenario: Scenario, timeline: list[Event], joiners: set[str | None] | None = None
) -> list[Event]:
    """Wrap the timeline: start, consents, joins at 0 for those with no join event, the end."""
    joiners = joiners or set()
    everyone = scenario.members + ([scenario.facilitator] if scenario.facilitator else [])
    opening = [Event(0, Kind.START)]
    opening += [Event(0, Kind.CONSENT, m, True) for m in scenario.members if scenario.consent[m]]
    opening += [Event(0, Kind.JOIN, p) for p in everyone if p not in joiners]
    events = opening + timeline + [Event(scenario.duration, Kind.END)]
    return [_with_seq(ev, i) for i, ev in enumerate(events, start=1)]


def _with_seq(ev: Event, seq: int) -> Event:
    return Event(ev.t, ev.kind, ev.person, ev.on, ev.source, ev.at, ev.inferred, seq, ev.actor)


def parse_rttm(text: str, duration_s: Decimal | None = None) -> Scenario:
    """Parse RTTM SPEAKER lines; every speaker is a member present throughout."""
    segments: dict[str, list[tuple[Micros, Micros]]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        fields = line.split()
        if not fields or fields[0].startswith(("#", ";")) or fields[0] != "SPEAKER":
            continue
        place = f"line {number}"
        if len(fields) < 8:
            raise ScenarioError(place, "a SPEAKER line needs at least 8 fields")
        start, length = _rttm_number(fields[3], place, "start"), _rttm_number(fields[4], place, "duration")
        # Every speaker named is a member, in order of first appearance, even when
        # their first (or only) segment is empty.
        speaker_spans = segments.setdefault(fields[7], [])
        if length > 0:
            speaker_spans.append((start, start + length))
    if not segments and duration_s is None:
        raise ScenarioError("", "no SPEAKER lines")
    longest = max((end for spans in segments.values() for _, end in spans), default=0)
    limit = None if duration_s is None else Decimal(str(duration_s))  # callers pass str and int too
    if limit is not None and not (limit.is_finite() and 0 <= limit <= MAX_SECONDS):
        raise ScenarioError("duration", f"must be from 0 to {MAX_SECONDS:,} seconds")
    duration = longest if duration_s is None else to_us(duration_s)
    names = list(segments)
    timeline = [
        Event(t, Kind.SPEAKING, name, on, Source.IMPORT)
        for name in names
        for start, end in _union(segments[name])
        for t, on in ((start, True), (end, False))
    ]
    timeline.sort(key=lambda ev: (ev.t, bool(ev.on)))
    scenario = Scenario(duration, names, dict.fromkeys(names, True))
    scenario.events = _framed(scenario, [ev for ev in timeline if ev.t <= duration])
    return scenario


def _rttm_number(text: str, place: str, what: str) -> Micros:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ScenarioError(place, f"{what} {json.dumps(text)} is not a number") from None
    if not value.is_finite() or value < 0:
        raise ScenarioError(place, f"{what} {json.dumps(text)} must be a number >= 0")
    if value > MAX_SECONDS:
        raise ScenarioError(place, f"{what} {json.dumps(text)} must be at most {MAX_SECONDS:,} seconds")
    return to_us(value)


def _union(spans: list[tuple[Micros, Micros]]) -> list[tuple[Micros, Micros]]:
    """A speaker's overlapping or touching segments count once."""
    merged: list[tuple[Micros, Micros]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
