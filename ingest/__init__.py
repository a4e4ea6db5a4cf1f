"""Files to canonical tables: :func:`read_paths` for files and folders, :func:`read_bytes` for uploads.

The submodules hold the pieces (containers, layout, kinds, grid, sheets, value parsers, bank feed,
resolve); this package exports only the readers and their results.
"""

from __future__ import annotations

from ingest.reader import InputStats, ReadResult, read_bytes, read_path, read_paths

__all__ = ["InputStats", "ReadResult", "read_bytes", "read_path", "read_paths"]
