"""The search page (GET only: the words and filters are in the address, so a search can be
bookmarked and shared; the results still depend on who opens it)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from maqa.core.http import AuthedRequest, acting
from maqa.search.forms import SearchForm
from maqa.search.selectors import search_mode
from maqa.search.services import search_run

PER_PAGE = 20


@login_required
@require_safe
def search_page(request: AuthedRequest) -> HttpResponse:
    form = SearchForm(request.GET or None, user=request.user)
    results = None
    page_links: dict[str, str] = {}
    if request.GET and form.is_valid() and (form.cleaned_data.get("q") or "").strip():
        page = form.page_number
        results = search_run(
            **acting(request), limit=PER_PAGE,
            offset=(page - 1) * PER_PAGE, **form.search_kwargs(),
        )  # fmt: skip
        query = request.GET.copy()
        if page > 1:
            query["page"] = str(page - 1)
            page_links["previous"] = "?" + urlencode(query, doseq=True)
        if results.has_next:
            query["page"] = str(page + 1)
            page_links["next"] = "?" + urlencode(query, doseq=True)
    return render(request, "search/search.html", {
        "form": form, "results": results, "mode": search_mode(), "page_links": page_links,
    })  # fmt: skip
