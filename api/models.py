"""Public response models: what leaves the service, and nothing more (no hashes, no internal ids of rows).

Money is integer fen (``*_fen`` fields are named so where the name alone would not say it; the figures of
a project-month are fen throughout, as in the store). Personal numbers arrive here already masked or not,
as the route decided with :func:`four_real.access.unmasked_for`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

Level = Literal["red", "yellow", "green"]
Sector = Literal["housing", "transport", "water"]


class Health(BaseModel):
    status: Literal["ok"]
    database: str = Field(description="sqlite or postgresql")
    revision: str | None = Field(description="The store's migration revision")


class InputAccount(BaseModel):
    """Row accounting of one sheet: rows == accepted + rejected + skipped."""

    sheet: str | None
    kind: str
    rows: int
    accepted: int
    rejected: int
    skipped: int
    ignored_columns: list[str] = []


class RowProblemPublic(BaseModel):
    sheet: str | None
    row: int | None
    column: str | None
    value: str | None = Field(description="The cell as read; personal numbers masked unless the reader is the "
                                          "project's own labor manager")
    code: str
    reason_zh: str
    reason_en: str


class Totals(BaseModel):
    rows: int
    accepted: int
    rejected: int
    skipped: int


class UploadReceipt(BaseModel):
    """What happened to an uploaded file."""

    file: str
    status: Literal["stored", "unchanged"]
    message_zh: str
    message_en: str
    upload_id: int | None = Field(description="None when identical content was already stored")
    sha256: str
    totals: Totals
    inputs: list[InputAccount]
    rejected_rows: list[RowProblemPublic]
    warnings: list[RowProblemPublic]
    slices_written: list[str]
    slices_unchanged: list[str]


class FeedVersion(BaseModel):
    bank_code: str
    batch_id: str
    version: int
    branch_code: str | None
    payer_account: str | None = Field(description="Masked: the last four digits")
    feed_date: dt.date | None
    record_count: int
    total_fen: int
    is_correction: bool
    current: bool
    received_at: dt.datetime
    rows: int
    accepted: int
    rejected: int


class FeedReceipt(UploadReceipt):
    feed: FeedVersion | None = Field(description="The batch's current version after this request")


class FeedsPublic(BaseModel):
    data: list[FeedVersion]
    count: int


class FeedHistory(BaseModel):
    data: list[FeedVersion] = Field(description="Every version, oldest first; the last is current")


class Figures(BaseModel):
    """A project-month's figures (money in fen)."""

    month: str
    due_date: dt.date
    status: str
    workers: int
    payable: int
    paid: int
    unpaid: int
    unpaid_own: int
    underpaid: int
    anxin_index: float
    risk_score: int
    level: Level
    critical: int
    high: int
    medium: int
    low: int
    as_of: dt.date


class ProjectPublic(BaseModel):
    code: str
    name: str | None
    sector: str | None
    township: str | None
    contractor: str | None
    contractor_uscc: str | None


class ProjectListItem(ProjectPublic):
    figures: Figures | None = Field(description="The figures of the listing's month; None when not scored")


class ProjectsPublic(BaseModel):
    month: str | None = Field(description="The month whose figures are shown")
    data: list[ProjectListItem]
    count: int


class ProjectDetailPublic(ProjectPublic):
    months: list[Figures] = Field(description="Every scored month, newest first")


class FindingPublic(BaseModel):
    id: int
    rule: str
    pillar: str
    severity: str
    month: str
    worker_id: str | None = Field(description="ID number; masked unless the reader is the project's labor manager")
    worker_name: str | None
    amount: int | None = Field(description="fen")
    message_zh: str
    message_en: str
    basis: str
    evidence: list[Any]
    status: str
    first_seen_at: dt.datetime
    resolved_at: dt.datetime | None


class FindingsPublic(BaseModel):
    data: list[FindingPublic]
    count: int


class ProjectMonthPublic(BaseModel):
    project: ProjectPublic
    figures: Figures
    findings: FindingsPublic


class VersionPublic(BaseModel):
    id: int
    kind: str
    slice_key: str
    month: str | None
    rows: int
    rows_added: int
    rows_removed: int
    amounts_changed: int
    received_at: dt.datetime
    superseded_at: dt.datetime | None
    superseded_by: int | None
    current: bool
    filename: str


