"""From the core's values to the public models, masking personal numbers where the reader has no need.

``full`` is decided once per response by :func:`four_real.access.unmasked_for` (only the project's own
labor manager reads its workers' numbers in full); everything else sees ``330724********123X``,
``**** **** **** 1234`` and ``138****5678`` wherever such a number occurs, in a column or inside a text.
"""

from __future__ import annotations

from typing import Any

from api.models import FeedVersion, FindingPublic, InputAccount, RowProblemPublic, Totals, UploadReceipt
from four_real.access import mask_card, mask_id, mask_text
from four_real.store.ingest import IngestReceipt
from ingest.problems import RowProblem


def _problem(p: RowProblem, *, full: bool) -> RowProblemPublic:
    value = p.value if full else mask_text(p.value)
    return RowProblemPublic(sheet=p.sheet, row=p.row, column=p.column, value=value, code=p.code,
                            reason_zh=p.reason_zh if full else mask_text(p.reason_zh) or "",
                            reason_en=p.reason_en if full else mask_text(p.reason_en) or "")


def receipt_fields(r: IngestReceipt, *, full: bool) -> dict[str, Any]:
    inputs = [InputAccount(sheet=s.sheet, kind=s.kind, rows=s.rows, accepted=s.accepted, rejected=s.rejected,
                           skipped=s.skipped, ignored_columns=list(s.ignored_columns)) for s in r.inputs]
    totals = Totals(**{k: sum(getattr(s, k) for s in r.inputs) for k in ("rows", "accepted", "rejected", "skipped")})
    return {"file": r.file, "status": r.status, "message_zh": r.message_zh, "message_en": r.message_en,
            "upload_id": r.upload_id, "sha256": r.sha256 or "", "totals": totals, "inputs": inputs,
            "rejected_rows": [_problem(p, full=full) for p in r.rejected],
            "warnings": [_problem(p, full=full) for p in r.warnings],
            "slices_written": list(r.slices_written), "slices_unchanged": list(r.slices_unchanged)}


def upload_receipt(r: IngestReceipt, *, full: bool) -> UploadReceipt:
    return UploadReceipt(**receipt_fields(r, full=full))


def feed_version(row: dict[str, Any]) -> FeedVersion:
    payer = row.get("payer_account")
    return FeedVersion(bank_code=row["bank_code"], batch_id=row["batch_id"], version=row["version"],
                       branch_code=row["branch_code"], payer_account=mask_card(payer) if payer else None,
                       feed_date=row["feed_date"], record_count=row["record_count"], total_fen=row["total_fen"],
                       is_correction=bool(row["is_correction"]), current=row["superseded_at"] is None,
                       received_at=row["received_at"], rows=row["rows"], accepted=row["accepted"],
                       rejected=row["rejected"])


def finding(row: dict[str, Any], *, full: bool) -> FindingPublic:
    if full:
        return FindingPublic(**row)
    return FindingPublic(**{**row, "worker_id": mask_id(row["worker_id"]) if row["worker_id"] else None,
                            "message_zh": mask_text(row["message_zh"]) or "",
                            "message_en": mask_text(row["message_en"]) or "",
                            "evidence": _masked_evidence(row["evidence"])})


def _masked_evidence(evidence: Any) -> Any:
    """Evidence is positions (file, sheet, row); a file name could still hold a number, so mask texts too."""
    if isinstance(evidence, str):
        return mask_text(evidence)
    if isinstance(evidence, list):
        return [_masked_evidence(e) for e in evidence]
    if isinstance(evidence, dict):
        return {k: _masked_evidence(v) for k, v in evidence.items()}
    return evidence
