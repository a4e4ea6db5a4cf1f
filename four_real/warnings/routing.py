"""Who receives a warning: the human-resources bureau (人社) always, since it sees every sector (spec:
"who uses it"), and the industry bureau of the project's sector."""

from __future__ import annotations

HR = "hr"
SECTOR_BUREAU = {"housing": "housing", "transport": "transport", "water": "water"}
BUREAU_NAMES_ZH = {HR: "人社局", "housing": "住建局", "transport": "交通运输局", "water": "水利局"}


def bureaus(sector: str | None) -> list[str]:
    """The bureaus a warning of a project in ``sector`` goes to, 人社 first."""
    bureau = SECTOR_BUREAU.get(sector or "")
    return [HR, bureau] if bureau else [HR]
