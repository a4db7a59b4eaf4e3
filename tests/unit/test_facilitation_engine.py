"""Rounds, a facilitator's hand order, settings mid-session, removal, co-facilitators."""

from __future__ import annotations

from app.domain.clock import s
from app.domain.engine import SessionEngine
from app.domain.events import Event, Kind, Role
from app.domain.report import build_report
from app.domain.rounds import Round, rotate, round_state
from app.domain.rules import GroupSettings
from app.domain.scenario import Scenario
from app.domain.simulate import engine_for
from app.domain.views import hand_queue, status


def engine(*names: str, settings: GroupSettings | None = None) -> SessionEngine:
    eng = engine_for(Scenario(s(3600), list(names), dict.fromkeys(names, True), "Fac",
                              settings or GroupSettings()))  # fmt: skip
    eng.apply(Event(0, Kind.START))
    for name in (*names, "Fac"):
        if name != "Fac":
            eng.apply(Event(0, Kind.CONSENT, name, True))
        eng.apply(Event(0, Kind.JOIN, name))
    return eng


# -- rounds (DOMAIN.md R3) ---------------------------------------------------------


def test_rotate_moves_the_start_one_on_and_turns_the_direction() -> None:
    members = ["a", "b", "c", "d"]
    first, direction = rotate(members, None)
    assert (first, direction) == (["a", "b", "c", "d"], "forward")
    second, direction = rotate(members, Round(1, "check_in", first, 0, direction="forward"))
    assert (second, direction) == (["b", "a", "d", "c"], "backward")
    third, direction = rotate(members, Round(2, "go_around", second, 0, direction="backward"))
    assert (third, direction) == (["c", "d", "a", "b"], "forward")
    assert rotate([], None) == ([], "forward")


def test_a_round_moves_on_by_next_pass_and_skip_then_ends() -> None:
    eng = engine("Ana", "Ben", "Cy")
    data = {"kind": "check_in", "order": ["Ben", "Ana", "Cy"], "timebox_s": 60}
    eng.apply(Event(s(10), Kind.ROUND, on=True, data=data, actor="Fac"))
    assert eng.round_running and eng.rounds[-1].current == "Ben"
    state = round_state(eng.rounds[-1], s(25), {"Ben": "Ben", "Ana": "Ana"})
    assert state is not None
    assert state["turn_s"] == 15.0 and state["timebox_s"] == 60.0
    assert state["current_name"] == "Ben" and state["next_name"] == "Ana"
    eng.apply(Event(s(30), Kind.TURN, data={"action": "pass"}))
    eng.apply(Event(s(40), Kind.TURN, data={"action": "next"}))
    assert eng.rounds[-1].current == "Cy"
    eng.apply(Event(s(50), Kind.TURN, data={"action": "skip"}))
    assert not eng.round_running and eng.rounds[-1].ended_at == s(50)
    assert eng.rounds[-1].outcomes == {"Ben": "passed", "Ana": "done", "Cy": "skipped"}
    assert eng.apply(Event(s(60), Kind.TURN, data={"action": "next"})) == []  # no round: no-op


def test_passing_costs_nothing_in_any_figure() -> None:
    # DOMAIN.md E5: "pass" in rounds is never penalised.
    with_pass, without = engine("Ana", "Ben"), engine("Ana", "Ben")
    for eng, passes in ((with_pass, True), (without, False)):
        eng.apply(Event(s(5), Kind.ROUND, on=True, data={"order": ["Ana", "Ben"]}))
        if passes:
            eng.apply(Event(s(6), Kind.TURN, data={"action": "pass"}))
        eng.apply(Event(s(7), Kind.SPEAKING, "Ben", True))
        eng.apply(Event(s(20), Kind.SPEAKING, "Ben", False))
        eng.apply(Event(s(30), Kind.END))


    assert build_report(with_pass, ["Ana", "Ben"], "Fac") == build_report(without, ["Ana", "Ben"], "Fac")


# -- hands (DOMAIN.md R1, R2) ----------------------------------------------------------


