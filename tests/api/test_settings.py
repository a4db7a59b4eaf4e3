"""Group settings (DOMAIN.md P5, R2, R5) and the leaders' rotation history (R4)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import refused

DEFAULTS = {
    "prompts": True, "quiet_after_s": 600, "quiet_window_s": 900, "quiet_ratio": 0.5,
    "silent_for_s": 900, "member_prompt_gap_s": 900, "prompt_gap_s": 300, "long_turn_s": 300,
    "facilitator_ratio": 2.0, "hand_order": "fifo", "share_timer": False,
    "members_see_headline": True, "waiting_room": False,
    "retain_events_days": 30, "retain_reports_days": 365, "retain_texts_days": 365,
}  # fmt: skip


def test_defaults_then_partial_updates(fay: TestClient, group: dict[str, Any]) -> None:
    url = f"/api/groups/{group['id']}/settings"
    assert fay.get(url).json() == DEFAULTS
    changed = fay.put(url, json={"hand_order": "least_airtime", "prompt_gap_s": 120})
    assert changed.status_code == 200
    assert changed.json() == DEFAULTS | {"hand_order": "least_airtime", "prompt_gap_s": 120}
    assert fay.get(url).json()["hand_order"] == "least_airtime"


def test_bad_settings_are_refused_and_change_nothing(fay: TestClient, group: dict[str, Any]) -> None:
    url = f"/api/groups/{group['id']}/settings"
    assert refused(fay.put(url, json={"colour": "blue"}), 400) == "colour: unknown setting"
    assert refused(fay.put(url, json={"hand_order": "loudest"}), 400) == (
        'hand_order: expected "fifo" or "least_airtime"'
    )
    assert refused(fay.put(url, json={"quiet_ratio": -1}), 400) == "quiet_ratio: expected a number >= 0"
    assert refused(fay.put(url, json={"prompts": "yes"}), 400) == "prompts: expected true or false"
    assert fay.get(url).json() == DEFAULTS


def test_only_the_groups_facilitators(gil: TestClient, member: TestClient, group: dict[str, Any]) -> None:
    url = f"/api/groups/{group['id']}/settings"
    assert refused(gil.get(url), 404) == "no such group among yours"
    assert refused(gil.put(url, json={"prompts": False}), 404) == "no such group among yours"
    assert member.get(url).status_code == 401
    assert gil.get(f"/api/groups/{group['id']}/leaders").status_code == 404


def test_leaders_history_starts_empty(fay: TestClient, group: dict[str, Any]) -> None:
    assert fay.get(f"/api/groups/{group['id']}/leaders").json() == []
