"""Write a block of projects as the files of ``files.md``, one folder per project, plus the four flat
CSVs the DuckDB reference reads.

Speed: a city is ~3.6 M rows of text in ~7,000 files. Each CSV kind is rendered for a few hundred projects
at once with one ``to_csv`` and cut into per-project files at line offsets (found with numpy), so no Python
code runs per row. Workbooks (the xlsx share) and gate logs go through the fixtures' own sheet builders
and writers (``fixtures.sheets``, ``fixtures.write_xlsx``, ``fixtures.write_text.gate_events``), per
project, because that is where their layouts (title rows, two-row merged headers, √/半 grids, clock
events) are defined.

What a folder holds: ``项目信息.csv``; ``花名册`` (.csv in GB18030 or UTF-8 with BOM, or .xlsx);
attendance as a daily export (``考勤记录_…csv``, one row per worker-day), a gate log (``门禁考勤_…csv``)
or a timekeeper's grid (``考勤表_…xlsx``, with half days and hours); ``工资表`` (.csv flat, or .xlsx with
the two-row header); the bank's batch feed ``代发回单_<batch>.txt``; the account statement ``专户流水.csv``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from bench.city_data import Block
from fixtures.data import Banking, ProjectData
from fixtures.dates import title_month
from fixtures.sheets import DEPOSIT_ZH, SECTOR_ZH, grid_sheet, payroll_sheet, roster_sheet
from fixtures.write_text import gate_events
from fixtures.write_xlsx import write_workbook
from ingest.canonical import conform, empty

CHUNK = 250  # projects rendered per to_csv call: bounds memory at province scale
GATE_SHARE = 0.2  # of the text projects, those whose attendance comes from a gate system
REFERENCE_COLUMNS = {
    "roster": ["project_code", "id_number", "worker_name", "card_number", "daily_wage"],
    "attendance": ["project_code", "id_number", "date", "day_fraction"],
    "payroll": ["project_code", "id_number", "month", "days_worked", "net", "card_number"],
    "disbursement": ["project_code", "date", "card_number", "account_name", "amount", "status", "month"],
}


def yuan(fen: pd.Series | np.ndarray) -> np.ndarray:
    """Exact ``1234.50`` text from fen (integer arithmetic, never a float)."""
    a = np.asarray(fen, dtype=np.int64)
    return np.char.add(np.char.add((a // 100).astype(str), "."), np.char.zfill((a % 100).astype(str), 2))


def days_text(days: pd.Series | np.ndarray) -> np.ndarray:
    d = np.asarray(days, dtype=float)
    return np.where(d % 1 == 0, d.astype(np.int64).astype(str), d.astype(str))


def _bounds(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each project's first and past-the-last row in a frame grouped by project."""
    if len(codes) == 0:
        return codes, np.array([], dtype=np.int64), np.array([], dtype=np.int64)
    change = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    return codes[change], change, np.r_[change[1:], len(codes)]


def _slices(codes: np.ndarray) -> dict[str, slice]:
    projects, starts, ends = _bounds(codes)
    return {str(c): slice(int(s), int(e)) for c, s, e in zip(projects, starts, ends, strict=True)}


def write_split(frame: pd.DataFrame, codes: np.ndarray, out: Path, name: str | Callable[[str], str],
                encoding: dict[str, str]) -> int:
    """One file per project of a frame grouped by project; CRLF like Excel; returns the files written."""
    header = (",".join(frame.columns) + "\r\n").encode("utf-8")
    projects, starts, ends = _bounds(codes)
    written = 0
    for lo in range(0, len(projects), CHUNK):
        a, b = starts[lo], ends[min(lo + CHUNK, len(projects)) - 1]
        raw = frame.iloc[a:b].to_csv(index=False, header=False, lineterminator="\r\n").encode("utf-8")
        cut = np.r_[0, np.flatnonzero(np.frombuffer(raw, dtype=np.uint8) == 10) + 1]
        for code, s, e in zip(projects[lo:lo + CHUNK], starts[lo:lo + CHUNK], ends[lo:lo + CHUNK], strict=True):
            body = header + raw[cut[s - a]:cut[e - a]]
            enc = encoding.get(code, "utf-8")
            data = body.decode("utf-8").encode(enc) if enc not in ("utf-8", "utf-8-sig") else (
                b"\xef\xbb\xbf" + body if enc == "utf-8-sig" else body)
            folder = out / code
            (folder / (name(code) if callable(name) else name)).write_bytes(data)
            written += 1
    return written