def test_facilitator_order_holds_until_the_queue_empties() -> None:
    eng = engine("Ana", "Ben", "Cy")
    for t, name in ((1, "Ana"), (2, "Ben"), (3, "Cy")):
        eng.apply(Event(s(t), Kind.HAND, name, True))
    eng.apply(Event(s(4), Kind.REORDER, "Cy", ref=1))
    places = hand_queue(eng, s(4))
    assert [p.person.id for p in places] == ["Cy", "Ana", "Ben"]
    assert {p.reason for p in places} == {"order set by the facilitator"}
    eng.apply(Event(s(5), Kind.REORDER, "Cy", ref=99))  # past the end: last
    assert [p.person.id for p in hand_queue(eng, s(5))] == ["Ana", "Ben", "Cy"]
    for t, name in ((6, "Ana"), (7, "Ben"), (8, "Cy")):
        eng.apply(Event(s(t), Kind.CALL, name))
    assert eng.manual_queue is None
    eng.apply(Event(s(9), Kind.HAND, "Ben", True))
    assert hand_queue(eng, s(9))[0].reason == "raised first"


def test_least_airtime_order_and_reason() -> None:
    eng = engine("Ana", "Ben", settings=GroupSettings(hand_order="least_airtime"))
    eng.apply(Event(s(1), Kind.SPEAKING, "Ana", True))
    eng.apply(Event(s(2), Kind.SPEAKING, "Ana", False))
    eng.apply(Event(s(3), Kind.HAND, "Ana", True))
    eng.apply(Event(s(4), Kind.HAND, "Ben", True))
    places = hand_queue(eng, s(5))
    assert [p.person.id for p in places] == ["Ben", "Ana"]
    assert places[0].reason == "has spoken least so far of those waiting"


# -- settings, removal, co-facilitators -------------------------------------------------


def test_settings_change_mid_session_takes_effect_from_then() -> None:
    eng = engine("Ana", "Ben")
    eng.apply(Event(s(100), Kind.SETTINGS, data={"prompts": False, "hand_order": "least_airtime"}))
    assert eng.settings.prompts is False and eng.settings.hand_order == "least_airtime"
    eng.apply(Event(s(3000), Kind.TICK))
    assert eng.prompt_log.issued == []  # would have invited someone by now with prompts on


def test_removed_members_leave_and_cannot_rejoin() -> None:
    eng = engine("Ana")
    eng.apply(Event(s(1), Kind.SPEAKING, "Ana", True))
    eng.apply(Event(s(2), Kind.HAND, "Ana", True))
    changes = eng.apply(Event(s(4), Kind.REMOVE, "Ana"))
    ana = eng.persons["Ana"]
    assert not ana.present and not ana.speaking and not ana.hand_up and ana.removed
    assert ana.airtime == s(3)
    assert {c.kind for c in changes} >= {"speaking", "hand", "presence", "removed"}
    assert eng.apply(Event(s(5), Kind.JOIN, "Ana")) == []


def test_cofacilitators_are_members_whose_speech_still_counts() -> None:
    eng = engine("Ana", "Ben")
    eng.apply(Event(s(1), Kind.COFACILITATOR, "Ben", True))
    assert eng.persons["Ben"].cofacilitator and eng.persons["Ben"].role is Role.MEMBER
    assert eng.apply(Event(s(2), Kind.COFACILITATOR, "Fac", True)) == []  # facilitators already lead
    eng.apply(Event(s(3), Kind.SPEAKING, "Ben", True))
    eng.apply(Event(s(13), Kind.SPEAKING, "Ben", False))
    eng.apply(Event(s(20), Kind.END))


    assert status(eng.persons["Ben"], s(20)) == "participant"


def test_prompt_outcomes_are_recorded_once_valid() -> None:
    eng = engine("Ana", "Ben", settings=GroupSettings(quiet_after_s=5, silent_for_s=5))
    eng.apply(Event(s(10), Kind.TICK))
    assert [p.kind for p in eng.prompt_log.issued] == ["group_invite"]
    assert eng.apply(Event(s(11), Kind.PROMPT, ref=2, data={"outcome": "dismissed"})) == []
    assert eng.apply(Event(s(11), Kind.PROMPT, ref=1, data={"outcome": "maybe"})) == []
    eng.apply(Event(s(12), Kind.PROMPT, ref=1, data={"outcome": "acted_on"}))
    assert eng.prompt_log.outcomes == {1: "acted_on"}


def test_scenario_settings_take_decimal_numbers() -> None:
    import json

    from app.domain.scenario import parse_scenario

    raw = {"duration_s": 10, "members": [{"name": "a"}],
           "settings": {"quiet_ratio": 0.4, "facilitator_ratio": 2.5, "prompt_gap_s": 60}}  # fmt: skip
    rules = parse_scenario(json.dumps(raw)).settings
    assert (rules.quiet_ratio, rules.facilitator_ratio, rules.prompt_gap_s) == (0.4, 2.5, 60)
