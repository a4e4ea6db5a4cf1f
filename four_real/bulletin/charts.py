"""Charts of the bulletin as inline SVG: no script, no font or image to fetch, sharp on paper.

Written by hand rather than with a plotting library because the page must be self-contained and print
well in grey: the chart libraries that emit SVG either link scripts for their tooltips or embed fonts
that lack Chinese glyphs, while the browser already has the reader's Chinese font. Four shapes cover the
bulletin: horizontal bars (a group per row), stacked columns (a month per column), lines (a month per
point) and the one-bar split of red/yellow/green.

Grey print: the series colours differ in lightness, not only in hue, and each also has its own pattern
(bars) or dash and marker (lines); every bar carries its value as text, and every chart sits beside a
table of the same figures. Geometry is float; the numbers written on a chart come from the caller,
formatted from integer fen.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 680
FONT = 12
# fill, pattern (None: solid), line dash, marker: far apart in lightness, so they survive grey print
STYLES: tuple[tuple[str, str | None, str, str], ...] = (
    ("#1f3a68", None, "", "circle"),          # dark blue, solid
    ("#d9822b", "hatch", "7 4", "square"),    # orange, diagonal hatch
    ("#9cc9e0", "dots", "2 3", "triangle"),   # light blue, dots
    ("#5e5e5e", "cross", "10 3 2 3", "diamond"),
)
# lines need darker inks than fills: a thin light line vanishes on grey paper
LINE_INK = ("#1f3a68", "#c4661f", "#2f86ad", "#4a4a4a")
LEVEL_FILL = {"red": "#b2182b", "yellow": "#f2c14e", "green": "#4d9a5b"}  # dark, light, middle grey
LEVEL_PATTERN = {"red": None, "yellow": "dots", "green": "hatch"}
MUTED = "#6b6b6b"


@dataclass(frozen=True)
class Series:
    """One named series; ``values`` has a None where there is no data (drawn as a gap, never as 0)."""

    name: str
    values: Sequence[float | None]
    labels: Sequence[str] | None = None  # the text written at each value (formatted from exact figures)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str
    level: str | None = None  # colours the bar by red/yellow/green when given


def _x(text: object) -> str:
    return escape(str(text), quote=True)


def nice_ticks(top: float, n: int = 5) -> list[float]:
    """0, step, 2·step … up to the first tick at or above ``top``; step is 1, 2, 2.5 or 5 × 10^k."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / n
    base = 10 ** math.floor(math.log10(raw))
    step = next(base * m for m in (1, 2, 2.5, 5, 10) if base * m >= raw)
    count = math.ceil(top / step - 1e-9)
    return [round(i * step, 10) for i in range(count + 1)]


def _tick_text(v: float) -> str:
    return f"{v:,.0f}" if abs(v - round(v)) < 1e-9 else f"{v:,.1f}"


def _defs(cid: str, styles: Sequence[tuple[str, str | None]]) -> str:
    """Fill patterns, one per (colour, pattern) used, with ids local to this chart."""
    out = []
    for i, (fill, pattern) in enumerate(styles):
        if pattern is None:
            continue
        ink = "#ffffff" if pattern != "dots" else "#1f1f1f"
        shape = {"hatch": f'<path d="M0,6 L6,0" stroke="{ink}" stroke-width="1.6"/>',
                 "dots": f'<circle cx="3" cy="3" r="1.1" fill="{ink}"/>',
                 "cross": f'<path d="M0,3 H6 M3,0 V6" stroke="{ink}" stroke-width="1"/>'}[pattern]
        out.append(f'<pattern id="{cid}-p{i}" width="6" height="6" patternUnits="userSpaceOnUse">'
                   f'<rect width="6" height="6" fill="{fill}"/>{shape}</pattern>')
    return f"<defs>{''.join(out)}</defs>" if out else ""


def _paint(cid: str, i: int, fill: str, pattern: str | None) -> str:
    return f"url(#{cid}-p{i})" if pattern else fill


def _svg(cid: str, height: float, title: str, body: str, defs: str = "") -> str:
    return (f'<svg id="{_x(cid)}" class="chart" role="img" aria-labelledby="{_x(cid)}-t" '
            f'viewBox="0 0 {WIDTH} {height:.0f}" width="{WIDTH}" height="{height:.0f}" '
            f'xmlns="http://www.w3.org/2000/svg" font-size="{FONT}">'
            f'<title id="{_x(cid)}-t">{_x(title)}</title>{defs}{body}</svg>')


