"""Read a complaint-lead export (线索) of the local or the national platform into a canonical frame.

Pure, like every reader here: bytes in, a frame of leads and the rows rejected out. The file is opened by
:func:`ingest.containers.open_sheets` (xlsx/xls/ods/csv in UTF-8 or GBK), the header is found among the
first rows by its aliases (Chinese or English, folded like every header), the data rows are parsed by the
same value parsers as the payroll files (:class:`ingest.columns.SheetData`), and every row is accepted,
rejected with its file, sheet, row, column, value and a bilingual reason, or skipped (blank, totals).

The platforms do not publish one export layout, so a column is recognised by any of its usual names
(``ALIASES``). The platform a lead came from is the file's source column, else the ``source`` the caller
names (the CLI's ``--source``); a lead whose platform is unknown is rejected, since its deadline (7 or 30
days) depends on it. A closed lead needs its closing date; an invalid ID number or credit code is only a
warning (the lead still counts, it just links less well).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd
from stdnum.cn import uscc

from ingest.aliases import KindSpec, lookup
from ingest.columns import SheetData, distinct_map
from ingest.containers import RawSheet, cell_text, open_sheets
from ingest.errors import UnknownKindError
from ingest.problems import RowProblem
from ingest.text import normalise_header
from ingest.values import id_number

__all__ = ["ALIASES", "LEAD_COLUMNS", "LEAD_PROBLEMS", "SOURCES", "LeadRead", "empty_leads", "read_leads"]

ALIASES: dict[str, tuple[str, ...]] = {
    "platform_no": ("线索编号", "线索号", "工单编号", "工单号", "案件编号", "编号", "leadno", "leadid", "caseno"),
    "source": ("线索来源", "来源平台", "来源", "平台", "source", "platform"),
    "received_on": ("受理日期", "登记日期", "受理时间", "登记时间", "投诉日期", "反映时间", "收到日期",
                    "received", "receiveddate", "receivedon"),
    "worker_name": ("投诉人", "劳动者", "投诉人姓名", "劳动者姓名", "反映人", "姓名", "complainant", "worker",
                    "workername"),
    "worker_id": ("身份证号", "身份证号码", "投诉人身份证号", "证件号码", "公民身份号码", "idnumber"),
    "employer_name": ("被投诉单位", "用人单位", "被投诉企业", "被反映单位", "被投诉人", "employer"),
    "employer_uscc": ("统一社会信用代码", "信用代码", "被投诉单位统一社会信用代码", "uscc"),
    "project_code": ("项目编号", "项目代码", "projectcode"),
    "project_name": ("项目名称", "涉及项目", "project", "projectname"),
    "amount_claimed": ("涉及金额", "诉求金额", "涉案金额", "欠薪金额", "投诉金额", "amountclaimed", "amount"),
    "closed_on": ("办结日期", "办结时间", "结案日期", "closed", "closedon", "closeddate"),
    "status": ("办理状态", "处理状态", "状态", "status"),
    "township": ("乡镇", "属地", "乡镇街道", "所属乡镇", "所属镇街", "镇街", "township"),
}
SPEC = KindSpec("lead", ALIASES, required=(("received_on",), ("worker_name", "worker_id"),
                                           ("employer_name", "employer_uscc", "project_code", "project_name")))
HEADER_SCAN_ROWS = 15

LEAD_COLUMNS: dict[str, str] = {
    "source": "str", "platform_no": "str", "received_on": "datetime64[s]", "worker_name": "str",
    "worker_id": "str", "employer_name": "str", "employer_uscc": "str", "project_code": "str",
    "project_name": "str", "amount_claimed": "Int64", "closed_on": "datetime64[s]", "status": "str",
    "township": "str", "src_file": "str", "src_sheet": "str", "src_row": "int64",
}

SOURCES: dict[str, str] = {
    "本地": "local", "本地平台": "local", "市平台": "local", "东阳欠薪线索反映平台": "local", "安薪码": "local",
    "东阳安薪码": "local", "安薪在线": "local", "local": "local",
    "国家": "national", "国平台": "national", "国家平台": "national", "全国根治欠薪线索反映平台": "national",
    "全国平台": "national", "national": "national",
}
STATUSES: dict[str, str] = {
    "已办结": "closed", "办结": "closed", "已结": "closed", "已结案": "closed", "结案": "closed", "完结": "closed",
    "已完成": "closed", "closed": "closed", "done": "closed",
    "办理中": "open", "处理中": "open", "待办": "open", "待处理": "open", "未办结": "open", "受理": "open",
    "已受理": "open", "open": "open", "pending": "open",
}
LEAD_PROBLEMS: dict[str, tuple[str, str]] = {
    "SOURCE-UNKNOWN": ("线索来源无法识别，应为 本地平台 或 国家平台（或用 --source 指定）",
                       "lead source not recognised; use 本地平台 (local) or 国家平台 (national), or give --source"),
    "STATUS-UNKNOWN": ("办理状态无法识别，应为 已办结 或 办理中", "status not recognised; use 已办结 (closed) or "
                       "办理中 (open)"),
    "CLOSED-NO-DATE": ("线索已办结但没有办结日期，无法判断是否按期办结",
                       "the lead is closed but has no closing date, so its timeliness cannot be judged"),
    "CLOSED-BEFORE-RECEIVED": ("办结日期早于受理日期", "closing date is before the received date"),
    "USCC-INVALID": ("统一社会信用代码无效（格式或校验位不符），按单位名称关联",
                     "unified social credit code is invalid (format or check character); linked by name instead"),
}
_TOTALS = re.compile(r"合计|总计|小计|^total")


@dataclass
class LeadRead:
    """The leads of one file, the problems of its rows, and its row accounting
    (``rows == accepted + rejected + skipped``)."""

    file: str
    frame: pd.DataFrame
    problems: list[RowProblem] = field(default_factory=list)
    rows: int = 0
    accepted: int = 0
    rejected: int = 0
    skipped: int = 0


def empty_leads() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in LEAD_COLUMNS.items()})


def _header(cells: pd.DataFrame) -> tuple[int, dict[int, str]] | None:
    """The row among the first ones matching the most lead columns, with the required ones all there."""
    best: tuple[int, int, dict[int, str]] | None = None
    for r in range(min(HEADER_SCAN_ROWS, len(cells))):
        names = [normalise_header(cell_text(v)) for v in cells.iloc[r].tolist()]
        columns = lookup(SPEC, names)
        keys = set(columns.values())
        if not all(any(k in keys for k in alt) for alt in SPEC.required):
            continue
        if best is None or len(columns) > best[1]:
            best = (r, len(columns), columns)
    return None if best is None else (best[0], best[2])


def _lead_problem(d: SheetData, where: pd.Series, code: str, column: str, raw: pd.Series | None, *,
                  level: str = "error") -> None:
    """Report a lead-specific problem the way :meth:`SheetData.report` reports the catalogue's."""
    mask = where.fillna(False).to_numpy(dtype=bool)
    if not mask.any():
        return
    zh, en = LEAD_PROBLEMS[code]
    rows = d.index[mask]
    texts = [None] * len(rows) if raw is None else [cell_text(v) for v in raw[mask]]
    for row, text in zip(rows, texts, strict=True):
        d.problems.append(RowProblem(file=d.file, sheet=d.sheet, row=int(row) + 1, column=column, value=text,
                                     code=code, reason_zh=zh, reason_en=en, level=level))  # type: ignore[arg-type]
    if level == "error":
        d.rejected |= pd.Series(mask, index=d.index)


