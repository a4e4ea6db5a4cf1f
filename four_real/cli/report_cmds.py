"""`four-real report bulletin`: the monthly bulletin (每月通报)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to the ``four-real`` app."""
