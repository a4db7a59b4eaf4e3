"""The per-connection token bucket (RELIABILITY.md S4), with time as a parameter."""

from __future__ import annotations

from app.realtime.limits import BURST, RATE, STRIKES, Bucket


def test_a_burst_passes_then_the_rate_holds_with_a_retry_hint() -> None:
    bucket = Bucket()
    assert all(bucket.take(0.0) is None for _ in range(int(BURST)))
    wait = bucket.take(0.0)
    assert wait is not None and abs(wait - 1 / RATE) < 1e-9
    assert bucket.take(1 / RATE) is None  # one more message a tenth of a second later
    assert bucket.take(1 / RATE) is not None


def test_a_pause_refills_and_persistent_excess_is_abuse() -> None:
    bucket = Bucket()
    for _ in range(int(BURST)):
        bucket.take(0.0)
    for _ in range(STRIKES - 1):
        assert bucket.take(0.0) is not None
    assert not bucket.abusive
    bucket.take(0.0)
    assert bucket.abusive
    assert bucket.take(10.0) is None and not bucket.abusive  # after a pause, all is forgiven
