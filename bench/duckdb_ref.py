"""The reference: the core joins of the rules in DuckDB SQL, over the generator's four flat CSVs.

Run:  python -m bench.duckdb_ref REFERENCE_DIR --as-of 2025-04-25 [--repeat 3]   (prints JSON)

What it computes, for every worker and wage month (``rules.md``): the attendance days d(W,M); what is
owed (the payroll net, or d × the roster's daily wage without a line); what was paid (successful transfers
up to ``as_of`` attributed by roster or payroll card, a shared card split in proportion to owed and capped);
and the findings of six rules built on those joins: CARD-UNPAID, CARD-SHORT, CARD-SHARED, PAY-MISSING,
PAY-DAYS-MISMATCH and XP-DOUBLE-ATTENDANCE. It is a yardstick for speed and a cross-check of the engine's
counts, not a second engine: no validation, no messages, no evidence, and the due date is taken as the
15th of the next month (no holiday calendar).

Two variants, as in issue 6's figures: ``naive`` counts days per date and then per month and looks for
double attendance over the whole table; ``tuned`` counts days inside the per-worker grouping (the
canonical table has one row per worker and day) and looks for double attendance only among workers seen
on two or more projects. Both must give the same findings; the benchmark reports the engine's
reconciliation time as a ratio to each. DuckDB is a benchmark-only dependency (the ``bench`` extra).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

TYPES = {
    "roster": {"project_code": "VARCHAR", "id_number": "VARCHAR", "worker_name": "VARCHAR",
               "card_number": "VARCHAR", "daily_wage": "BIGINT"},
    "attendance": {"project_code": "VARCHAR", "id_number": "VARCHAR", "date": "DATE", "day_fraction": "DOUBLE"},
    "payroll": {"project_code": "VARCHAR", "id_number": "VARCHAR", "month": "VARCHAR", "days_worked": "DOUBLE",
                "net": "BIGINT", "card_number": "VARCHAR"},
    "disbursement": {"project_code": "VARCHAR", "date": "DATE", "card_number": "VARCHAR",
                     "account_name": "VARCHAR", "amount": "BIGINT", "status": "VARCHAR", "month": "VARCHAR"},
}
RULES = ("CARD-UNPAID", "CARD-SHORT", "CARD-SHARED", "PAY-MISSING", "PAY-DAYS-MISMATCH", "XP-DOUBLE-ATTENDANCE")

DAYS = {
    "naive": """
        CREATE OR REPLACE TEMP TABLE days AS
        WITH per_date AS (SELECT project_code, id_number, date, least(sum(day_fraction), 1.0) AS f
                          FROM attendance WHERE day_fraction > 0 GROUP BY ALL)
        SELECT project_code, id_number, strftime(date, '%Y-%m') AS month, sum(f) AS d FROM per_date GROUP BY ALL""",
    "tuned": """
        CREATE OR REPLACE TEMP TABLE days AS
        SELECT project_code, id_number, strftime(date, '%Y-%m') AS month, sum(day_fraction) AS d
        FROM attendance WHERE day_fraction > 0 GROUP BY ALL""",
}
DOUBLE = {
    "naive": """
        CREATE OR REPLACE TEMP TABLE xp AS
        SELECT DISTINCT a.project_code, a.id_number, strftime(a.date, '%Y-%m') AS month
        FROM attendance a JOIN attendance b
          ON a.id_number = b.id_number AND a.date = b.date AND a.project_code <> b.project_code
        WHERE a.day_fraction > 0 AND b.day_fraction > 0""",
    "tuned": """
        CREATE OR REPLACE TEMP TABLE xp AS
        WITH multi AS (SELECT id_number FROM attendance GROUP BY id_number
                       HAVING min(project_code) <> max(project_code)),
             a AS (SELECT DISTINCT project_code, id_number, date FROM attendance SEMI JOIN multi USING (id_number)
                   WHERE day_fraction > 0)
        SELECT DISTINCT a.project_code, a.id_number, strftime(a.date, '%Y-%m') AS month
        FROM a JOIN a AS b ON a.id_number = b.id_number AND a.date = b.date AND a.project_code <> b.project_code""",
}
COMMON = [
    """CREATE OR REPLACE TEMP TABLE owed AS
       WITH lines AS (SELECT project_code, id_number, month, sum(net) AS net, sum(days_worked) AS days_worked
                      FROM payroll GROUP BY ALL),
            rate AS (SELECT project_code, id_number, any_value(daily_wage) AS daily_wage FROM roster GROUP BY ALL)
       SELECT coalesce(l.project_code, d.project_code) AS project_code,
              coalesce(l.id_number, d.id_number) AS id_number, coalesce(l.month, d.month) AS month,
              l.net IS NOT NULL AS has_line, l.days_worked, d.d,
              coalesce(l.net, round(d.d * r.daily_wage)::BIGINT) AS owed
       FROM lines l FULL JOIN days d
         ON l.project_code = d.project_code AND l.id_number = d.id_number AND l.month = d.month
       LEFT JOIN rate r ON r.project_code = coalesce(l.project_code, d.project_code)
                       AND r.id_number = coalesce(l.id_number, d.id_number)""",
    """CREATE OR REPLACE TEMP TABLE cards AS
       SELECT DISTINCT project_code, card_number, id_number FROM (
         SELECT project_code, card_number, id_number FROM roster UNION ALL
         SELECT project_code, card_number, id_number FROM payroll) WHERE card_number IS NOT NULL""",
    """CREATE OR REPLACE TEMP TABLE paid AS
       WITH disb AS (SELECT row_number() OVER () AS k, project_code, card_number, amount,
                            coalesce(month, strftime(date - INTERVAL 1 MONTH, '%Y-%m')) AS month
                     FROM disbursement WHERE coalesce(status, 'S') = 'S' AND date <= $as_of),
            cand AS (SELECT d.k, d.project_code, d.month, d.amount, c.id_number, coalesce(o.owed, 0) AS owed
                     FROM disb d JOIN cards c ON c.project_code = d.project_code AND c.card_number = d.card_number
                     LEFT JOIN owed o ON o.project_code = d.project_code AND o.id_number = c.id_number
                                     AND o.month = d.month),
            shares AS (SELECT project_code, id_number, month,
                              CASE WHEN count(*) OVER w = 1 THEN amount
                                   WHEN sum(owed) OVER w > 0 THEN least(owed, round(amount * owed / sum(owed) OVER w))
                                   ELSE round(amount / count(*) OVER w) END AS share
                       FROM cand WINDOW w AS (PARTITION BY k))
       SELECT project_code, id_number, month, sum(share)::BIGINT AS paid FROM shares GROUP BY ALL""",
    """CREATE OR REPLACE TEMP TABLE findings AS
       WITH wm AS (SELECT o.*, coalesce(p.paid, 0) AS paid,
                          strptime(o.month || '-15', '%Y-%m-%d')::DATE + INTERVAL 1 MONTH <= $as_of AS due
                   FROM owed o LEFT JOIN paid p USING (project_code, id_number, month)),
            sheet AS (SELECT DISTINCT project_code, month FROM payroll),
            shared AS (SELECT project_code, card_number FROM cards GROUP BY ALL HAVING count(*) >= 2)
       SELECT 'CARD-UNPAID' AS rule, project_code, id_number, month FROM wm WHERE due AND owed > 0 AND paid = 0
       UNION ALL SELECT 'CARD-SHORT', project_code, id_number, month FROM wm
         WHERE due AND paid > 0 AND paid < owed - 1
       UNION ALL SELECT 'PAY-MISSING', project_code, id_number, month
         FROM wm SEMI JOIN sheet USING (project_code, month)
         WHERE NOT has_line AND d > 0
       UNION ALL SELECT 'PAY-DAYS-MISMATCH', project_code, id_number, month FROM wm
         WHERE has_line AND abs(days_worked - coalesce(d, 0)) > 1
       UNION ALL SELECT DISTINCT 'CARD-SHARED', wm.project_code, wm.id_number, wm.month
         FROM wm JOIN cards c USING (project_code, id_number) SEMI JOIN shared USING (project_code, card_number)
         WHERE wm.owed > 0 OR wm.has_line
       UNION ALL SELECT 'XP-DOUBLE-ATTENDANCE', project_code, id_number, month FROM xp""",
]


def load(con: Any, folder: Path) -> dict[str, int]:
    """The four CSVs into tables with DuckDB's own reader (explicit types: IDs and cards stay text)."""
    rows = {}
    for table, types in TYPES.items():
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM read_csv(?, header = true, columns = ?)",
                    [str(folder / f"{table}.csv"), types])
        rows[table] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    return rows


