"""Names shown in the bulletin, Chinese first with the English beneath, and money as people read it.

Money in the store is integer fen; it becomes yuan here through :class:`~decimal.Decimal` (exact), and
only a spreadsheet cell or a chart's geometry ever sees a float.
"""

from __future__ import annotations

from decimal import Decimal

SECTOR_ORDER = ("housing", "transport", "water")
SECTORS = {"housing": ("住建", "Housing"), "transport": ("交通运输", "Transport"), "water": ("水利", "Water"),
           "unknown": ("未登记", "Not registered")}
LEVELS = {"red": ("红", "red"), "yellow": ("黄", "yellow"), "green": ("绿", "green")}
LEVEL_ORDER = ("red", "yellow", "green")
GRADES = LEVELS
SEVERITIES = {"critical": ("严重", "critical"), "high": ("高", "high"), "medium": ("中", "medium"),
              "low": ("低", "low")}
LEAD_SOURCES = {"local": ("本地平台", "local platform"), "national": ("国家平台", "national platform")}
ANXIN_TARGET = 95.0  # the city's target (seed guidance: 安薪指数达到95以上)
CLOSURE_TARGET = 100.0  # 欠薪线索办结率实现100%


def sector_zh(code: object) -> str:
    return SECTORS.get(str(code), (str(code), str(code)))[0]


def sector_en(code: object) -> str:
    return SECTORS.get(str(code), (str(code), str(code)))[1]


def yuan(fen: object) -> Decimal:
    """Fen to yuan, exact: 12345 → Decimal('123.45')."""
    return Decimal(int(fen)) / 100  # type: ignore[call-overload]


def money(fen: object) -> str:
    """Yuan with thousands separators and two decimals, from integer arithmetic: 123456789 → 1,234,567.89."""
    v = int(fen)  # type: ignore[call-overload]
    return f"{'-' if v < 0 else ''}{abs(v) // 100:,}.{abs(v) % 100:02d}"


def wan(fen: object) -> str:
    """Ten-thousands of yuan (万元) to two decimals, rounded half up: the unit of the headline cards."""
    return f"{(yuan(fen) / 10000).quantize(Decimal('0.01'), rounding='ROUND_HALF_UP'):,}"


def month_zh(month: str) -> str:
    year, m = month.split("-")
    return f"{year}年{int(m)}月"


def month_en(month: str) -> str:
    import calendar

    year, m = month.split("-")
    return f"{calendar.month_name[int(m)]} {year}"


REASON_NAMES = {"leads": "投诉线索", "signing_rate": "劳动合同签订率", "arrears": "欠薪金额", "critical": "严重问题",
                "high": "高风险问题", "account": "专户问题"}


def _reason_value(name: str, value: object) -> str:
    if value is None:
        return "—"
    if name == "arrears":
        return f"{money(value)} 元"
    if name == "signing_rate":
        return f"{float(value) * 100:.1f}%"  # type: ignore[arg-type]
    return str(value)


def reasons_text(reasons: object, verdict: str = "red") -> str:
    """Why an enterprise has its grade, in one line: the inputs whose verdict is ``verdict``, each with its
    value and the threshold it met (``four_real.oversight.grading`` reasons); any other form as text."""
    if isinstance(reasons, list | tuple):
        parts = []
        for r in reasons:
            if isinstance(r, dict) and "verdict" in r:
                if r.get("verdict") != verdict:
                    continue
                name = str(r.get("input", ""))
                limit = r.get("threshold")
                shown = _reason_value(name, limit) if limit is not None else ""
                parts.append(f"{REASON_NAMES.get(name, r.get('label_zh', name))} {_reason_value(name, r.get('value'))}"
                             + (f"（{r.get('op', '')} {shown}）" if shown else ""))
            else:
                parts.append(str(r))
        return "；".join(parts)
    if reasons is None or (isinstance(reasons, float) and reasons != reasons):
        return ""
    return str(reasons)
