"""The trends page: themes that keep coming back, grades, returns and actions across audits.

Not recorded in the audit trail: the page shows counts across audits only (no child, no return,
no finding's text), which is not case data. See docs/trends.md.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from maqa.core.http import AuthedRequest
from maqa.trends import charts, summaries
from maqa.trends.access import require_trends_reader
from maqa.trends.forms import PeriodForm
from maqa.trends.selectors import trends_data


@login_required
def trends(request: AuthedRequest) -> HttpResponse:
    require_trends_reader(request.user)
    form = PeriodForm(request.GET or None)
    start: date | None = None
    end: date | None = None
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data.get("start"), form.cleaned_data.get("end")
    data = trends_data(request.user.partnership, start=start, end=end)
    actions = data.actions
    return render(request, "trends/trends.html", {
        "form": form,
        "data": data,
        "charts": {
            "recurrence": charts.recurrence_chart(data.recurrence),
            "grades": charts.grades_chart(data.grades),
            "self_vs_panel": charts.self_vs_panel_chart(data.self_vs_panel),
            "timeliness": charts.timeliness_chart(data.timeliness),
            "actions_by_agency": charts.actions_chart(actions.by_agency, by="agency"),
            "actions_by_theme": charts.actions_chart(actions.by_theme, by="theme"),
        },
        "summaries": {
            "recurrence": summaries.recurrence_summary(data.recurrence),
            "grades": summaries.grades_summary(data.grades),
            "self_vs_panel": summaries.self_vs_panel_summary(data.self_vs_panel),
            "timeliness": summaries.timeliness_summary(data.timeliness),
            "actions_by_agency": summaries.actions_summary_text(
                actions.total, actions.by_agency, by="agency"
            ),
            "actions_by_theme": summaries.actions_summary_text(
                actions.total, actions.by_theme, by="theme"
            ),
        },
        "grade_domains": charts.domains_in(data.grades),
    })  # fmt: skip