def _legend(cid: str, names: Sequence[str], y: float, kind: str) -> str:
    """A row of keys: a patterned swatch for bars, a dashed stroke with its marker for lines."""
    parts, x = [], 60.0
    for i, name in enumerate(names):
        fill, pattern, dash, marker = STYLES[i % len(STYLES)]
        if kind == "bar":
            parts.append(f'<rect x="{x:.1f}" y="{y - 10:.1f}" width="18" height="12" '
                         f'fill="{_paint(cid, i, fill, pattern)}" stroke="#333" stroke-width="0.5"/>')
        else:
            ink = LINE_INK[i % len(LINE_INK)]
            width = 3 if i == 0 else 2
            parts.append(f'<line x1="{x:.1f}" y1="{y - 4:.1f}" x2="{x + 18:.1f}" y2="{y - 4:.1f}" stroke="{ink}" '
                         f'stroke-width="{width}" stroke-dasharray="{dash}"/>{_marker(marker, x + 9, y - 4, ink)}')
        parts.append(f'<text x="{x + 24:.1f}" y="{y:.1f}">{_x(name)}</text>')
        x += 34 + 13 * len(name)  # CJK glyphs are about a font-size wide
    return f'<g class="legend">{"".join(parts)}</g>'


def _marker(kind: str, x: float, y: float, fill: str) -> str:
    if kind == "square":
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{fill}"/>'
    if kind == "triangle":
        return f'<path d="M{x:.1f},{y - 4.5:.1f} L{x + 4.5:.1f},{y + 3.5:.1f} L{x - 4.5:.1f},{y + 3.5:.1f} Z" ' \
               f'fill="{fill}" stroke="#333" stroke-width="0.6"/>'
    if kind == "diamond":
        return f'<path d="M{x:.1f},{y - 5:.1f} L{x + 5:.1f},{y:.1f} L{x:.1f},{y + 5:.1f} L{x - 5:.1f},{y:.1f} Z" ' \
               f'fill="{fill}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.8" fill="{fill}"/>'


def hbars(cid: str, title: str, bars: Sequence[Bar], *, axis: str, target: float | None = None,
          target_text: str = "", top: float | None = None) -> str:
    """One bar per group, longest scale at ``top`` (or the largest value); the value written at its end."""
    label_w, row, pad_top = 150, 26, 28
    plot_w = WIDTH - label_w - 90
    ticks = nice_ticks(max([top or 0.0, *(b.value for b in bars), target or 0.0]))
    scale = plot_w / ticks[-1]
    height = pad_top + row * max(len(bars), 1) + 34
    body = [f'<text x="{label_w}" y="16" fill="{MUTED}">{_x(axis)}</text>']
    bottom = pad_top + row * len(bars)
    for t in ticks:
        x = label_w + t * scale
        body.append(f'<line x1="{x:.1f}" y1="{pad_top - 4}" x2="{x:.1f}" y2="{bottom:.1f}" stroke="#d0d0d0"/>'
                    f'<text x="{x:.1f}" y="{bottom + 16:.1f}" text-anchor="middle" fill="{MUTED}">'
                    f'{_tick_text(t)}</text>')
    levels = sorted({b.level for b in bars if b.level}, key=list(LEVEL_FILL).index)
    defs = _defs(cid, [(LEVEL_FILL[lv], LEVEL_PATTERN[lv]) for lv in LEVEL_FILL]) if levels else \
        _defs(cid, [STYLES[0][:2]])
    for k, b in enumerate(bars):
        y = pad_top + k * row
        w = max(b.value * scale, 0.0)
        if b.level:
            i = list(LEVEL_FILL).index(b.level)
            paint = _paint(cid, i, LEVEL_FILL[b.level], LEVEL_PATTERN[b.level])
        else:
            paint = STYLES[0][0]
        body.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">{_x(b.label)}</text>'
                    f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row - 9}" fill="{paint}" '
                    f'stroke="#333" stroke-width="0.5"><title>{_x(b.label)}: {_x(b.text)}</title></rect>'
                    f'<text class="value" x="{label_w + w + 5:.1f}" y="{y + 15}">{_x(b.text)}</text>')
    if target is not None:
        x = label_w + target * scale
        body.append(f'<line x1="{x:.1f}" y1="{pad_top - 8}" x2="{x:.1f}" y2="{bottom + 2:.1f}" stroke="#000" '
                    f'stroke-width="1.5" stroke-dasharray="5 3"/><text x="{x:.1f}" y="{pad_top - 11}" '
                    f'text-anchor="middle">{_x(target_text)}</text>')
    body.append(f'<line x1="{label_w}" y1="{pad_top - 4}" x2="{label_w}" y2="{bottom:.1f}" stroke="#333"/>')
    return _svg(cid, height, title, "".join(body), defs)


