"""The inline SVG charts: well-formed, self-contained, and drawn to scale."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from itertools import pairwise

import pytest

from four_real.bulletin import charts
from four_real.bulletin.charts import Bar, Series

NS = {"s": "http://www.w3.org/2000/svg"}
MONTHS = ["2024-10", "2024-11", "2024-12", "2025-01", "2025-02", "2025-03"]


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.find("s:title", NS) is not None and root.find("s:title", NS).text  # read aloud, shown on hover
    assert "<script" not in svg and "href" not in svg.replace('url(#', '')  # nothing to run, nothing to fetch
    return root


@pytest.mark.parametrize(("top", "ticks"), [
    (0, [0.0, 1.0]),
    (20.39, [0.0, 5.0, 10.0, 15.0, 20.0, 25.0]),
    (100, [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]),
    (0.12, [0.0, 0.025, 0.05, 0.075, 0.1, 0.125]),
    (7, [0.0, 2.0, 4.0, 6.0, 8.0]),
])
def test_ticks_are_round_and_cover_the_largest_value(top: float, ticks: list[float]) -> None:
    assert charts.nice_ticks(top) == ticks


def test_bars_are_drawn_to_scale_with_their_values_written() -> None:
    bars = [Bar("住建", 10.0, "10.00 万元", "yellow"), Bar("交通运输", 20.0, "20.00 万元", "red"),
            Bar("水利", 0.0, "0.00 万元", "green")]
    svg = charts.hbars("c1", "欠薪", bars, axis="万元")
    root = _parse(svg)
    drawn = [r for r in root.iter("{http://www.w3.org/2000/svg}rect") if r.find("s:title", NS) is not None]
    widths = [float(r.get("width")) for r in drawn]
    assert widths[1] == pytest.approx(2 * widths[0]) and widths[2] == 0
    assert drawn[1].get("fill") == "#b2182b"  # red shaded as red; yellow and green carry patterns for grey print
    assert drawn[0].get("fill").startswith("url(#c1-") and drawn[2].get("fill").startswith("url(#c1-")
    assert all(t in svg for t in ("10.00 万元", "20.00 万元", "0.00 万元", "住建", "交通运输", "水利"))


def test_a_month_without_data_says_so_instead_of_standing_at_zero() -> None:
    series = [Series("住建", [None, None, None, None, 1.0, 2.0], ["", "", "", "", "1.00", "2.00"]),
              Series("水利", [None, None, None, None, 0.5, 0.0], ["", "", "", "", "0.50", "0.00"])]
    svg = charts.stacked_columns("c2", "趋势", MONTHS, series, axis="万元",
                                 totals=[None, None, None, None, "1.50", "2.00"], empty_text="无数据\nno data")
    root = _parse(svg)
    assert svg.count("无数据") == 4
    columns = [r for r in root.iter("{http://www.w3.org/2000/svg}rect") if r.find("s:title", NS) is not None]
    assert len(columns) == 3  # two for 2025-02, one for 2025-03 (a zero part is not drawn)
    heights = {c.find("s:title", NS).text: float(c.get("height")) for c in columns}
    assert heights["住建 2025-03: 2.00"] == pytest.approx(2 * heights["住建 2025-02: 1.00"])


def test_a_gap_breaks_the_line_and_the_reference_lines_are_labelled() -> None:
    svg = charts.lines("c3", "指数", MONTHS, [Series("全市", [90.0, None, 95.0, 96.0, None, 97.0]),
                                             Series("水利", [None, None, None, None, None, 60.0])],
                       axis="指数", refs=[(95.0, "目标 95"), (80.0, "红线 80")])
    root = _parse(svg)
    paths = [p for p in root.iter("{http://www.w3.org/2000/svg}path") if p.get("fill") == "none"]
    assert len(paths) == 1 and paths[0].get("d").count("L") == 1  # only 2024-12 → 2025-01 is joined
    assert "目标 95" in svg and "红线 80" in svg
    ticks = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")
             if t.get("fill") == charts.MUTED and t.text and re.fullmatch(r"\d+", t.text)]
    assert ticks[0] == "50" and ticks[-1] == "100"  # the axis reaches down to the lowest value


def test_the_level_split_labels_each_part_wide_enough_and_titles_all() -> None:
    names = {"red": "红 red", "yellow": "黄 yellow", "green": "绿 green"}
    svg = charts.level_split("c4", "分布", {"red": 1, "yellow": 2, "green": 37}, names)
    root = _parse(svg)
    titles = [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]
    assert {"红 red 1", "黄 yellow 2", "绿 green 37"} <= set(titles)
    assert "绿 green 37" in [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]


def test_pattern_ids_belong_to_their_chart() -> None:
    """Two charts on one page must not share a pattern id, or one would paint with the other's."""
    a = charts.hbars("first", "a", [Bar("x", 1.0, "1", "green")], axis="")
    b = charts.hbars("second", "b", [Bar("x", 1.0, "1", "green")], axis="")
    ids_a, ids_b = set(re.findall(r'id="([^"]+)"', a)), set(re.findall(r'id="([^"]+)"', b))
    assert ids_a and not ids_a & ids_b


def _grey(colour: str) -> float:
    """The grey a printer makes of a colour (Rec. 601 luma), 0 black to 1 white."""
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.299 * r + 0.587 * g + 0.114 * b


@pytest.mark.parametrize("fills", [[s[0] for s in charts.STYLES], list(charts.LEVEL_FILL.values())],
                         ids=["series", "levels"])
def test_fills_stay_apart_in_grey_print(fills: list[str]) -> None:
    greys = sorted(_grey(c) for c in fills)
    assert min(b - a for a, b in pairwise(greys)) >= 0.15


def test_lines_differ_by_dash_and_marker_not_only_by_colour() -> None:
    dashes = [s[2] for s in charts.STYLES]
    markers = [s[3] for s in charts.STYLES]
    assert len(set(dashes)) == len(dashes) and len(set(markers)) == len(markers)