def project_frame(b: Block) -> pd.DataFrame:
    p = b.project
    return pd.DataFrame({
        "项目编号": p["project_code"], "项目名称": p["project_name"], "行业主管部门": p["sector"].map(SECTOR_ZH),
        "所属乡镇街道": p["township"], "建设单位": p["builder"], "施工总承包单位": p["contractor"],
        "统一社会信用代码": p["contractor_uscc"], "合同金额（元）": yuan(p["contract_amount"]),
        "开工日期": p["start_date"].dt.strftime("%Y-%m-%d"), "计划竣工日期": p["end_date"].dt.strftime("%Y-%m-%d"),
        "工资支付日": p["payday"], "专用账户账号": p["wage_account"], "专户开户行": p["wage_account_bank"],
        "工资保证金": p["deposit_status"].map(DEPOSIT_ZH), "人工费用拨付比例": p["labor_cost_ratio"],
        "最低工资标准（元/月）": yuan(p["min_wage_monthly"]),
    })


def roster_frame(r: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "序号": r.groupby("project_code", sort=False).cumcount().to_numpy() + 1, "姓名": r["worker_name"],
        "性别": r["gender"].map({"M": "男", "F": "女"}), "身份证号码": r["id_number"], "手机号": r["phone"],
        "所属单位": r["employer"], "班组": r["team"], "工种": r["trade"], "工资卡号": r["card_number"],
        "开户银行": r["card_bank"], "劳动合同": "已签", "进场日期": r["entry_date"].dt.strftime("%Y-%m-%d"),
        "退场日期": "", "计薪方式": "计日", "日工资（元）": yuan(r["daily_wage"]),
    })


def daily_frame(a: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """An attendance system's export: one row per worker-day with the first and last clock of the day."""
    n = len(a)
    if n == 0:  # every project of the block keeps its attendance on a gate or a grid
        return pd.DataFrame(columns=["姓名", "身份证号", "考勤日期", "上班打卡", "下班打卡"])
    clock_in = np.char.add("07:", np.char.zfill(rng.integers(0, 50, size=n).astype(str), 2))
    clock_out = np.char.add("17:", np.char.zfill(rng.integers(0, 59, size=n).astype(str), 2))
    return pd.DataFrame({"姓名": a["worker_name"].to_numpy(), "身份证号": a["id_number"].to_numpy(),
                         "考勤日期": a["date"].dt.strftime("%Y-%m-%d").to_numpy(), "上班打卡": clock_in,
                         "下班打卡": clock_out})


def payroll_frame(p: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "序号": p.groupby("project_code", sort=False).cumcount().to_numpy() + 1, "姓名": p["worker_name"],
        "身份证号": p["id_number"], "工资月份": p["month"], "出勤天数": days_text(p["days_worked"]),
        "日工资": yuan(p["daily_wage"]), "应发工资": yuan(p["gross"]), "扣款": yuan(p["deductions"]),
        "实发工资": yuan(p["net"]), "银行卡号": p["card_number"], "本人签字": "已签",
    })


def account_frame(a: pd.DataFrame) -> pd.DataFrame:
    inflow = a["direction"].eq("in").to_numpy()
    money = yuan(a["amount"])
    return pd.DataFrame({
        "交易日期": a["date"].dt.strftime("%Y-%m-%d"), "收入金额": np.where(inflow, money, ""),
        "支出金额": np.where(inflow, "", money), "余额": yuan(a["balance"]), "对方户名": a["counterparty"],
        "对方账号": a["counterparty_account"].fillna(""), "摘要": a["purpose"],
    })


def write_feeds(b: Block, out: Path, encoding: dict[str, str]) -> int:
    """One batch feed per project (``files.md``: H, D and T records whose totals add up)."""
    d = b.disbursement
    day = d["date"].dt.strftime("%Y%m%d")
    seq = d.groupby("project_code", sort=False).cumcount() + 1
    lines = ("D|" + seq.astype(str) + "|" + d["txn_id"] + "|" + d["card_number"] + "|" + d["account_name"] + "|"
             + yuan(d["amount"]) + "|" + d["status"] + "||" + day + "|" + d["memo"]).to_numpy()
    branch = b.banking.set_index("project_code")["branch_code"]
    codes, starts, ends = _bounds(d["project_code"].to_numpy())
    total = np.add.reduceat(d["amount"].to_numpy(dtype=np.int64), starts) if len(d) else np.array([], np.int64)
    for code, s, e, t in zip(codes, starts, ends, total, strict=True):
        first = d.iloc[s]
        text = yuan([t])[0]
        head = (f"H|{first['bank_code']}|{branch[code]}|{first['payer_account']}|{first['batch_id']}|{day.iloc[s]}|"
                f"{e - s}|{text}")
        tail = f"T|{e - s}|{text}|{e - s}|{text}"
        end = "\r\n" if encoding[code] == "gb18030" else "\n"
        body = end.join([head, *lines[s:e], tail]) + end
        (out / code / f"代发回单_{first['batch_id']}.txt").write_bytes(body.encode(encoding[code]))
    return len(codes)


