"""The readable terminal form of a check: a summary per project-month, then findings, then rows.

Personal numbers are masked on screen (a terminal is read over shoulders and pasted into chats); the
JSON document keeps them whole because it is the labor manager's own data on their own machine.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from four_real.check import CheckReport
from four_real.i18n import Lang, pick
from ingest.values.id_number import mask as mask_id
from validators.catalogue import RULES
from validators.findings import fen_to_str

LEVEL_STYLE = {"red": "bold red", "yellow": "yellow", "green": "green"}
SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "dim"}
LEVEL_ZH = {"red": "红", "yellow": "黄", "green": "绿"}
SEVERITY_ZH = {"critical": "严重", "high": "高", "medium": "中", "low": "低"}


def _safe_mask(value: object) -> str:
    if not isinstance(value, str) or not value:
        return ""
    try:
        return mask_id(value)
    except Exception:  # a display helper must never stop the report
        return value[:6] + "*" * max(0, len(value) - 10) + value[-4:]


def render(report: CheckReport, console: Console, lang: Lang) -> None:
    t = lambda zh, en: pick(lang, zh, en)  # noqa: E731
    summary = Table(title=t("项目月度汇总", "Project months"), show_lines=False)
    for zh, en in [("项目", "project"), ("月份", "month"), ("发薪截止日", "due"), ("状态", "status"),
                   ("人数", "workers"), ("应发", "payable"), ("已发", "paid"), ("欠发", "unpaid"),
                   ("少发", "underpaid"), ("安薪指数", "index"), ("等级", "level"), ("风险", "risk")]:
        summary.add_column(t(zh, en), justify="right" if en in {
            "workers", "payable", "paid", "unpaid", "underpaid", "index", "risk"} else "left")
    for rec in report.project_months.to_dict("records"):
        level = rec["level"]
        status = rec["status"] if lang == "en" else {"pending": "未到期", "due": "已到期"}[rec["status"]]
        summary.add_row(
            rec["project"], rec["month"], str(rec["due_date"])[:10], status, str(rec["workers"]),
            fen_to_str(rec["payable"]), fen_to_str(rec["paid"]), fen_to_str(rec["unpaid"]),
            fen_to_str(rec["underpaid"]), f"{rec['anxin_index']:.1f}",
            f"[{LEVEL_STYLE[level]}]{LEVEL_ZH[level] if lang == 'zh' else level}[/]",
            str(rec["risk_score"]),
        )
    console.print(summary)

    findings = Table(title=t(f"发现问题 {len(report.findings)} 项", f"{len(report.findings)} findings"))
    for zh, en in [("级别", "severity"), ("规则", "rule"), ("月份", "month"), ("人员", "worker"),
                   ("金额", "amount"), ("说明", "message")]:
        findings.add_column(t(zh, en), justify="right" if en == "amount" else "left",
                            overflow="fold")
    for rec in report.findings.to_dict("records"):
        sev = rec["severity"]
        rule = RULES[rec["rule"]]
        worker = "" if not isinstance(rec["worker_name"], str) else rec["worker_name"]
        if isinstance(rec["worker_id"], str):
            worker = f"{worker} {_safe_mask(rec['worker_id'])}".strip()
        findings.add_row(
            f"[{SEVERITY_STYLE[sev]}]{SEVERITY_ZH[sev] if lang == 'zh' else sev}[/]",
            f"{rec['rule']}\n{rule.name_zh if lang == 'zh' else rule.name_en}",
            rec["month"], worker, fen_to_str(rec["amount"]) or "",
            rec["message_zh"] if lang == "zh" else rec["message_en"],
        )
    console.print(findings)

    inputs = Table(title=t("输入文件", "Inputs"))
    for zh, en in [("文件", "file"), ("工作表", "sheet"), ("类型", "kind"), ("行数", "rows"),
                   ("接受", "accepted"), ("拒收", "rejected"), ("跳过", "skipped")]:
        inputs.add_column(t(zh, en))
    for s in report.inputs:
        inputs.add_row(s.file, s.sheet or "", s.kind, str(s.rows), str(s.accepted),
                       f"[red]{s.rejected}[/]" if s.rejected else "0", str(s.skipped))
    console.print(inputs)

    if report.rejected:
        rows = Table(title=t(f"拒收的行 {len(report.rejected)} 行（请更正后重新导出）",
                             f"{len(report.rejected)} rejected rows (correct them and export again)"))
        for zh, en in [("文件", "file"), ("工作表", "sheet"), ("行", "row"), ("列", "column"),
                       ("值", "value"), ("原因", "reason")]:
            rows.add_column(t(zh, en), overflow="fold")
        for p in report.rejected:
            rows.add_row(p.file, p.sheet or "", str(p.row or ""), p.column or "", p.value or "",
                         p.reason_zh if lang == "zh" else p.reason_en)
        console.print(rows)
    if report.skipped_files:
        console.print(t("未读取（不是表格或银行代发文件）：", "not read (neither a table nor a bank feed): ")
                      + ", ".join(report.skipped_files))
    if report.warnings:
        console.print(t(f"另有 {len(report.warnings)} 条提示，见 --format json 的 row_warnings",
                        f"{len(report.warnings)} row warnings; see row_warnings in --format json"))
