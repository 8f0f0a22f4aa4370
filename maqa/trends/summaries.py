"""One or two sentences per chart, saying what it shows: the text alternative the page (and the
board report) puts beside each chart, with the data table."""

from __future__ import annotations

from maqa.trends.selectors import (
    ActionCounts,
    GradeDistribution,
    Recurrence,
    SelfVsPanelRow,
    TimelinessRow,
    month_label,
)


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def _names(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def recurrence_summary(recurrence: Recurrence) -> str:
    audits = recurrence.audits
    if not audits:
        return "No published audits in this period."
    span = f"{month_label(audits[0].panel_date)} to {month_label(audits[-1].panel_date)}"
    text = (
        f"{_plural(len(recurrence.rows), 'theme')} across {_plural(len(audits), 'audit')} ({span})."
    )
    top = [row for row in recurrence.rows if row.concern_audits][:3]
    if top:
        text += " Most often a concern: " + _names(
            [f"{row.name} (in {_plural(row.concern_audits, 'audit')})" for row in top]
        )
        text += "."
    return text


def grades_summary(grades: GradeDistribution) -> str:
    if not grades.total:
        return "No agreed grades in this period."
    top = {g.value for g in grades.grades if g.rank <= 1}
    top_names = _names([g.label for g in grades.grades if g.rank <= 1])

    def share(counts: list[dict[str, int]]) -> tuple[int, int]:
        good = sum(n for c in counts for value, n in c.items() if value in top)
        return good, sum(sum(c.values()) for c in counts)

    first, last = grades.years[0], grades.years[-1]
    text = (
        f"{_plural(grades.total, 'agreed grade')} across {_plural(len(grades.domains), 'domain')}"
        f" from {first} to {last}."
    )
    good, total = share([d.counts[-1] for d in grades.domains])
    if total:
        text += f" In {last}, {round(100 * good / total)}% were {top_names}."
    weakest = min(
        (d for d in grades.domains if d.total),
        key=lambda d: share(d.counts)[0] / share(d.counts)[1],
    )
    good, total = share(weakest.counts)
    text += (
        f" The domain least often graded {top_names} was {weakest.title}"
        f" ({round(100 * good / total)}% of {total})."
    )
    return text


def self_vs_panel_summary(rows: list[SelfVsPanelRow]) -> str:
    if not rows:
        return "No self-grades to compare with agreed grades in this period."
    compared = sum(r.compared for r in rows)
    better = sum(r.better for r in rows)
    worst = rows[0]
    return (
        f"Across {_plural(compared, 'self-grade')}, {round(100 * better / compared)}% were better "
        f"than the panel's agreed grade. Most over-optimistic: {worst.agency}, "
        f"{worst.optimistic_percent}% of its self-grades ({worst.better} of {worst.compared})."
    )


def timeliness_summary(rows: list[TimelinessRow]) -> str:
    if not rows:
        return "No returns in this period."
    due = sum(r.on_time + r.late + r.not_submitted for r in rows)
    on_time = sum(r.on_time for r in rows)
    text = f"{_plural(due, 'return')} due"
    if due:
        text += f", {round(100 * on_time / due)}% on time."
    else:
        text += "."
    missed = max(rows, key=lambda r: (r.late + r.not_submitted, r.agency))
    if missed.late + missed.not_submitted:
        text += (
            f" Most late or missing: {missed.agency} ({missed.late} late, "
            f"{missed.not_submitted} not submitted)."
        )
    return text


def actions_summary_text(total: ActionCounts, rows: list[ActionCounts], *, by: str) -> str:
    if not total.total:
        return "No actions in this period."
    text = (
        f"{_plural(total.open, 'action')} open, {total.overdue} of them overdue; "
        f"{total.completed} completed."
    )
    overdue = max(rows, key=lambda r: (r.overdue, r.total))
    if overdue.overdue:
        text += f" Most overdue by {by}: {overdue.label} ({overdue.overdue})."
    return text
