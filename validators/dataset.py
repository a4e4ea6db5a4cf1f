"""The six validated canonical tables that the rules read, as one value."""

from __future__ import annotations

from dataclasses import dataclass, fields

import pandas as pd

from ingest.canonical import conform, empty


@dataclass(frozen=True)
class Dataset:
    project: pd.DataFrame
    roster: pd.DataFrame
    attendance: pd.DataFrame
    payroll: pd.DataFrame
    disbursement: pd.DataFrame
    account: pd.DataFrame

    @classmethod
    def from_frames(cls, **frames: pd.DataFrame | None) -> Dataset:
        """Conform whatever tables are given; absent ones are empty with the canonical columns."""
        unknown = set(frames) - {f.name for f in fields(cls)}
        if unknown:
            raise TypeError(f"unknown tables: {sorted(unknown)}")
        return cls(**{
            f.name: (conform(f.name, frames[f.name]).reset_index(drop=True)  # type: ignore[arg-type]
                     if frames.get(f.name) is not None else empty(f.name))
            for f in fields(cls)
        })

    def tables(self) -> dict[str, pd.DataFrame]:
        return {f.name: getattr(self, f.name) for f in fields(self)}
