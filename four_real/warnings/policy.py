"""Deadlines by severity, and when a warning is overdue.

Defaults (documented in docs/warnings.md): **critical 3 days, high 7 days**, calendar days counted from
the as-of date of the run that raised the warning. Seven days is the seed guidance's limit for handling an
ordinary local wage lead (本地平台的一般欠薪线索7日内处置完毕); a critical finding (wages not paid at all,
child labour, wage-account money diverted) cannot wait as long as an ordinary lead, hence three.

A warning is due **by** its deadline: on the deadline day it is not yet overdue, on the day after it is.
Override the defaults with FOUR_REAL_WARNING_CRITICAL_DAYS and FOUR_REAL_WARNING_HIGH_DAYS.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass

LIVE_STATUSES = ("open", "acknowledged")
ENV_PREFIX = "FOUR_REAL_WARNING_"


@dataclass(frozen=True)
class WarningPolicy:
    critical_days: int = 3
    high_days: int = 7

    def __post_init__(self) -> None:
        if self.critical_days < 0 or self.high_days < 0:
            raise ValueError("deadlines must be zero or more days")

    def days(self, severity: str) -> int:
        if severity == "critical":
            return self.critical_days
        if severity == "high":
            return self.high_days
        raise ValueError(f"warnings are critical or high, not {severity!r}")

    def deadline(self, severity: str, opened_on: dt.date) -> dt.date:
        return opened_on + dt.timedelta(days=self.days(severity))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> WarningPolicy:
        env = os.environ if environ is None else environ
        values: dict[str, int] = {}
        for field in ("critical_days", "high_days"):
            raw = env.get(ENV_PREFIX + field.upper())
            if raw:
                try:
                    values[field] = int(raw)
                except ValueError:
                    raise ValueError(f"{ENV_PREFIX}{field.upper()} must be a whole number of days, not {raw!r}"
                                     ) from None
        return cls(**values)


def is_overdue(status: str, deadline: dt.date, as_of: dt.date) -> bool:
    """Open or acknowledged, and ``as_of`` is after the deadline."""
    return status in LIVE_STATUSES and as_of > deadline
