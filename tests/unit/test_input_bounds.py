"""Numbers past what time can hold are refused with a message, not an overflow (found
fuzzing the API: a group setting or an import's duration of 1e196 s broke the microsecond
clock, and a retention of 1e7 days would have stopped the hourly purge)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from app.domain.rules import GroupSettings, SettingsError
from app.domain.scenario import ScenarioError, parse_rttm, parse_scenario


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan"), 10**400, 1e7, Decimal("1E+999")])
def test_settings_beyond_their_range_are_refused(value: Any) -> None:
    with pytest.raises(SettingsError, match=r"^quiet_after_s: expected a number from 0 to 1,000,000$"):
        GroupSettings.parse({"quiet_after_s": value})
    with pytest.raises(SettingsError, match=r"^retain_events_days: expected a number from 0 to 36,500$"):
        GroupSettings.parse({"retain_events_days": value})


def test_settings_at_their_limits_are_kept() -> None:
    rules = GroupSettings.parse({"quiet_after_s": 1_000_000, "quiet_ratio": 0, "retain_texts_days": Decimal(36_500)})
    assert (rules.quiet_after_s, rules.quiet_ratio, rules.retain_texts_days) == (1_000_000, 0, 36_500.0)
    with pytest.raises(SettingsError, match="expected a number >= 0"):
        GroupSettings.parse({"quiet_ratio": -1})


def test_a_scenario_longer_than_any_session_is_refused() -> None:
    with pytest.raises(ScenarioError, match=r"^duration_s: must be at most 10,000,000 seconds$"):
        parse_scenario('{"duration_s": 1e300, "members": [{"name": "Ana"}], "events": []}')


@pytest.mark.parametrize(("text", "duration", "message"), [
    ("SPEAKER f 1 1e300 5 <NA> <NA> A <NA> <NA>", None, 'line 1: start "1e300" must be at most 10,000,000 seconds'),
    ("SPEAKER f 1 0 1e30 <NA> <NA> A <NA> <NA>", None, 'line 1: duration "1e30" must be at most 10,000,000 seconds'),
    ("SPEAKER f 1 0 5 <NA> <NA> A <NA> <NA>", Decimal("1e196"), "duration: must be from 0 to 10,000,000 seconds"),
    ("SPEAKER f 1 0 5 <NA> <NA> A <NA> <NA>", Decimal("NaN"), "duration: must be from 0 to 10,000,000 seconds"),
])  # fmt: skip
def test_rttm_times_longer_than_any_session_are_refused(text: str, duration: Decimal | None, message: str) -> None:
    with pytest.raises(ScenarioError) as refused:
        parse_rttm(text, duration)
    assert str(refused.value) == message
