"""`four-real warnings list|ack|resolve|urge` and `notify`."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to the ``four-real`` app."""
