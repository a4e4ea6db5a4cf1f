"""The terminal's language: Chinese when the locale says so, English otherwise (cli.md)."""

from __future__ import annotations

import os
from typing import Literal

Lang = Literal["zh", "en"]


def terminal_language(environ: dict[str, str] | None = None) -> Lang:
    env = os.environ if environ is None else environ
    for key in ("LC_ALL", "LC_MESSAGES", "LANGUAGE", "LANG"):
        value = env.get(key, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def pick(lang: Lang, zh: str, en: str) -> str:
    return zh if lang == "zh" else en