def _coded(d: SheetData, key: str, table: dict[str, str], code: str) -> pd.Series:
    raw = d.raw(key)
    folded = distinct_map(raw, lambda v: normalise_header(cell_text(v)), "str")
    values = folded.map({normalise_header(k): v for k, v in table.items()}).astype("str")
    _lead_problem(d, folded.notna() & values.isna(), code, key, raw)
    return values


def _uscc(v: object) -> str | None:
    text = cell_text(v).strip()
    return str(uscc.compact(text)) if text and uscc.is_valid(text) else None


def _data_rows(cells: pd.DataFrame, header: int) -> pd.Index:
    body = cells.iloc[header + 1:]
    filled = body.notna().any(axis=1)
    lead = body.iloc[:, : min(3, body.shape[1])].astype("str")
    totals = pd.concat([lead[c].str.strip().str.lower().str.contains(_TOTALS) for c in lead.columns], axis=1)
    return body.index[filled & ~totals.fillna(False).any(axis=1)]


def _read_sheet(sheet: RawSheet, *, file: str, source: str | None) -> LeadRead:
    found = _header(sheet.cells)
    if found is None:
        raise UnknownKindError(file=file, sheet=sheet.name, headers=[cell_text(v) for v in sheet.cells.iloc[0]])
    header, columns = found
    data_index = _data_rows(sheet.cells, header)
    d = SheetData(file, sheet.name, sheet.cells.loc[data_index], {k: c for c, k in columns.items()})
    out: dict[str, pd.Series] = {}
    if d.has("source"):
        src = _coded(d, "source", SOURCES, "SOURCE-UNKNOWN")
        out["source"] = src.fillna(source) if source else src
        _lead_problem(d, d.raw("source").isna() & out["source"].isna(), "SOURCE-UNKNOWN", "source", None)
    else:
        out["source"] = pd.Series(source, index=d.index, dtype="str")
        _lead_problem(d, out["source"].isna(), "SOURCE-UNKNOWN", "source", None)
    out["platform_no"] = d.text("platform_no")
    out["received_on"] = d.parsed("received_on", "date")
    d.require("received_on", out["received_on"], d.raw("received_on"))
    out["worker_name"] = d.names("worker_name")
    ids, codes = id_number.parse_series(d.raw("worker_id"))
    for code in codes.dropna().unique():
        d.report(codes.eq(code), str(code), "worker_id", d.raw("worker_id"), level="warning")
    out["worker_id"] = ids
    d.report(out["worker_name"].isna() & ids.isna() & d.raw("worker_id").isna(), "REQUIRED-MISSING",
             "worker_name")
    out["employer_name"] = d.text("employer_name")
    raw_uscc = d.raw("employer_uscc")
    out["employer_uscc"] = distinct_map(raw_uscc, _uscc, "str")
    _lead_problem(d, raw_uscc.notna() & out["employer_uscc"].isna(), "USCC-INVALID", "employer_uscc", raw_uscc,
                  level="warning")
    out["project_code"] = d.text("project_code")
    out["project_name"] = d.text("project_name")
    out["amount_claimed"] = d.parsed("amount_claimed", "fen")
    out["closed_on"] = d.parsed("closed_on", "date")
    status = _coded(d, "status", STATUSES, "STATUS-UNKNOWN") if d.has("status") else pd.Series(
        pd.NA, index=d.index, dtype="str")
    status = status.fillna(pd.Series(out["closed_on"].notna().map({True: "closed", False: "open"}), dtype="str"))
    out["status"] = status.where(d.raw("status").isna() | status.notna())
    _lead_problem(d, status.eq("closed") & out["closed_on"].isna() & d.raw("closed_on").isna(),
                  "CLOSED-NO-DATE", "closed_on", None)
    _lead_problem(d, out["closed_on"] < out["received_on"], "CLOSED-BEFORE-RECEIVED", "closed_on",
                  d.raw("closed_on"))
    # an open status beside a closing date: the date is what the platform recorded; it wins
    out["status"] = out["status"].mask(out["closed_on"].notna(), "closed")
    out["township"] = d.text("township")
    frame = pd.DataFrame(out, index=d.index)
    frame = frame[~d.rejected.to_numpy(dtype=bool)]
    frame = frame.assign(src_file=file, src_sheet=sheet.name, src_row=frame.index.to_numpy() + 1)
    frame = frame.reset_index(drop=True).astype(LEAD_COLUMNS)[list(LEAD_COLUMNS)]
    rejected = int(d.rejected.sum())
    rows = len(sheet.cells)
    return LeadRead(file, frame, sorted(d.problems, key=lambda p: p.row or 0), rows,
                    len(data_index) - rejected, rejected, rows - len(data_index))


def read_leads(data: bytes, *, filename: str, source: str | None = None) -> LeadRead:
    """Every lead of a platform export (all sheets of a workbook). ``source`` (``local``/``national``) is
    the platform for rows whose file has no source column or leaves it empty."""
    if source is not None and source not in ("local", "national"):
        raise ValueError(f"source must be local or national, not {source!r}")
    sheets = open_sheets(data, file=filename)
    if not sheets:
        raise UnknownKindError(file=filename, sheet=None, headers=[])
    parts: list[LeadRead] = []
    unknown: list[UnknownKindError] = []
    for sheet in sheets:  # a notes sheet beside the export is not an error; a file with no leads sheet is
        try:
            parts.append(_read_sheet(sheet, file=filename, source=source))
        except UnknownKindError as exc:
            unknown.append(exc)
    if not parts:
        raise unknown[0]
    frames = [p.frame for p in parts if len(p.frame)]
    return LeadRead(
        file=filename, frame=pd.concat(frames, ignore_index=True) if frames else empty_leads(),
        problems=[x for p in parts for x in p.problems], rows=sum(p.rows for p in parts),
        accepted=sum(p.accepted for p in parts), rejected=sum(p.rejected for p in parts),
        skipped=sum(p.skipped for p in parts))
