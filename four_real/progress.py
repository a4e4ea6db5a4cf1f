"""A progress bar for work that takes more than a moment, on stderr, and only on a terminal.

Redirected output (CI, a bank's batch job) gets no control characters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn


@contextmanager
def stage_progress(console: Console, stages: list[str]) -> Iterator[Callable[[str], None]]:
    if not console.is_terminal:
        yield lambda _stage: None
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as progress:
        task = progress.add_task(stages[0], total=len(stages))
        seen: list[str] = []

        def advance(stage: str) -> None:
            if seen:
                progress.advance(task)
            seen.append(stage)
            progress.update(task, description=stage)

        yield advance
        progress.update(task, completed=len(stages))
