"""Warnings, their audit trail, and the notification outbox."""

from __future__ import annotations
