"""Cross-file resolution: which project each row belongs to, and which worker a name-only row means.

Files often carry neither: a subcontractor's 考勤表 has names and no ID column, a bank's 代发明细 has no
project. Both are resolved here, across the files of one check, before validation: a disbursement from a
project's wage account belongs to that project; every other row without a project gets the check's
default. A name-only attendance or payroll row is the roster worker of that name when exactly one worker
(one ID number) of the project has it; otherwise guessing would credit one worker's days or pay to
another, so the row is rejected with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ingest.problems import RowProblem, problem
from ingest.text import normalise_names

__all__ = ["default_project_for", "resolve"]

_NAME_MATCHED = ("attendance", "payroll")


def default_project_for(tables: Mapping[str, pd.DataFrame], *, cli_project: str | None,
                        folder_name: str | None) -> str | None:
    """The project of rows whose files name none (``cli.md``: ``--project``, else the project file's
    code, else the folder's name)."""
    if cli_project:
        return cli_project
    project = tables.get("project")
    if project is not None and "project_code" in project:
        codes = project["project_code"].dropna().unique()
        if len(codes) == 1:
            return str(codes[0])
    seen: set[str] = set()
    for frame in tables.values():
        if "project_code" in frame:
            seen.update(str(c) for c in frame["project_code"].dropna().unique())
    if len(seen) == 1:
        return seen.pop()
    return folder_name or None


def resolve(tables: Mapping[str, pd.DataFrame], *,
            default_project: str | None) -> tuple[dict[str, pd.DataFrame], list[RowProblem]]:
    """Fill ``project_code`` and name-only ``id_number``; rejected rows leave the tables with a problem."""
    out: dict[str, pd.DataFrame] = {}
    problems: list[RowProblem] = []
    routes = _wage_account_routes(tables.get("project"))
    for kind, frame in tables.items():
        out[kind], found = _fill_project(kind, frame, routes, default_project)
        problems.extend(found)
    roster = out.get("roster")
    for kind in _NAME_MATCHED:
        if kind in out:
            out[kind], found = _match_names(out[kind], roster)
            problems.extend(found)
    return out, problems


def _digits(s: pd.Series) -> pd.Series:
    """Account numbers compared by their digits: banks print them with spaces and dashes."""
    d = s.astype("str").str.replace(r"[^0-9]", "", regex=True)
    return d.mask(d == "")


def _wage_account_routes(project: pd.DataFrame | None) -> pd.Series:
    """Wage-account digits -> project code; an account claimed by two projects routes nowhere."""
    if project is None or project.empty or not {"wage_account", "project_code"} <= set(project):
        return pd.Series(dtype="str")
    pairs = pd.DataFrame({"account": _digits(project["wage_account"]),
                          "project_code": project["project_code"].astype("str")}).dropna()
    pairs = pairs.drop_duplicates()
    pairs = pairs[~pairs["account"].duplicated(keep=False)]
    return pd.Series(pairs["project_code"].to_numpy(), index=pairs["account"].to_numpy(), dtype="str")


def _fill_project(kind: str, frame: pd.DataFrame, routes: pd.Series,
                  default: str | None) -> tuple[pd.DataFrame, list[RowProblem]]:
    if "project_code" not in frame:
        return frame, []
    codes = frame["project_code"].astype("str")
    missing = codes.isna().to_numpy()
    if not missing.any():
        return frame, []
    fill = pd.Series(default, index=frame.index, dtype="str")
    if kind == "disbursement" and not routes.empty and "payer_account" in frame:
        routed = _digits(frame["payer_account"]).map(routes)
        fill = routed.astype("str").fillna(fill)
    codes = pd.Series(np.where(missing, fill.to_numpy(dtype=object, na_value=None),
                               codes.to_numpy(dtype=object, na_value=None)), index=frame.index, dtype="str")
    unknown = codes.isna().to_numpy()
    problems = _problems(frame[unknown], "PROJECT-UNKNOWN", column="project_code",
                         values=pd.Series(None, index=frame.index[unknown], dtype="str"))
    return frame.assign(project_code=codes)[~unknown], problems


def _match_names(frame: pd.DataFrame, roster: pd.DataFrame | None) -> tuple[pd.DataFrame, list[RowProblem]]:
    """Fill the ID of name-only rows from a unique roster namesake in the same project (a merge)."""
    if "id_number" not in frame:
        return frame, []
    need = frame["id_number"].isna().to_numpy()
    if not need.any():
        return frame, []
    names = frame["worker_name"] if "worker_name" in frame else pd.Series(pd.NA, index=frame.index)
    wanted = pd.DataFrame({"project_code": frame["project_code"].astype("str").to_numpy()[need],
                           "name": normalise_names(names.astype("str")[need]).to_numpy()})
    found = wanted.merge(_roster_names(roster), how="left", on=["project_code", "name"], sort=False)
    workers = found["workers"].fillna(0).to_numpy(dtype=np.int64)
    ids = frame["id_number"].astype("str").to_numpy(dtype=object, na_value=None)
    positions = np.flatnonzero(need)
    ids[positions[workers == 1]] = found["id_number"].to_numpy(dtype=object)[workers == 1]
    rejected = np.zeros(len(frame), dtype=bool)
    rejected[positions[workers != 1]] = True
    code = np.full(len(frame), None, dtype=object)
    code[positions[workers == 0]] = "WORKER-UNMATCHED"
    code[positions[workers > 1]] = "WORKER-AMBIGUOUS"
    problems: list[RowProblem] = []
    for name in ("WORKER-UNMATCHED", "WORKER-AMBIGUOUS"):
        rows = code == name
        problems += _problems(frame[rows], name, column="worker_name", values=names.astype("str")[rows])
    resolved = frame.assign(id_number=pd.Series(ids, index=frame.index, dtype="str"))
    return resolved[~rejected], problems


def _roster_names(roster: pd.DataFrame | None) -> pd.DataFrame:
    """Per (project, normalised name): how many distinct workers carry it, and the ID when just one."""
    columns = {"project_code": pd.Series(dtype="str"), "name": pd.Series(dtype="str"),
               "workers": pd.Series(dtype="int64"), "id_number": pd.Series(dtype="str")}
    if roster is None or roster.empty or not {"project_code", "worker_name", "id_number"} <= set(roster):
        return pd.DataFrame(columns)
    known = pd.DataFrame({"project_code": roster["project_code"].astype("str"),
                          "name": normalise_names(roster["worker_name"].astype("str")),
                          "id_number": roster["id_number"].astype("str")}).dropna()
    known = known.drop_duplicates()
    return (known.groupby(["project_code", "name"], sort=False)
            .agg(workers=("id_number", "size"), id_number=("id_number", "first")).reset_index())


def _problems(rows: pd.DataFrame, code: str, *, column: str, values: pd.Series) -> list[RowProblem]:
    """One problem per source row: a wide attendance grid repeats a row once per day."""
    if rows.empty:
        return []
    n = len(rows)
    where = pd.DataFrame({
        "file": rows["src_file"].astype("str").to_numpy() if "src_file" in rows else ["<unknown>"] * n,
        "sheet": rows["src_sheet"].astype("str").to_numpy() if "src_sheet" in rows else [None] * n,
        "row": rows["src_row"].to_numpy() if "src_row" in rows else [None] * n,
        "value": values.to_numpy(),
    }).drop_duplicates()
    return [
        problem(code, file=str(f), sheet=None if pd.isna(s) else str(s),
                row=None if pd.isna(r) else int(r), column=column, value=None if pd.isna(v) else v)
        for f, s, r, v in where.itertuples(index=False, name=None)
    ]