class HistoryPublic(BaseModel):
    data: list[VersionPublic]


class TownshipSummary(BaseModel):
    township: str
    projects: int
    workers: int
    payable: int
    paid: int
    unpaid: int
    underpaid: int
    anxin_index: float
    red: int
    yellow: int
    green: int


class TownshipsPublic(BaseModel):
    month: str | None
    data: list[TownshipSummary]


class TokenCreate(BaseModel):
    label: str = Field(min_length=1, max_length=200)
    role: Literal["labor_manager", "bank", "industry_bureau", "hr_bureau", "admin"]
    projects: list[str] = Field(default=[], max_length=1000)
    bank_code: str | None = Field(default=None, max_length=32)
    wage_accounts: list[str] = Field(default=[], max_length=1000)
    sector: Sector | None = None
    townships: list[str] = Field(default=[], max_length=200)
    expires_at: dt.datetime | None = None


class TokenPublic(BaseModel):
    id: int
    prefix: str
    label: str
    role: str
    projects: list[str]
    bank_code: str | None
    wage_accounts: list[str]
    sector: str | None
    townships: list[str]
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenIssued(TokenPublic):
    token: str = Field(description="The secret, shown this once; only its hash is stored")


class TokensPublic(BaseModel):
    data: list[TokenPublic]
    count: int


# ---- oversight: enterprise grades, escalation steps, complaint leads ----

Grade = Literal["red", "yellow", "green"]
Step = Literal["reminder", "interview", "full_check"]


class GradeReason(BaseModel):
    """One input of a grade: its value, the threshold that decided it and the verdict."""

    input: str = Field(description="leads, signing_rate, arrears (fen), critical, high or account")
    label_zh: str
    label_en: str
    value: int | float | None = Field(description="None: the input could not be judged for this enterprise")
    op: str = Field(description="≥ for counts and money, < for the signing rate")
    threshold: int | float | None
    red: int | float | None
    yellow: int | float | None
    verdict: Literal["red", "yellow", "green", "not_judged"]


class EnterpriseGradePublic(BaseModel):
    enterprise_key: str = Field(description="The 统一社会信用代码, or name:<name> for an enterprise known by name")
    enterprise_uscc: str | None
    enterprise_name: str
    role: str = Field(description="general (contractor), sub (roster employer) or other (named by leads only)")
    grade: Grade
    graded_on: dt.date
    occasion: str = Field(description="half_year (1 Jan, 1 Jul) or on_demand")
    period_start: dt.date
    period_end: dt.date
    next_inspection: dt.date | None = Field(description="Red monthly, yellow quarterly, green not scheduled")
    reasons: list[GradeReason]


class EnterpriseGradesPublic(BaseModel):
    as_of: dt.date
    data: list[EnterpriseGradePublic]
    count: int


class EscalationPublic(BaseModel):
    enterprise_key: str
    enterprise_uscc: str | None
    enterprise_name: str
    role: str
    months: int = Field(description="Distinct months of the last twelve with arrears or a complaint lead")
    month_list: list[str]
    step: Step


class EscalationsPublic(BaseModel):
    as_of: dt.date
    data: list[EscalationPublic]
    count: int


class LeadPublic(BaseModel):
    """A complaint lead as it stood on ``as_of``; the worker's ID number is masked for every reader."""

    lead_id: int
    source: Literal["local", "national"]
    received_on: dt.date
    deadline: dt.date
    closed_on: dt.date | None
    status: Literal["open", "closed"]
    overdue: bool = Field(description="Open past its deadline, or closed after it")
    township: str | None
    project_code: str | None = Field(description="The linked project; None when the lead could not be linked")
    enterprise_name: str | None
    amount_claimed: int | None = Field(description="fen")
    worker_name: str | None
    worker_id: str | None = Field(description="Masked ID number (330724********123X)")


class LeadsPublic(BaseModel):
    as_of: dt.date
    data: list[LeadPublic]
    count: int


class LeadClosure(BaseModel):
    township: str = Field(description="unknown for leads with no township")
    leads: int
    closed: int
    closed_in_time: int
    closure_rate: float = Field(description="办结率: closed ÷ leads, 0–1")
    overdue: int


class LeadClosurePublic(BaseModel):
    as_of: dt.date
    since: dt.date | None
    data: list[LeadClosure]
