"""Backoff: doubles from the base after each failure, capped; jitter takes at most its share off."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from four_real.notify.delivery import RetryPolicy


class Draw(random.Random):
    """A generator that always draws ``value``: the extremes of jitter, exactly."""

    def __init__(self, value: float) -> None:
        super().__init__(0)
        self.value = value

    def random(self) -> float:
        return self.value


def test_the_ceiling_doubles_from_the_base_and_stops_at_the_cap():
    policy = RetryPolicy(base_seconds=30, factor=2, max_seconds=3600)
    assert [policy.ceiling(n) for n in range(1, 10)] == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


@pytest.mark.parametrize(("draw", "seconds"), [(0.0, 120.0), (0.5, 90.0), (0.999999, 60.0000015)])
def test_jitter_takes_up_to_half_off(draw, seconds):
    delay = RetryPolicy(base_seconds=30, jitter=0.5).delay(3, Draw(draw))
    assert delay.total_seconds() == pytest.approx(seconds)


def test_without_jitter_the_delay_is_the_ceiling_and_random_draws_stay_in_bounds():
    assert RetryPolicy(jitter=0).delay(2) == dt.timedelta(seconds=60)
    rng = random.Random(7)
    delays = [RetryPolicy().delay(4, rng).total_seconds() for _ in range(200)]
    assert all(120 < d <= 240 for d in delays) and len(set(delays)) > 100  # spread, not one value


@pytest.mark.parametrize("bad", [{"max_attempts": 0}, {"base_seconds": 0}, {"factor": 0.5}, {"jitter": 1.0}])
def test_nonsense_policies_are_refused(bad):
    with pytest.raises(ValueError, match="retry policy"):
        RetryPolicy(**bad)