def _frame(ticks: Sequence[float], lo: float, categories: Sequence[str], *, left: float, top: float,
           plot_w: float, plot_h: float, axis: str) -> tuple[list[str], float]:
    """Gridlines, tick labels, category labels; returns the parts and the slot width of a category."""
    span = ticks[-1] - lo
    parts = [f'<text x="{left - 8:.1f}" y="{top - 12:.1f}" fill="{MUTED}">{_x(axis)}</text>']
    for t in ticks:
        y = top + plot_h - (t - lo) / span * plot_h
        parts.append(f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{left + plot_w:.1f}" y2="{y:.1f}" stroke="#d0d0d0"/>'
                     f'<text x="{left - 6:.1f}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">'
                     f'{_tick_text(t)}</text>')
    slot = plot_w / max(len(categories), 1)
    for k, c in enumerate(categories):
        parts.append(f'<text x="{left + slot * (k + 0.5):.1f}" y="{top + plot_h + 17:.1f}" '
                     f'text-anchor="middle">{_x(c)}</text>')
    parts.append(f'<line x1="{left:.1f}" y1="{top + plot_h:.1f}" x2="{left + plot_w:.1f}" y2="{top + plot_h:.1f}" '
                 'stroke="#333"/>')
    return parts, slot


def stacked_columns(cid: str, title: str, categories: Sequence[str], series: Sequence[Series], *, axis: str,
                    totals: Sequence[str | None], empty_text: str) -> str:
    """A column per category, stacked by series, its total written on top; a category whose total is None
    has no data and says so instead of standing at zero."""
    left, top, plot_w, plot_h = 70.0, 40.0, WIDTH - 90.0, 220.0
    sums = [sum(v or 0.0 for v in col) for col in zip(*(s.values for s in series), strict=True)] or [0.0]
    ticks = nice_ticks(max(sums) * 1.08)
    parts, slot = _frame(ticks, 0.0, categories, left=left, top=top, plot_w=plot_w, plot_h=plot_h, axis=axis)
    scale = plot_h / ticks[-1]
    bar_w = min(slot * 0.55, 60)
    for k in range(len(categories)):
        x = left + slot * k + (slot - bar_w) / 2
        base = top + plot_h
        if totals[k] is None:
            lines_ = empty_text.split("\n")
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{base - 8 - 13 * (len(lines_) - 1):.1f}" '
                         f'text-anchor="middle" fill="{MUTED}" font-size="{FONT - 1}">'
                         + "".join(f'<tspan x="{x + bar_w / 2:.1f}" dy="{0 if j == 0 else 13}">{_x(t)}</tspan>'
                                   for j, t in enumerate(lines_)) + "</text>")
            continue
        for i, s in enumerate(series):
            h = (s.values[k] or 0.0) * scale
            if h <= 0:
                continue
            fill, pattern = STYLES[i % len(STYLES)][:2]
            text = s.labels[k] if s.labels else ""
            base -= h
            parts.append(f'<rect x="{x:.1f}" y="{base:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                         f'fill="{_paint(cid, i, fill, pattern)}" stroke="#333" stroke-width="0.5">'
                         f'<title>{_x(s.name)} {_x(categories[k])}: {_x(text)}</title></rect>')
        parts.append(f'<text class="value" x="{x + bar_w / 2:.1f}" y="{base - 5:.1f}" text-anchor="middle">'
                     f'{_x(totals[k])}</text>')
    parts.append(_legend(cid, [s.name for s in series], top + plot_h + 44, "bar"))
    defs = _defs(cid, [STYLES[i % len(STYLES)][:2] for i in range(len(series))])
    return _svg(cid, top + plot_h + 56, title, "".join(parts), defs)


