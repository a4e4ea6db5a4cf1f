"""`four-real leads import|list`, `grade`, `escalation` on the store of DATABASE_URL (both backends)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.oversight.conftest import Store


from fixtures.leads import LeadsKey


def run_cli(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"LANG": "en_US.UTF-8", "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DATABASE_URL": db_url}
    return subprocess.run([sys.executable, "-m", "four_real.cli.app", *args], capture_output=True, text=True,
                          env=env, timeout=120)


def test_leads_import_list_grade_and_escalation(store: Store, db_url: str, tmp_path: Path) -> None:
    code_uscc = store.project("P-1", township="横店镇", name="横店花园工程", contractor="浙江甲建设集团有限公司")
    store.month("P-1", "2025-05", unpaid=100)
    made = run_cli(db_url, "leads", "fixture", "--out", str(tmp_path / "leads"), "--as-of", "2025-06-30",
                   "--seed", "2", "--leads", "6")
    assert made.returncode == 0, made.stderr
    key = LeadsKey.read(tmp_path / "leads" / "leads_key.json")
    assert {x["project_code"] for x in key.leads} == {"P-1", None}  # the store's project, and strangers
    first = run_cli(db_url, "leads", "import", str(tmp_path / "leads"))
    assert first.returncode == 0, first.stderr
    assert "new" in first.stdout and "Traceback" not in first.stderr
    again = run_cli(db_url, "leads", "import", str(tmp_path / "leads"))
    assert " 0 new" in again.stdout and "0 updated" in again.stdout

    listed = json.loads(run_cli(db_url, "leads", "list", "--as-of", "2025-06-30", "--format", "json").stdout)
    assert len(listed["leads"]) == len(key.leads)
    assert sum(x["overdue"] for x in listed["leads"]) == sum(x["overdue"] for x in key.leads)
    assert all("worker" not in k for x in listed["leads"] for k in x)
    towns = json.loads(run_cli(db_url, "leads", "list", "--as-of", "2025-06-30", "--by-township",
                               "--format", "json").stdout)["townships"]
    assert {t["township"]: t["overdue"] for t in towns} == {t: v["overdue"] for t, v in key.by_township.items()}

    graded = run_cli(db_url, "grade", "--as-of", "2025-07-01", "--format", "json")
    assert graded.returncode == 0, graded.stderr
    grades = {g["enterprise_uscc"]: g for g in json.loads(graded.stdout)["grades"]}
    assert grades[code_uscc]["grade"] == "red"  # many leads
    assert grades[code_uscc]["next_inspection"] == "2025-08-01"
    assert run_cli(db_url, "grade", "--as-of", "2025-07-01").returncode == 0

    esc = json.loads(run_cli(db_url, "escalation", "--as-of", "2025-06-30", "--format", "json").stdout)
    firm = next(e for e in esc["enterprises"] if e["enterprise_uscc"] == code_uscc)
    assert firm["step"] in ("interview", "full_check") and firm["months"] >= 2


def test_usage_errors_are_one_sentence(tmp_path: Path) -> None:
    """Refused before any store is opened, so one backend is enough."""
    db_url = f"sqlite:///{(tmp_path / 'unused.db').as_posix()}"
    for args in (("leads", "import", str(tmp_path / "nope.csv")),
                 ("leads", "import", str(tmp_path), "--source", "wechat"),
                 ("grade", "--as-of", "2025-02-30"),
                 ("grade", "--now", "--as-of", "2025-01-01"),
                 ("escalation", "--step", "jail")):
        proc = run_cli(db_url, *args)
        assert proc.returncode == 2, (args, proc.stderr)
        assert "Traceback" not in proc.stderr
        assert len([line for line in proc.stderr.splitlines() if line.strip()]) == 1, proc.stderr


def test_a_file_that_is_not_a_lead_export_fails_alone(store: Store, db_url: str, tmp_path: Path) -> None:
    (tmp_path / "notes.csv").write_text("备注,内容\n1,2\n", encoding="utf-8")
    (tmp_path / "ok.csv").write_text("线索来源,受理日期,投诉人,用人单位\n本地,2025-03-01,张三,某公司\n",
                                     encoding="utf-8")
    proc = run_cli(db_url, "leads", "import", str(tmp_path))
    assert proc.returncode == 1
    assert "failed" in proc.stdout and "imported  ok.csv" in proc.stdout
