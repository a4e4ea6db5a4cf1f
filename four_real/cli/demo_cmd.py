"""Registers `four-real demo`; the work is in :mod:`four_real.demo`, imported only when the command runs
so that `four-real check` does not pay for the store's imports at start-up."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo(
    data_dir: Annotated[Path | None, typer.Option("--data-dir", help="Folder for the demo's files and "
                                                  "database (default: FOUR_REAL_DATA or ./data)")] = None,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed makes the same city")] = 2025,
    projects: Annotated[int, typer.Option(help="Projects in the city")] = 40,
) -> None:
    """Make a small city with planted problems, ingest and reconcile it, and print the city summary."""
    from four_real.demo import demo as run

    run(data_dir=data_dir, seed=seed, projects=projects)