def lines(cid: str, title: str, categories: Sequence[str], series: Sequence[Series], *, axis: str,
          refs: Sequence[tuple[float, str]] = (), lo: float | None = None, hi: float = 100.0) -> str:
    """A line per series over the categories; None breaks the line. ``refs`` are horizontal reference lines
    (the 95 target, the red line at 80). The first series is drawn heaviest: it is the city."""
    left, top, plot_w, plot_h = 70.0, 40.0, WIDTH - 150.0, 220.0
    values = [v for s in series for v in s.values if v is not None]
    floor = min([*values, *(r for r, _ in refs)], default=hi)
    lo = lo if lo is not None else max(0.0, math.floor((floor - 5) / 10) * 10)
    step = 10.0 if hi - lo > 30 else 5.0
    ticks = [lo + step * i for i in range(int((hi - lo) / step) + 1)]
    parts, slot = _frame(ticks, lo, categories, left=left, top=top, plot_w=plot_w, plot_h=plot_h, axis=axis)

    def y_of(v: float) -> float:
        return top + plot_h - (v - lo) / (hi - lo) * plot_h

    for value, text in refs:
        y = y_of(value)
        parts.append(f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{left + plot_w:.1f}" y2="{y:.1f}" stroke="#000" '
                     f'stroke-width="1" stroke-dasharray="5 3"/><text x="{left + plot_w + 4:.1f}" y="{y + 4:.1f}">'
                     f'{_x(text)}</text>')
    for i, s in enumerate(series):
        _fill, _pattern, dash, marker = STYLES[i % len(STYLES)]
        fill = LINE_INK[i % len(LINE_INK)]
        points = [(left + slot * (k + 0.5), y_of(v), v, k) for k, v in enumerate(s.values) if v is not None]
        runs: list[list[tuple[float, float]]] = []
        for k, v in enumerate(s.values):  # a gap (None) starts a new run
            if v is None:
                runs.append([])
            else:
                if not runs:
                    runs.append([])
                runs[-1].append((left + slot * (k + 0.5), y_of(v)))
        for run in runs:
            if len(run) > 1:
                d = " ".join(f"{'M' if j == 0 else 'L'}{x:.1f},{y:.1f}" for j, (x, y) in enumerate(run))
                parts.append(f'<path d="{d}" fill="none" stroke="{fill}" stroke-width="{3 if i == 0 else 2}" '
                             f'stroke-dasharray="{dash}"/>')
        for x, y, v, k in points:
            text = s.labels[k] if s.labels else _tick_text(v)
            parts.append(f'<g>{_marker(marker, x, y, fill)}<title>{_x(s.name)} {_x(categories[k])}: {_x(text)}'
                         '</title></g>')
            if i == 0:
                parts.append(f'<text class="value" x="{x:.1f}" y="{y - 9:.1f}" text-anchor="middle">{_x(text)}</text>')
    parts.append(_legend(cid, [s.name for s in series], top + plot_h + 44, "line"))
    return _svg(cid, top + plot_h + 56, title, "".join(parts))


def level_split(cid: str, title: str, counts: dict[str, int], names: dict[str, str]) -> str:
    """One bar split into red, yellow and green project-months, each part labelled with its name and count
    where it is wide enough (the counts are also in the cards above it)."""
    total = sum(counts.values())
    left, y, h, plot_w = 10.0, 8.0, 34.0, WIDTH - 20.0
    defs = _defs(cid, [(LEVEL_FILL[lv], LEVEL_PATTERN[lv]) for lv in LEVEL_FILL])
    parts, x = [], left
    for i, lv in enumerate(LEVEL_FILL):
        n = counts.get(lv, 0)
        if not n:
            continue
        w = plot_w * n / total
        text = f"{names[lv]} {n}"
        parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{h}" '
                     f'fill="{_paint(cid, i, LEVEL_FILL[lv], LEVEL_PATTERN[lv])}" stroke="#333" stroke-width="0.5">'
                     f'<title>{_x(text)}</title></rect>')
        if w >= 8 * len(text) + 10:
            ink, halo = ("#ffffff", LEVEL_FILL[lv]) if lv == "red" else ("#000000", "#ffffff")
            parts.append(f'<text x="{x + w / 2:.1f}" y="{y + h / 2 + 5:.1f}" text-anchor="middle" fill="{ink}" '
                         f'stroke="{halo}" stroke-width="4" paint-order="stroke" font-weight="bold">{_x(text)}</text>')
        x += w
    if not total:
        parts.append(f'<text x="{left}" y="{y + h / 2 + 5:.1f}" fill="{MUTED}">{_x(names.get("none", "-"))}</text>')
    return _svg(cid, y * 2 + h, title, "".join(parts), defs)
