"""Malformed scenarios: one line naming the place and the problem (SCENARIO.md, last rule)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.domain.scenario import ScenarioError, parse_scenario


def scenario(**overrides: Any) -> str:
    """A valid scenario with some top-level fields replaced (None removes one)."""
    raw: dict[str, Any] = {
        "duration_s": 60,
        "facilitator": "Fay",
        "members": [{"name": "Ana"}, {"name": "Ben"}],
        "events": [],
    }
    raw.update(overrides)
    return json.dumps({k: v for k, v in raw.items() if v is not None})


def error_of(text: str) -> str:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text)
    return str(info.value)


def test_valid_scenario_parses() -> None:
    events = [{"t": 1, "type": "speaking", "member": "Fay", "on": True}]
    parsed = parse_scenario(scenario(events=events))
    assert parsed.members == ["Ana", "Ben"]
    assert parsed.facilitator == "Fay"


def test_error_is_a_single_line() -> None:
    # SCENARIO.md: a one-line error.
    assert "\n" not in error_of('{\n"duration_s": 1,\n"members": [\n')


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"duration_s": 10,',
         "invalid JSON: line 1 column 19: Expecting property name enclosed in double quotes"),
        ("", "invalid JSON: line 1 column 1: Expecting value"),
        ('{"duration_s": NaN, "members": []}', "invalid JSON: NaN is not a number JSON allows"),
        ("[]", "expected an object"),
    ],
)  # fmt: skip
def test_invalid_json(text: str, message: str) -> None:
    assert error_of(text) == message


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"duration_s": None}, "duration_s: required"),
        ({"duration_s": "60"}, "duration_s: expected a number"),
        ({"duration_s": True}, "duration_s: expected a number"),
        ({"duration_s": -1}, "duration_s: must be >= 0"),
        ({"members": None}, "members: required"),
        ({"members": {"name": "Ana"}}, "members: expected a list"),
        ({"members": ["Ana"]}, "members[0]: expected an object"),
        ({"members": [{"consent": True}]}, "members[0].name: expected a non-empty string"),
        ({"members": [{"name": ""}]}, "members[0].name: expected a non-empty string"),
        ({"members": [{"name": "Ana"}, {"name": "Ana"}]}, 'members[1].name: duplicate member "Ana"'),
        ({"members": [{"name": "Ana", "consent": "no"}]}, "members[0].consent: expected true or false"),
        ({"members": [{"name": "Ana", "age": 3}]}, "members[0].age: unknown field"),
        ({"facilitator": "Ana"}, 'facilitator: "Ana" is also a member'),
        ({"facilitator": 7}, "facilitator: expected a non-empty string"),
        ({"colour": "red"}, "colour: unknown field"),
        ({"settings": {"colour": "red"}}, "settings.colour: unknown field"),
        ({"settings": {"prompts": "yes"}}, "settings: prompts: expected true or false"),
        ({"settings": {"hand_order": "loudest"}},
         'settings: hand_order: expected "fifo" or "least_airtime"'),
        ({"settings": {"long_turn_s": -5}}, "settings: long_turn_s: expected a number >= 0"),
        ({"events": {}}, "events: expected a list"),
    ],
)  # fmt: skip
def test_malformed_top_level(overrides: dict[str, Any], message: str) -> None:
    assert error_of(scenario(**overrides)) == message


def test_event_naming_nobody() -> None:
    # SCENARIO.md's own example of an error message.
    events = [{"t": 0, "type": "join", "member": "Ana"}] * 3
    events.append({"t": 4, "type": "hand", "member": "Zed", "raised": True})
    assert error_of(scenario(events=events)) == 'events[3].member: unknown member "Zed"'


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({"t": 1, "type": "shout", "member": "Ana"}, 'events[0].type: unknown event type "shout"'),
        ({"t": 1, "member": "Ana"}, "events[0].type: unknown event type null"),
        ({"t": 1, "type": "speaking", "member": "Ana"}, "events[0].on: expected true or false"),
        ({"t": 1, "type": "speaking", "member": "Ana", "on": "yes"},
         "events[0].on: expected true or false"),
        ({"t": 1, "type": "hand", "member": "Ana", "on": True},
         "events[0].on: not a field of a hand event"),
        ({"t": 1, "type": "join", "member": "Ana", "raised": True},
         "events[0].raised: not a field of a join event"),
        ({"type": "join", "member": "Ana"}, "events[0].t: required"),
        ({"t": "1", "type": "join", "member": "Ana"}, "events[0].t: expected a number"),
        ({"t": True, "type": "join", "member": "Ana"}, "events[0].t: expected a number"),
        ({"t": -0.5, "type": "join", "member": "Ana"}, "events[0].t: must be >= 0"),
        ({"t": 1, "type": "join"}, "events[0].member: expected a member's name"),
        ({"t": 1, "type": "round", "on": True, "member": "Ana"},
         "events[0].member: a round is about no one member"),
        ({"t": 1, "type": "join", "member": "Ana", "volume": 3}, "events[0].volume: unknown field"),
        ("join", "events[0]: expected an object"),
    ],
)  # fmt: skip
def test_malformed_event(event: Any, message: str) -> None:
    assert error_of(scenario(events=[event])) == message


def test_events_past_the_duration_are_still_checked() -> None:
    # SCENARIO.md: an event naming nobody is malformed wherever it sits in time.
    events = [{"t": 600, "type": "join", "member": "Zed"}]
    assert error_of(scenario(events=events)) == 'events[0].member: unknown member "Zed"'


def test_events_may_name_the_facilitator_and_non_consenting_members() -> None:
    # SCENARIO.md: `member` names a member or the facilitator.
    members = [{"name": "Ana"}, {"name": "Cy", "consent": False}]
    events = [
        {"t": 1, "type": "hand", "member": "Fay", "raised": True},
        {"t": 2, "type": "listening", "member": "Cy", "on": True},
        {"t": 3, "type": "round", "on": True},
    ]
    parsed = parse_scenario(scenario(members=members, events=events))
    assert parsed.consent == {"Ana": True, "Cy": False}
