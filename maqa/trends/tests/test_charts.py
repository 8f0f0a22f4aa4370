"""The charts: valid SVG to inline (no prolog, script or style), accessible names, one bar per
figure, deterministic output, and nothing when there is nothing to draw."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date

from maqa.trends import charts
from maqa.trends.selectors import (
    ActionCounts,
    AuditColumn,
    DomainGrades,
    GradeDistribution,
    GradeOption,
    Recurrence,
    RecurrenceCell,
    RecurrenceRow,
    SelfVsPanelRow,
    TimelinessRow,
)

SVG = "{http://www.w3.org/2000/svg}"


def parsed(svg: str) -> ET.Element:
    assert svg.startswith("<svg ")
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert not [el for el in root.iter() if el.tag in (f"{SVG}script", f"{SVG}style")]
    assert not [el for el in root.iter() if "style" in el.attrib or el.tag == f"{SVG}metadata"]
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title") is not None
    assert root.get("aria-label") == root.find(f"{SVG}title").text  # type: ignore[union-attr]
    return root


def bars(svg: str, name: str) -> int:
    return len(re.findall(rf'id="{name}-bar-\d+"', svg))


def rectangles(svg: str, group: str) -> int:
    """The closed shapes of the path in the group with this id."""
    found = re.search(rf'<g id="{group}">\s*<path[^>]* d="([^"]+)"', svg)
    assert found, group
    return found.group(1).count("z")


def texts(root: ET.Element) -> list[str]:
    return [el.text or "" for el in root.iter(f"{SVG}text")]


def recurrence() -> Recurrence:
    audits = [AuditColumn(i, f"Audit {i}", date(2020 + i, 3, 1), False, 1) for i in range(3)]
    C = RecurrenceCell
    rows = [
        RecurrenceRow("a", "Fathers", [C(1, 0), C(2, 1), C(5, 0)]),
        RecurrenceRow("b", "Voice <of> the child", [C(0, 1), C(1, 0), C(0, 0)]),
    ]
    return Recurrence(audits, rows, [])


def test_the_recurrence_chart_names_each_theme_and_audit_and_shades_by_count():
    svg = charts.recurrence_chart(recurrence())
    root = parsed(svg)
    words = texts(root)
    for label in ("Fathers", "Voice <of> the child", "Mar 2020", "Mar 2021", "Mar 2022"):
        assert label in words
    assert "&lt;of&gt;" in svg  # a theme's name is text, never markup
    # Concern counts 1, 2 and 5 (4 or more): three shades drawn, one group each.
    assert bars(svg, "recurrence") == 3
    assert root.get("aria-label") == "Themes by audit, 2 themes across 3 audits"


def test_the_grades_chart_has_a_bar_per_grade_domain_and_year():
    grades = GradeDistribution(
        [GradeOption("good", "Good", "green", 0), GradeOption("poor", "Poor", "red", 1)],
        [2023, 2024, 2025],
        [
            DomainGrades("voice", "Voice", [{"good": 1}, {"poor": 2}, {"good": 1, "poor": 1}]),
            DomainGrades("fathers", "Fathers", [{}, {"good": 3}, {}]),
            DomainGrades("empty", "Never graded", [{}, {}, {}]),
        ],
    )
    svg = charts.grades_chart(grades)
    words = texts(parsed(svg))
    # One path per grade, holding a rectangle per domain and year with that grade.
    assert bars(svg, "grades") == 2
    assert rectangles(svg, "grades-bar-0") == 3  # good: voice 2023 and 2025, fathers 2024
    assert rectangles(svg, "grades-bar-1") == 2  # poor: voice 2024 and 2025
    assert {"Voice", "Fathers", "Good", "Poor"} <= set(words)
    assert "Each domain: one bar per year, 2023 to 2025, best grade at the bottom" in words
    assert "Never graded" not in words


def test_the_bar_charts_have_one_bar_per_part_and_row():
    svg = charts.self_vs_panel_chart([SelfVsPanelRow("Police", 4, 2, 1, 1)])
    assert bars(svg, "self-vs-panel") == 3 and "Police" in texts(parsed(svg))
    svg = charts.timeliness_chart([TimelinessRow("Police", 3, 1, 0, 0), TimelinessRow("CSC", 1)])
    assert bars(svg, "timeliness") == 4 * 2 and {"Police", "CSC"} <= set(texts(parsed(svg)))
    rows = [ActionCounts("Health", 2, 1, 3), ActionCounts("Police", 1, 0, 0)]
    svg = charts.actions_chart(rows, by="agency")
    assert bars(svg, "actions-by-agency") == 3 * 2
    assert parsed(svg).get("aria-label") == (
        "Actions open, overdue and completed by agency, 2 agencies"
    )


def test_ids_are_prefixed_and_references_point_inside_the_same_chart():
    svg = charts.timeliness_chart([TimelinessRow("Police", 3, 1, 0, 0)])
    ids = re.findall(r' id="([^"]+)"', svg)
    assert ids and all(i.startswith("timeliness-") for i in ids)
    for ref in re.findall(r"url\(#([^)]+)\)", svg) + re.findall(r'href="#([^"]+)"', svg):
        assert ref in ids


def test_the_same_figures_give_the_same_svg():
    charts._recurrence_svg.cache_clear()
    first = charts.recurrence_chart(recurrence())
    charts._recurrence_svg.cache_clear()
    assert charts.recurrence_chart(recurrence()) == first


def test_nothing_to_draw_gives_no_chart():
    assert charts.recurrence_chart(Recurrence([], [], [])) == ""
    assert charts.grades_chart(GradeDistribution([], [], [])) == ""
    assert charts.self_vs_panel_chart([]) == ""
    assert charts.timeliness_chart([]) == ""
    assert charts.actions_chart([], by="theme") == ""
