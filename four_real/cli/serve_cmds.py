"""`four-real serve` and `four-real token create|revoke|list`."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to the ``four-real`` app."""