def _project_data(b: Block, code: str, rows: dict[str, slice]) -> ProjectData:
    """One project as the fixtures' writers take it (only what they read is filled)."""
    p = b.project[b.project["project_code"] == code]
    return ProjectData(
        code=code, months=[b.month], as_of=b.as_of, seed=0, banking=Banking("", "", "", ""),
        project=conform("project", p), roster=conform("roster", b.roster.iloc[rows["roster"]]),
        attendance=b.attendance.iloc[rows["attendance"]], payroll=b.payroll.iloc[rows["payroll"]],
        disbursement=empty("disbursement"), account=empty("account"))


def write_block(b: Block, account: pd.DataFrame, out: Path, rng: np.random.Generator) -> dict[str, int]:
    """Every project folder of the block; returns the number of files of each form written."""
    codes = b.project["project_code"].to_numpy()
    for code in codes:
        (out / code).mkdir(parents=True, exist_ok=True)
    xlsx = dict(zip(codes, b.xlsx, strict=True))
    gate = dict(zip(codes, (rng.random(len(codes)) < GATE_SHARE) & ~b.xlsx, strict=True))
    pick = lambda options: dict(zip(codes, np.array(options)[rng.integers(0, len(options), len(codes))],  # noqa: E731
                                    strict=True))
    label = title_month(b.month)
    counts = {"project": write_split(project_frame(b), codes, out, "项目信息.csv", pick(["utf-8-sig"]))}
    text = ~np.array([xlsx[c] for c in b.roster["project_code"]])
    r = b.roster[text]
    counts["roster_csv"] = write_split(roster_frame(r), r["project_code"].to_numpy(), out, "花名册.csv",
                                       pick(["gb18030", "gb18030", "utf-8-sig"]))
    daily = np.array([not (xlsx[c] or gate[c]) for c in b.attendance["project_code"]])
    a = b.attendance[daily]
    counts["attendance_daily_csv"] = write_split(daily_frame(a, rng), a["project_code"].to_numpy(), out,
                                                 f"考勤记录_{label}.csv", pick(["utf-8", "utf-8", "gb18030"]))
    text = ~np.array([xlsx[c] for c in b.payroll["project_code"]])
    p = b.payroll[text]
    counts["payroll_csv"] = write_split(payroll_frame(p), p["project_code"].to_numpy(), out, f"工资表_{label}.csv",
                                        pick(["utf-8-sig"]))
    counts["account_csv"] = write_split(account_frame(account), account["project_code"].to_numpy(), out,
                                        "专户流水.csv", pick(["gb18030"]))
    counts["bank_feed"] = write_feeds(b, out, pick(["gb18030", "utf-8"]))
    counts.update(attendance_gate_csv=0, workbooks=0)
    rows = {kind: _slices(getattr(b, kind)["project_code"].to_numpy()) for kind in ("roster", "attendance", "payroll")}
    for code in codes:
        if not (xlsx[code] or gate[code]) or code not in rows["attendance"]:
            continue
        data = _project_data(b, code, {k: rows[k].get(code, slice(0, 0)) for k in rows})
        folder = out / code
        if gate[code]:
            gate_events(data, b.month, rng).to_csv(folder / f"门禁考勤_{label}.csv", index=False, encoding="gbk",
                                                   lineterminator="\r\n")
            counts["attendance_gate_csv"] += 1
            continue
        write_workbook(folder / "花名册.xlsx", [roster_sheet(data)])
        write_workbook(folder / f"考勤表_{label}.xlsx", [grid_sheet(data, b.month)])
        write_workbook(folder / f"工资表_{label}.xlsx", [payroll_sheet(data, b.month, rng)])
        counts["workbooks"] += 3
    return counts


def append_reference(b: Block, out: Path, *, first: bool) -> None:
    """The block's four core tables, flat, for the DuckDB reference (money in fen, ISO dates)."""
    out.mkdir(parents=True, exist_ok=True)
    for kind, cols in REFERENCE_COLUMNS.items():
        frame = getattr(b, kind)[cols]
        if "date" in frame:
            frame = frame.assign(date=frame["date"].dt.strftime("%Y-%m-%d"))
        frame.to_csv(out / f"{kind}.csv", mode="w" if first else "a", header=first, index=False)
