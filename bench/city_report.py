"""The city benchmark's result document as terminal tables (the JSON is the record; this is for reading)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

GIB = 2**30


def _gib(n: int | float) -> str:
    return f"{n / GIB:.2f}"


def render(result: dict[str, Any], console: Console | None = None) -> None:
    console = console or (Console() if Console().is_terminal else Console(width=130))
    d, p = result["data"], result["params"]
    console.print(f"[bold]City benchmark[/]: scale {p['scale']:g}, {d['projects']} projects, {d['workers']} workers, "
                  f"{d['attendance_rows']:,} attendance rows, store {p['db']}; {result['machine']['cpus']} CPUs, "
                  f"load {result['machine']['load_1m']:.2f} at start")
    stages = Table(title="Engine stages")
    for col, right in [("stage", False), ("seconds", True), ("peak RSS GiB", True), ("note", False)]:
        stages.add_column(col, justify="right" if right else "left")
    for r in result["stages"]:
        stages.add_row(r["name"], f"{r['seconds']:.2f}", _gib(r["peak_rss_bytes"]), r["note"])
    e = result["engine"]
    stages.add_row("[bold]check total[/]", f"{e['check_seconds']:.2f}", "", "read + resolve + validate + reconcile")
    if e["end_to_end_seconds"] is not None:
        stages.add_row("[bold]end to end (store)[/]", f"{e['end_to_end_seconds']:.2f}", _gib(e["peak_rss_bytes"]),
                       "ingest + store reconcile")
    console.print(stages)

    duck = result["duckdb"]
    ref = Table(title=f"DuckDB reference {duck['duckdb_version']} ({duck['threads']} threads, child process)")
    for col in ("part", "seconds", "peak RSS GiB"):
        ref.add_column(col, justify="left" if col == "part" else "right")
    ref.add_row("read four CSVs", f"{duck['read_seconds']:.2f}", _gib(duck["peak_rss_bytes"]))
    for name, v in duck["variants"].items():
        ref.add_row(f"joins, {name}", f"{v['joins_seconds']:.2f}", "")
    console.print(ref)

    ratios = Table(title="Ratios and targets")
    ratios.add_column("measure")
    ratios.add_column("value", justify="right")
    ratios.add_column("target", justify="right")
    for name, value in result["ratios"].items():
        ratios.add_row(name, f"{value:.2f}", "")
    for name, t in result["targets"].items():
        mark = "[green]met[/]" if t["met"] else "[red]not met[/]"
        ratios.add_row(name, f"{t['value']:.2f}", f"≤ {t['limit']:g} {mark}")
    console.print(ratios)

    agree = Table(title="Findings of the rules both compute")
    for col in ("rule", "key", "check", "store", "duckdb", "same"):
        agree.add_column(col, justify="left" if col == "rule" else "right")
    for rule, a in result["agreement"].items():
        agree.add_row(rule, *[str(a.get(k, "–")) for k in ("key", "check", "store", "duckdb")],
                      "[green]yes[/]" if a["equal"] else "[red]no[/]")
    console.print(agree)
