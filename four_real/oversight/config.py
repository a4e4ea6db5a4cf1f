"""Every deadline, threshold and weight of leads, grading and escalation, in one frozen config.

The seed guidance fixes the deadlines (7 days local, 30 days national), the three grades and their
inspection rhythm, and the three escalation steps; it publishes no numeric thresholds for the grades, so
the defaults below are the product's and are documented, with the reasoning, in ``docs/grading.md``.
A city tunes them by passing another ``OversightConfig`` (``dataclasses.replace(DEFAULT, ...)``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["ACCOUNT_RULES", "DEFAULT", "OversightConfig"]

ACCOUNT_RULES: tuple[str, ...] = ("ACCT-INSUFFICIENT", "ACCT-MISUSE", "ACCT-NO-ALLOCATION")
"""Business condition: the wage account underfunded or misused, labor cost not allocated (rules.md)."""


@dataclass(frozen=True, slots=True)
class OversightConfig:
    """Thresholds are inclusive on the worse side: a count *at* a ``*_red``/``*_yellow`` threshold takes
    that verdict; a rate *below* ``signing_*_below`` does (a rate exactly at it does not)."""

    # lead deadlines in calendar days from the received date (seed guidance 第十条)
    deadline_days: dict[str, int] = field(default_factory=lambda: {"local": 7, "national": 30})
    # grading window: whole wage months before the grading date's month
    grading_months: int = 6
    # labor disputes: complaint leads against the enterprise received in the window
    leads_red: int = 3
    leads_yellow: int = 1
    # labor-contract signing rate (roster rows with contract_signed known)
    signing_red_below: float = 0.80
    signing_yellow_below: float = 0.95
    # wage payment: arrears (Σ project_month.unpaid, fen) and critical/high findings
    arrears_red_fen: int = 3_000_000  # 30,000 yuan: the group threshold of 法释〔2013〕3号 第三条
    arrears_yellow_fen: int = 1
    critical_red: int = 1
    high_yellow: int = 1
    # business condition: findings of ACCOUNT_RULES
    account_red: int = 2
    account_yellow: int = 1
    # inspection rhythm after a grade, in months (None: no scheduled inspection)
    inspect_every_months: dict[str, int | None] = field(
        default_factory=lambda: {"red": 1, "yellow": 3, "green": None})
    # escalation over the last N months: distinct months with arrears or leads → step
    escalation_months: int = 12
    escalation_steps: tuple[tuple[int, str], ...] = ((3, "full_check"), (2, "interview"), (1, "reminder"))

    def deadline(self, source: str) -> int:
        return self.deadline_days[source]


DEFAULT = OversightConfig()
