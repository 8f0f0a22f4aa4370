"""Template helpers of the trends page."""

from __future__ import annotations

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from maqa.trends.selectors import GradeDistribution, RecurrenceRow

register = template.Library()


@register.filter
def recurrence_cells(row: RecurrenceRow) -> SafeString:
    """A theme's cells of the recurrence table ("concerns / strengths", empty when neither), in
    one go: a template loop over 80 audits by 25 themes is a good part of the page's time."""
    return format_html_join(
        "",
        '<td class="govuk-table__cell">{}</td>',
        (("" if cell.empty else f"{cell.concerns} / {cell.strengths}",) for cell in row.cells),
    )


@register.filter
def grade_rows(grades: GradeDistribution) -> SafeString:
    """The body rows of the grades table (domain, year, each grade's number, total), in one go
    for the same reason."""
    numeric = '<td class="govuk-table__cell govuk-table__cell--numeric">{}</td>'
    return format_html_join(
        "\n",
        '<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">{}</th>'
        '<td class="govuk-table__cell">{}</td>{}' + numeric + "</tr>",
        (
            (title, year, format_html_join("", numeric, ((n,) for n in numbers)), total)
            for title, year, numbers, total in grades.table_rows()
        ),
    )
