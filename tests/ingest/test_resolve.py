"""Cross-file resolution: project codes from the default or the wage account, IDs from unique names."""

from __future__ import annotations

import pandas as pd
import pytest

from ingest.canonical import conform
from ingest.resolve import default_project_for, resolve

ID_A, ID_B = "330783198503120031", "330783198503120058"
ID_C, ID_D = "33078319850312007X", "330783198503120090"
ACCOUNT_1, ACCOUNT_2 = "33050161123400000001", "33050161123400000002"


def tables(**extra: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Two projects; P1's roster has 张伟 once and 王芳 twice (two people, two IDs); P2 has its own 张伟."""
    project = conform("project", pd.DataFrame({
        "project_code": ["P1", "P2"], "wage_account": ["3305 0161 1234 0000 0001", ACCOUNT_2],
        "src_file": "project.xlsx", "src_sheet": "项目", "src_row": [2, 3],
    }))
    roster = conform("roster", pd.DataFrame({
        "project_code": ["P1", "P1", "P1", "P1", "P2"],
        "worker_name": ["张伟", "张伟", "王芳", "王芳", "张伟"],
        # 张伟 listed twice with the same ID (re-entry) is still one worker
        "id_number": [ID_A, ID_A, ID_B, ID_C, ID_D],
        "src_file": "roster.xlsx", "src_sheet": "花名册", "src_row": [2, 3, 4, 5, 6],
    }))
    return {"project": project, "roster": roster, **extra}


def name_rows(kind: str, names: list[str | None], *, project: str | None = "P1",
              rows: list[int] | None = None) -> pd.DataFrame:
    n = len(names)
    data: dict[str, object] = {
        "project_code": [project] * n, "worker_name": names, "id_number": [None] * n,
        "src_file": f"{kind}.xlsx", "src_sheet": "3月", "src_row": rows or list(range(2, n + 2)),
    }
    if kind == "attendance":
        data |= {"date": pd.Timestamp("2025-03-03"), "day_fraction": 1.0}
    else:
        data |= {"month": "2025-03", "gross": 100, "net": 100}
    return conform(kind, pd.DataFrame(data))


@pytest.mark.parametrize("kind", ["attendance", "payroll"])
@pytest.mark.parametrize("name", [
    "张伟",  # as on the roster
    "张 伟",  # a space typed inside the name
    "张伟　",  # a trailing ideographic space
])
def test_unique_roster_name_fills_the_id(kind: str, name: str) -> None:
    out, problems = resolve(tables(**{kind: name_rows(kind, [name])}), default_project="P1")
    assert problems == []
    assert out[kind]["id_number"].tolist() == [ID_A]


@pytest.mark.parametrize("kind", ["attendance", "payroll"])
@pytest.mark.parametrize(("name", "code"), [
    ("王芳", "WORKER-AMBIGUOUS"),  # two roster workers of the project have this name
    ("赵六", "WORKER-UNMATCHED"),  # nobody on the roster has it
    (None, "WORKER-UNMATCHED"),  # neither name nor ID
])
def test_ambiguous_or_unknown_name_is_rejected(kind: str, name: str | None, code: str) -> None:
    frame = name_rows(kind, ["张伟", name], rows=[7, 8])
    out, problems = resolve(tables(**{kind: frame}), default_project="P1")
    assert [(p.code, p.file, p.sheet, p.row, p.column, p.value) for p in problems] == [
        (code, f"{kind}.xlsx", "3月", 8, "worker_name", name)]
    assert out[kind]["src_row"].tolist() == [7]


def test_name_is_matched_within_the_rows_project_only() -> None:
    # P2's roster has one 张伟 with another ID; P1's 张伟 must not be taken for them
    frame = name_rows("payroll", ["张伟"], project="P2")
    out, problems = resolve(tables(payroll=frame), default_project="P1")
    assert problems == [] and out["payroll"]["id_number"].tolist() == [ID_D]
    frame = name_rows("payroll", ["王芳"], project="P2")
    _, problems = resolve(tables(payroll=frame), default_project="P1")
    assert [p.code for p in problems] == ["WORKER-UNMATCHED"]


def test_grid_rows_sharing_a_source_row_give_one_problem() -> None:
    # a wide attendance grid becomes one canonical row per day, all with the grid row's number
    frame = name_rows("attendance", ["赵六"] * 20, rows=[9] * 20)
    out, problems = resolve(tables(attendance=frame), default_project="P1")
    assert [(p.code, p.row) for p in problems] == [("WORKER-UNMATCHED", 9)]
    assert out["attendance"].empty


def test_rows_with_ids_and_projects_pass_unchanged() -> None:
    given = tables(payroll=name_rows("payroll", ["张伟"]).assign(id_number=ID_B))
    out, problems = resolve(given, default_project="P9")
    assert problems == []
    for kind, frame in given.items():
        pd.testing.assert_frame_equal(out[kind], frame)


def disbursements(payer: list[str | None], project: list[str | None] | None = None) -> pd.DataFrame:
    n = len(payer)
    return conform("disbursement", pd.DataFrame({
        "project_code": project or [None] * n, "payer_account": payer, "amount": 100, "status": "S",
        "src_file": "feed.txt", "src_row": list(range(2, n + 2)),
    }))


@pytest.mark.parametrize(("payer", "expected"), [
    (ACCOUNT_1, "P1"),  # P1's account, written with spaces in the project file
    ("3305-0161-1234-0000-0002", "P2"),  # P2's account, with dashes in the feed
    ("62220200000000000001", "P9"),  # no project's account: the default
    (None, "P9"),  # no payer account at all: the default
])
def test_disbursement_is_routed_by_its_payer_account(payer: str | None, expected: str) -> None:
    out, problems = resolve(tables(disbursement=disbursements([payer])), default_project="P9")
    assert problems == []
    assert out["disbursement"]["project_code"].tolist() == [expected]


def test_account_claimed_by_two_projects_routes_to_the_default() -> None:
    given = tables(disbursement=disbursements([ACCOUNT_2]))
    given["project"] = given["project"].assign(wage_account=ACCOUNT_2)
    out, _ = resolve(given, default_project="P9")
    assert out["disbursement"]["project_code"].tolist() == ["P9"]


def test_given_project_code_is_never_overwritten() -> None:
    out, _ = resolve(tables(disbursement=disbursements([ACCOUNT_2], ["P1"])), default_project="P9")
    assert out["disbursement"]["project_code"].tolist() == ["P1"]


def test_row_without_project_and_without_default_is_project_unknown() -> None:
    given = tables(disbursement=disbursements([ACCOUNT_1, "999999999999"]),
                   payroll=name_rows("payroll", ["张伟"], project=None))
    out, problems = resolve(given, default_project=None)
    assert [(p.code, p.file, p.row, p.column) for p in problems] == [
        ("PROJECT-UNKNOWN", "feed.txt", 3, "project_code"),
        ("PROJECT-UNKNOWN", "payroll.xlsx", 2, "project_code"),
    ]
    assert out["disbursement"]["project_code"].tolist() == ["P1"]  # routed rows need no default
    assert out["payroll"].empty


def test_name_only_row_is_matched_in_the_default_project() -> None:
    out, problems = resolve(tables(attendance=name_rows("attendance", ["张伟"], project=None)),
                            default_project="P2")
    assert problems == []
    assert out["attendance"][["project_code", "id_number"]].values.tolist() == [["P2", ID_D]]


def test_resolve_keeps_the_canonical_dtypes() -> None:
    given = tables(payroll=name_rows("payroll", ["张伟", "赵六"], project=None))
    out, _ = resolve(given, default_project="P1")
    assert out["payroll"].dtypes.equals(name_rows("payroll", ["张伟"]).dtypes)


@pytest.mark.parametrize(("codes", "cli", "folder", "expected"), [
    (["P1"], "CLI", "dir", "CLI"),  # --project wins
    (["P1"], None, "dir", "P1"),  # the project file's one code
    (["P1", "P2"], None, "dir", "dir"),  # a project file of several projects: the folder's name
    ([], None, "dir", "dir"),  # no project file, no codes: the folder's name
    ([], None, None, None),  # nothing at all
])
def test_default_project(codes: list[str], cli: str | None, folder: str | None, expected: str | None) -> None:
    given = {"project": conform("project", pd.DataFrame({"project_code": codes}, dtype="str"))}
    assert default_project_for(given, cli_project=cli, folder_name=folder) == expected


def test_default_project_is_the_single_code_seen_in_any_table() -> None:
    given = {"project": conform("project", pd.DataFrame({"project_code": []}, dtype="str")),
             "payroll": name_rows("payroll", ["张伟", "王芳"], project="DY-7")}
    assert default_project_for(given, cli_project=None, folder_name="dir") == "DY-7"
