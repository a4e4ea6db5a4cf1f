"""A tiny generated city shared by the benchmark tests (made once per module: generation is the slow part)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bench.city_gen import generate

TINY_PROJECTS = 5
TINY_SEED = 11


@pytest.fixture(scope="module")
def tiny_city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """Five projects of one month with every planting present at least once, and their key."""
    folder = tmp_path_factory.mktemp("city") / "data"
    return folder, generate(folder, projects=TINY_PROJECTS, seed=TINY_SEED)
