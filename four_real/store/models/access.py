"""API tokens (stored as hashes) and their scopes."""

from __future__ import annotations
