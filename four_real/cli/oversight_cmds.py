"""`four-real leads import|list`, `grade`, `escalation`, `report bulletin`."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to the ``four-real`` app."""
