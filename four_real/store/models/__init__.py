"""All tables, imported together so `SQLModel.metadata` (and Alembic's autogenerate) sees every one."""

# Tables of their own modules, imported for their registration in SQLModel.metadata.
from four_real.store.models import access, oversight, warnings  # noqa: F401
from four_real.store.models.entities import Enterprise, Project, Worker
from four_real.store.models.results import Finding, ProjectMonth, ReconciliationRun
from four_real.store.models.rows import (
    ROW_TABLES,
    AccountTxn,
    AttendanceRow,
    DisbursementRow,
    PayrollLine,
    RosterEntry,
)
from four_real.store.models.uploads import BankFeed, DataVersion, RejectedRow, Upload, UploadInput, utcnow

__all__ = [
    "ROW_TABLES", "AccountTxn", "AttendanceRow", "BankFeed", "DataVersion", "DisbursementRow", "Enterprise",
    "Finding", "PayrollLine", "Project", "ProjectMonth", "ReconciliationRun", "RejectedRow", "RosterEntry",
    "Upload", "UploadInput", "Worker", "utcnow",
]