def joins(con: Any, variant: str, as_of: dt.date) -> None:
    for sql in (DAYS[variant], DOUBLE[variant], *COMMON):
        con.execute(sql.replace("$as_of", f"DATE '{as_of.isoformat()}'"))


def run_reference(folder: Path, *, as_of: dt.date, repeat: int = 3) -> dict[str, Any]:
    """Timings (median of ``repeat`` for the joins), row counts, and the findings of each variant."""
    import duckdb

    con = duckdb.connect()
    t0 = time.perf_counter()
    rows = load(con, Path(folder))
    out: dict[str, Any] = {"duckdb_version": duckdb.__version__, "threads": con.execute(
        "SELECT current_setting('threads')").fetchone()[0], "rows": rows, "read_seconds": time.perf_counter() - t0,
        "variants": {}}
    for variant in DAYS:
        runs = []
        for _ in range(repeat):
            t = time.perf_counter()
            joins(con, variant, as_of)
            runs.append(time.perf_counter() - t)
        found = con.execute("SELECT rule, project_code, id_number, month FROM findings ORDER BY ALL").fetchall()
        worker_months = con.execute("SELECT count(*) FROM owed").fetchone()[0]
        out["variants"][variant] = {
            "joins_seconds": statistics.median(runs), "runs": runs, "worker_months": worker_months,
            "counts": {r: sum(1 for f in found if f[0] == r) for r in RULES},
            "findings": [list(f) for f in found]}
    con.close()
    out["peak_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    json.dump(run_reference(args.folder, as_of=args.as_of, repeat=args.repeat), sys.stdout)


if __name__ == "__main__":
    main()
