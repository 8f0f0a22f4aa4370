"""The trends charts: server-side SVG drawn with matplotlib, ready to inline in a page or a PDF.

One function per chart. Each takes what ``maqa.trends.selectors`` returns and gives an SVG string
(or "" when there is nothing to draw), which:

- has no XML prolog, doctype, metadata, script or ``<style>``: styles are written as SVG
  presentation attributes (``fill="..."``), so the page's Content-Security-Policy
  (``style-src 'self'``) does not strip them, and WeasyPrint reads them too;
- is an image with an accessible name (``role="img"``, ``aria-label`` and ``<title>``); the page
  puts a sentence describing it and a data table beside it;
- has ids prefixed with the chart's name, so that several charts can share one page;
- is deterministic: the same data gives the same bytes (``svg.hashsalt``, no dates), so that
  rendering is cached by the data (a chart is drawn again only when its figures change);
- has a fixed size in pixels; each bar is a ``<g id="<chart>-bar-N">`` (what the tests count).

Call them from any thread: drawing is serialised by a lock (matplotlib's settings are global).
"""

from __future__ import annotations

import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from functools import lru_cache
from io import StringIO
from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal

from maqa.trends.selectors import (
    ActionCounts,
    GradeDistribution,
    Recurrence,
    SelfVsPanelRow,
    TimelinessRow,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.path import Path

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"

WIDTH_IN = 7.5
LABEL_CHAR_IN = 0.068  # the width of a character of a 9-point label, about
DPI = 96  # pixels per inch of the width and height attributes
FONT = "Arial, Helvetica, sans-serif"
# GOV.UK colours (each also told in words in the legend and the table).
CONCERN = "#d4351c"
STRENGTH = "#1d70b8"
GREY = "#b1b4b6"
COLOURS = {
    "blue": "#1d70b8",
    "green": "#00703c",
    "turquoise": "#28a197",
    "yellow": "#ffdd00",
    "orange": "#f47738",
    "red": "#d4351c",
    "purple": "#4c2c92",
    "pink": "#d53880",
    "grey": "#505a5f",
}
RC: Any = {
    "svg.fonttype": "none",
    "svg.hashsalt": "maqa-trends",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 9,
    "axes.titleweight": "bold",
}
_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _matplotlib() -> ModuleType:
    """matplotlib, imported on the first chart (it costs about a second of start-up)."""
    import matplotlib

    matplotlib.use("Agg")
    return matplotlib


# Style properties matplotlib writes that are SVG presentation attributes of the same name.
_PRESENTATION = {
    "fill", "fill-opacity", "stroke", "stroke-width", "stroke-opacity", "stroke-linejoin",
    "stroke-linecap", "stroke-dasharray", "stroke-dashoffset", "stroke-miterlimit", "opacity",
    "font-size", "font-weight", "font-style", "text-anchor", "clip-path", "dominant-baseline",
}  # fmt: skip


# --- SVG output -----------------------------------------------------------------------------


def _style_to_attributes(element: ET.Element) -> None:
    style = element.attrib.pop("style", "")
    for part in style.split(";"):
        name, _, value = part.partition(":")
        name, value = name.strip(), value.strip()
        if name == "font":
            # matplotlib writes "font: 9px 'DejaVu Sans'" (or with weight/style first)
            pieces = value.split()
            for piece in pieces:
                if piece.endswith("px"):
                    element.set("font-size", piece)
                elif piece in ("bold", "normal") or piece.isdigit():
                    element.set("font-weight", piece)
                elif piece in ("italic", "oblique"):
                    element.set("font-style", piece)
            element.set("font-family", FONT)
        elif name in _PRESENTATION and value:
            element.set(name, value)


def _finish(svg: str, *, name: str, label: str, width_px: int, height_px: int) -> str:
    """Styles as attributes, ids prefixed, accessible name, fixed size, no prolog or metadata."""
    root = ET.fromstring(svg)  # noqa: S314 (matplotlib's own output, never a person's file)
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in (f"{{{SVG_NS}}}metadata", f"{{{SVG_NS}}}style", f"{{{SVG_NS}}}script"):
                parent.remove(child)
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    for element in root.iter():
        _style_to_attributes(element)
        for key, value in list(element.attrib.items()):
            if key == "id":
                element.set(key, f"{name}-{value}")
            elif "url(#" in value:
                element.set(key, re.sub(r"url\(#([^)]+)\)", rf"url(#{name}-\1)", value))
            elif key.endswith("href") and value.startswith("#") and value[1:] in ids:
                element.set(key, f"#{name}-{value[1:]}")
    root.set("width", str(width_px))
    root.set("height", str(height_px))
    root.set("role", "img")
    root.set("aria-label", label)
    root.set("focusable", "false")
    root.set("class", f"maqa-chart maqa-chart--{name}")
    title = ET.Element(f"{{{SVG_NS}}}title")
    title.text = label
    root.insert(0, title)
    # ElementTree's prefixes are global and other code may change them: set ours again here.
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    svg = ET.tostring(root, encoding="unicode")
    if not svg.startswith("<svg "):
        raise RuntimeError("the chart's SVG came out with a namespace prefix")
    return svg


def _render(figure: Figure, *, name: str, label: str) -> str:
    out = StringIO()
    figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    width, height = figure.get_size_inches()
    return _finish(
        out.getvalue(),
        name=name,
        label=label,
        width_px=round(width * DPI),
        height_px=round(height * DPI),
    )


def _figure(
    height_in: float, *, labels: Sequence[str] = (), top_in: float = 0.45, bottom_in: float = 0.5
) -> tuple[Figure, Any]:
    """A figure with one axes, laid out by hand: matplotlib's layout engines measure every label
    and cost most of a chart's drawing time. The left margin fits the longest row label."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_IN, height_in))
    left_in = 0.25 + LABEL_CHAR_IN * max((len(label) for label in labels), default=4)
    figure.subplots_adjust(
        left=min(left_in, WIDTH_IN * 0.55) / WIDTH_IN,
        right=1 - 0.2 / WIDTH_IN,
        top=1 - top_in / height_in,
        bottom=bottom_in / height_in,
    )
    return figure, figure.add_subplot()


def _label(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _mark_bars(bars: Any, start: int) -> int:
    for i, bar in enumerate(bars, start=start):
        bar.set_gid(f"bar-{i}")
    return start + len(bars)


def _stacked_barh(
    *,
    name: str,
    label: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[float]]],
    xlabel: str,
) -> str:
    """Horizontal stacked bars, one per category (top to bottom), each series a (name, colour,
    values) part of the bar, with a legend naming the parts."""
    height = 1.1 + 0.3 * len(categories)
    names = [_label(c) for c in categories]
    with _LOCK, _matplotlib().rc_context(RC):
        figure, ax = _figure(height, labels=names)
        y = list(range(len(categories)))
        left = [0.0] * len(categories)
        count = 0
        for part, colour, values in series:
            bars = ax.barh(y, values, left=left, color=colour, label=part, height=0.7)
            count = _mark_bars(bars, count)
            left = [a + b for a, b in zip(left, values, strict=True)]
        ax.set_yticks(y, names)
        ax.set_ylim(len(categories) - 0.5, -0.5)
        ax.set_xlabel(xlabel)
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=len(series), frameon=False)
        return _render(figure, name=name, label=label)


def _percent(part: int, whole: int) -> float:
    return 100 * part / whole if whole else 0.0


PLURALS = {"agency": "agencies", "theme": "themes"}

# --- the charts -----------------------------------------------------------------------------


# Concern counts in four shades of red, lightest for one concern, darkest for four or more.
LEVELS = (("1 concern", "#f4c7c0"), ("2", "#e8897b"), ("3", "#dc5a46"), ("4 or more", "#a52a16"))


def _cells_path(cells: list[tuple[int, int]]) -> Path:
    """One compound path of unit squares (inset a little, so cells stay apart)."""
    from matplotlib.path import Path

    vertices: list[tuple[float, float]] = []
    codes: list[Any] = []
    for x, y in cells:
        vertices += [(x + 0.06, y + 0.06), (x + 0.94, y + 0.06), (x + 0.94, y + 0.94),
                     (x + 0.06, y + 0.94), (x + 0.06, y + 0.06)]  # fmt: skip
        codes += [Path.MOVETO, Path.LINETO, Path.LINETO, Path.LINETO, Path.CLOSEPOLY]
    return Path(vertices, codes)


@lru_cache(maxsize=32)
def _recurrence_svg(
    audits: tuple[str, ...], rows: tuple[tuple[str, tuple[tuple[int, int], ...]], ...]
) -> str:
    height = 1.3 + 0.26 * len(rows)
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch, PathPatch

    names = [_label(theme) for theme, _ in rows]
    with _LOCK, _matplotlib().rc_context(RC):
        figure, ax = _figure(height, labels=names, bottom_in=0.75)
        count = 0
        for level, (_, colour) in enumerate(LEVELS, start=1):
            cells = [
                (i, j)
                for j, (_, row) in enumerate(rows)
                for i, (concerns, _) in enumerate(row)
                if min(concerns, len(LEVELS)) == level
            ]
            if cells:
                patch = PathPatch(_cells_path(cells), facecolor=colour, edgecolor="none")
                ax.add_artist(patch)  # not add_patch: limits are set by hand, and it is slow
                count = _mark_bars([patch], count)
        xs = [i + 0.5 for _, cells in rows for i, cell in enumerate(cells) if cell[1]]
        ys = [j + 0.5 for j, (_, cells) in enumerate(rows) for cell in cells if cell[1]]
        ax.scatter(xs, ys, s=10, color=STRENGTH, marker="o", linewidths=0)
        ax.set_yticks([j + 0.5 for j in range(len(rows))], names)
        step = max(1, -(-len(audits) // 12))
        ax.set_xticks(
            [i + 0.5 for i in range(0, len(audits), step)],
            [audits[i] for i in range(0, len(audits), step)],
            rotation=90 if len(audits) > 8 else 0,
        )
        ax.set_xlim(0, len(audits))
        ax.set_ylim(len(rows), 0)
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        handles: list[Any] = [Patch(color=colour, label=name) for name, colour in LEVELS]
        handles.append(
            Line2D([], [], color=STRENGTH, marker="o", linestyle="", label="Strengths noted")
        )
        # The legend belongs to the figure, from its left edge: anchored to the axes (right of
        # the theme names) its five entries ran past the figure's right edge and were clipped.
        figure.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(0.01, 1.0),
            ncols=5,
            frameon=False,
            handletextpad=0.4,
            columnspacing=1.0,
        )
        label = f"Themes by audit, {len(rows)} themes across {len(audits)} audits"
        return _render(figure, name="recurrence", label=label)


def recurrence_chart(recurrence: Recurrence) -> str:
    """Heat-map of themes (rows) by audits in date order (columns): the darker the red, the more
    concerns (four shades, one ``<g id="recurrence-bar-N">`` per shade in use); a blue dot where
    strengths were noted."""
    if not recurrence.rows or not recurrence.audits:
        return ""
    return _recurrence_svg(
        tuple(a.label for a in recurrence.audits),
        tuple(
            (row.name, tuple((c.concerns, c.strengths) for c in row.cells))
            for row in recurrence.rows
        ),
    )


def _bars_path(bars: list[tuple[float, float, float, float]]) -> Path:
    """One compound path of rectangles (x, y, width, height): a thousand bars draw as fast as
    one."""
    from matplotlib.path import Path

    vertices: list[tuple[float, float]] = []
    codes: list[Any] = []
    for x, y, w, h in bars:
        vertices += [(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)]
        codes += [Path.MOVETO, Path.LINETO, Path.LINETO, Path.LINETO, Path.CLOSEPOLY]
    return Path(vertices, codes)


@lru_cache(maxsize=32)
def _grades_svg(
    years: tuple[int, ...],
    grades: tuple[tuple[str, str, str], ...],
    domains: tuple[tuple[str, tuple[tuple[int, ...], ...]], ...],
) -> str:
    gap = 1.0  # between domains, in bar widths
    step = len(years) + gap
    height = 3.4
    from matplotlib.patches import Patch, PathPatch

    names = [_label(title, 30) for title, _ in domains]
    with _LOCK, _matplotlib().rc_context(RC):
        figure, ax = _figure(height, bottom_in=1.6, top_in=0.55)
        ax.figure.subplots_adjust(left=0.8 / WIDTH_IN)
        count = 0
        for g, (_, _, colour) in enumerate(grades):
            bars = []
            for d, (_, per_year) in enumerate(domains):
                for y, year in enumerate(per_year):
                    total = sum(year)
                    if year[g]:
                        below = _percent(sum(year[:g]), total)
                        bars.append((d * step + y, below, 0.86, _percent(year[g], total)))
            if bars:
                patch = PathPatch(_bars_path(bars), facecolor=colour, edgecolor="none")
                ax.add_artist(patch)  # not add_patch: limits are set by hand, and it is slow
                count = _mark_bars([patch], count)
        centres = [d * step + (len(years) - 1) / 2 + 0.43 for d in range(len(domains))]
        ax.set_xticks(centres, names, rotation=40, ha="right", rotation_mode="anchor")
        ax.set_xlim(-0.5, len(domains) * step - gap + 0.4)
        ax.set_ylim(0, 100)
        ax.set_yticks([0, 25, 50, 75, 100])
        ax.set_ylabel("% of the year's grades")
        ax.tick_params(axis="x", length=0)
        ax.legend(
            handles=[Patch(color=colour, label=label) for _, label, colour in grades],
            loc="lower left",
            bbox_to_anchor=(0, 1.0),
            ncols=min(4, len(grades)),
            frameon=False,
        )
        ax.set_title(
            f"Each domain: one bar per year, {years[0]} to {years[-1]}, best grade at the bottom",
            loc="right",
            fontsize=8,
            fontweight="normal",
            pad=22,
        )
        label = f"Agreed grades by domain and year, {len(domains)} domains over {len(years)} years"
        return _render(figure, name="grades", label=label)


def grades_chart(grades: GradeDistribution) -> str:
    """Stacked bars grouped by domain, one per year (oldest first): each year's agreed grades of
    the domain stacked by grade, best at the bottom, in per cent of that year's grades. Each grade
    is one ``<g id="grades-bar-N">`` path holding a rectangle per domain and year with it."""
    if not grades.domains or not grades.years:
        return ""
    return _grades_svg(
        tuple(grades.years),
        tuple((g.value, g.label, COLOURS.get(g.colour, GREY)) for g in grades.grades),
        tuple(
            (
                d.title,
                tuple(tuple(year.get(g.value, 0) for g in grades.grades) for year in d.counts),
            )
            for d in domains_in(grades)
        ),
    )


def domains_in(grades: GradeDistribution) -> list[Any]:
    return [d for d in grades.domains if d.total]


@lru_cache(maxsize=32)
def _self_vs_panel_svg(rows: tuple[tuple[str, int, int, int], ...]) -> str:
    return _stacked_barh(
        name="self-vs-panel",
        label=f"Agency self-grades against the panel's agreed grades, {len(rows)} agencies",
        categories=[agency for agency, *_ in rows],
        series=[
            (
                "Self-grade better than agreed",
                CONCERN,
                [_percent(b, b + s + w) for _, b, s, w in rows],
            ),
            ("Same as agreed", GREY, [_percent(s, b + s + w) for _, b, s, w in rows]),
            (
                "Self-grade worse than agreed",
                STRENGTH,
                [_percent(w, b + s + w) for _, b, s, w in rows],
            ),
        ],
        xlabel="% of domain grades compared",
    )


def self_vs_panel_chart(rows: list[SelfVsPanelRow]) -> str:
    """Per agency, the share of self-grades better than, the same as and worse than the panel's
    agreed grade for that child and domain (better: over-optimistic). Three bars per agency."""
    if not rows:
        return ""
    return _self_vs_panel_svg(tuple((r.agency, r.better, r.same, r.worse) for r in rows))


@lru_cache(maxsize=32)
def _timeliness_svg(rows: tuple[tuple[str, int, int, int, int], ...]) -> str:
    return _stacked_barh(
        name="timeliness",
        label=f"Returns on time, late and not submitted, {len(rows)} agencies",
        categories=[agency for agency, *_ in rows],
        series=[
            ("On time", COLOURS["green"], [r[1] for r in rows]),
            ("Late", COLOURS["orange"], [r[2] for r in rows]),
            ("Not submitted", CONCERN, [r[3] for r in rows]),
            ("Not yet due", GREY, [r[4] for r in rows]),
        ],
        xlabel="Returns",
    )


def timeliness_chart(rows: list[TimelinessRow]) -> str:
    """Per agency, its returns on time, late, not submitted and not yet due. Four bars each."""
    if not rows:
        return ""
    return _timeliness_svg(
        tuple((r.agency, r.on_time, r.late, r.not_submitted, r.not_yet_due) for r in rows)
    )


@lru_cache(maxsize=32)
def _actions_svg(name: str, what: str, rows: tuple[tuple[str, int, int, int], ...]) -> str:
    return _stacked_barh(
        name=name,
        label=f"Actions open, overdue and completed by {what}, {len(rows)} {PLURALS[what]}",
        categories=[label for label, *_ in rows],
        series=[
            ("Open, on track", STRENGTH, [o - od for _, o, od, _ in rows]),
            ("Overdue", CONCERN, [od for _, _, od, _ in rows]),
            ("Completed", COLOURS["green"], [c for *_, c in rows]),
        ],
        xlabel="Actions",
    )


def actions_chart(rows: list[ActionCounts], *, by: Literal["agency", "theme"]) -> str:
    """Actions open (on track), overdue and completed, one bar stack per agency or theme
    (``by`` is "agency" or "theme"). Three bars per row."""
    if not rows:
        return ""
    return _actions_svg(
        f"actions-by-{by}", by, tuple((r.label, r.open, r.overdue, r.completed) for r in rows)
    )
