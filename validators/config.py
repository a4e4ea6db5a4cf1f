"""Every threshold the rules use, in one place, so a city can tune them without touching rule code."""

from __future__ import annotations

from dataclasses import dataclass, field

from validators.catalogue import RULES, Severity


@dataclass(frozen=True, slots=True)
class RuleConfig:
    default_payday: int = 15
    child_age: int = 16
    overage_male: int = 60
    overage_female: int = 55
    tolerance_fen: int = 100  # the 1-yuan tolerance of the payroll rules
    deduction_cap: float = 0.20
    attendance_gap_days: int = 7
    no_account_grace_days: int = 30
    days_mismatch_tolerance: float = 1.0
    min_wage_divisor: float = 21.75
    # 法释〔2013〕3号 第三条: 5,000–20,000 yuan for one worker; 30,000–100,000 for ten or more.
    crime_single_months: int = 3
    crime_single_fen: int = 500_000
    crime_group_workers: int = 10
    crime_group_fen: int = 3_000_000
    # 安薪指数 = 100 × S − P; P = critical × distinct critical rules + high × distinct high rules, ≤ cap
    anxin_penalty_critical: float = 5.0
    anxin_penalty_high: float = 2.0
    anxin_penalty_cap: float = 50.0
    level_red_below: float = 80.0
    level_yellow_below: float = 95.0
    # risk_score = arrears_weight × unpaid share + severity_weight × severity load (see docs/indices.md)
    risk_arrears_weight: float = 60.0
    risk_severity_weight: float = 40.0
    region_code: str = "330783"  # 东阳市; selects the minimum wage tier from reference data
    severity_overrides: dict[str, Severity] = field(default_factory=dict)

    def severity(self, code: str) -> Severity:
        return self.severity_overrides.get(code, RULES[code].severity)
