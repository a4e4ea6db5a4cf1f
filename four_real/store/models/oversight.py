"""Complaint leads (线索) and enterprise grades."""

from __future__ import annotations
