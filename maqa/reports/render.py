"""The board report as HTML (a template fed by BoardReportData) and as an A4 PDF (WeasyPrint).

As for briefings (maqa.briefings.render_pdf), WeasyPrint fetches only what we allow: the
partnership's logo file and ``data:`` addresses (BriefingURLFetcher); the styles (the briefing's
own and the report's) are inlined, and the charts are inline SVG from maqa.trends.charts. Every
value a person typed is autoescaped by the template.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from maqa.briefings.render_html import STATIC_DIR as BRIEFING_STATIC_DIR
from maqa.briefings.render_html import image_mime_type, render_html
from maqa.reports.selectors import BoardReportData, BriefingEntry
from maqa.trends import charts

STATIC_DIR = Path(__file__).resolve().parent / "static" / "reports"
STYLESHEETS = [BRIEFING_STATIC_DIR / "briefing.css", STATIC_DIR / "board-report.css"]


@cache
def _css() -> SafeString:
    # Our own files, inlined into <style>: trusted, and they hold no "</".
    css = "\n".join(path.read_text(encoding="utf-8") for path in STYLESHEETS)
    assert "</" not in css
    return mark_safe(css)  # noqa: S308


def logo_path(data: BoardReportData) -> Path | None:
    """The partnership's uploaded logo, if it is on disk and a PNG or JPEG."""
    logo = data.partnership.logo
    if not logo:
        return None
    path = Path(logo.path)
    if not path.is_file() or image_mime_type(path.read_bytes()[:8]) is None:
        return None
    return path


@dataclass(frozen=True)
class Briefing:
    entry: BriefingEntry
    html: SafeString


def _briefing_html(entry: BriefingEntry, number: int) -> SafeString:
    """The briefing's fragment one level down (title h3), without its masthead (the report's
    own names the partnership once), its ids made unique to this briefing in the report."""
    assert entry.record is not None
    record = entry.record.copy()
    record.pop("partnership", None)
    html = render_html(record, standalone=False, top_heading=3)
    # Every value in it is escaped (a quote is &quot;), so only the template's own attributes match.
    html = re.sub(r'\b(id|aria-labelledby)="briefing-', rf'\1="b{number}-briefing-', html)
    return mark_safe(html)  # noqa: S308


def _svg(markup: str) -> SafeString:
    # maqa.trends.charts builds the SVG itself from figures (no text a person typed is left
    # unescaped: ElementTree escapes labels); it has no prolog, script or style.
    return mark_safe(markup)  # noqa: S308


def board_report_context(data: BoardReportData, *, logo_src: str | None) -> dict[str, Any]:
    trends = data.trends
    return {
        "data": data,
        "trends": trends,
        "logo_src": logo_src,
        "css": _css(),
        "charts": {
            "recurrence": _svg(charts.recurrence_chart(trends.recurrence)),
            "grades": _svg(charts.grades_chart(trends.grades)),
            "self_vs_panel": _svg(charts.self_vs_panel_chart(trends.self_vs_panel)),
            "timeliness": _svg(charts.timeliness_chart(trends.timeliness)),
            "actions": _svg(charts.actions_chart(trends.actions.by_agency, by="agency")),
        },
        "grade_rows": [
            (
                domain.title,
                [sum(year.get(g.value, 0) for year in domain.counts) for g in trends.grades.grades],
                domain.total,
            )
            for domain in charts.domains_in(trends.grades)
        ],
        "briefings_total": len(data.briefings) + len(data.earlier),
        "briefings": [
            Briefing(entry, _briefing_html(entry, n)) for n, entry in enumerate(data.briefings, 1)
        ],
    }


def board_report_html(data: BoardReportData, *, logo_src: str | None = None) -> str:
    """The board report as a standalone HTML document."""
    return render_to_string(
        "reports/board_report.html", board_report_context(data, logo_src=logo_src)
    )


def board_report_pdf(data: BoardReportData) -> bytes:
    """The board report as an A4 PDF with its title and language in the metadata."""
    # WeasyPrint (through render_pdf) loads here, not with the URLconf: it costs a second.
    from weasyprint import HTML
    from weasyprint.urls import path2url

    from maqa.briefings.render_pdf import BriefingURLFetcher

    logo = logo_path(data)
    html = board_report_html(data, logo_src=path2url(str(logo.resolve())) if logo else None)
    document = HTML(
        string=html,
        base_url=path2url(str(STATIC_DIR)) + "/",
        url_fetcher=BriefingURLFetcher(static_dir=STATIC_DIR, logo_path=logo),
        media_type="print",
    )
    pdf = document.write_pdf(pdf_variant="pdf/ua-1")
    assert isinstance(pdf, bytes)
    return pdf
