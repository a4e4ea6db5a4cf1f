"""The JSON document of `four-real check` (schema ``four-real/check@1``, see ``cli.md``).

Field names and meanings are a contract read by other tools: add fields, never change these. Amounts
leave the engine as integer fen and become decimal strings with two places only here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from four_real.check import CheckReport
from validators.findings import fen_to_str

SCHEMA_ID = "four-real/check@1"
SCHEMA_PATH = Path(__file__).parent / "schemas" / "check.schema.json"
MONEY_FIELDS = ("payable", "paid", "unpaid", "unpaid_own", "underpaid")


def _na(value: Any) -> Any:
    return None if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)) else value


def project_month_dicts(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for rec in frame.to_dict("records"):
        row: dict[str, Any] = {
            "project": rec["project"], "month": rec["month"], "due_date": str(rec["due_date"])[:10],
            "status": rec["status"], "workers": int(rec["workers"]),
        }
        for key in MONEY_FIELDS:
            if key in rec:
                row[key] = fen_to_str(rec[key]) or "0.00"
        row["risk_score"] = int(rec["risk_score"])
        row["anxin_index"] = float(rec["anxin_index"])
        row["level"] = rec["level"]
        if "holiday_calendar" in rec:
            row["holiday_calendar"] = rec["holiday_calendar"]
        for key in ("critical", "high", "medium", "low"):
            if key in rec:
                row.setdefault("findings_by_severity", {})[key] = int(rec[key])
        out.append(row)
    return out


def finding_dicts(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for rec in frame.to_dict("records"):
        out.append({
            "rule": rec["rule"], "pillar": rec["pillar"], "severity": rec["severity"],
            "project": rec["project"], "month": rec["month"],
            "worker_id": _na(rec["worker_id"]), "worker_name": _na(rec["worker_name"]),
            "amount": fen_to_str(_na(rec["amount"])),
            "message": f"{rec['message_zh']} / {rec['message_en']}",
            "basis": rec["basis"],
            "evidence": [{"file": f, "sheet": s, "row": int(r)} for f, s, r in (rec["evidence"] or ())],
        })
    return out


def to_document(report: CheckReport) -> dict[str, Any]:
    return {
        "schema": SCHEMA_ID,
        "as_of": report.as_of.isoformat(),
        "inputs": [s.as_dict() for s in report.inputs],
        "rejected_rows": [p.as_dict() for p in report.rejected],
        "row_warnings": [p.as_dict() for p in report.warnings],
        "skipped_files": report.skipped_files,
        "project_months": project_month_dicts(report.project_months),
        "findings": finding_dicts(report.findings),
    }


def to_json(report: CheckReport) -> str:
    return json.dumps(to_document(report), ensure_ascii=False, indent=2)


def load_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
