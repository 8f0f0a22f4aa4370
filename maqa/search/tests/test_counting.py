"""The fast paths of the search: counting stops past 1,000 ("more than 1,000"), the best
candidates of the whole index are ranked first and the full ranking takes over when they do not
fill the page, and a finding's polarity on its index row follows the finding."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from maqa.audits.models import Audit
from maqa.findings.models import Finding
from maqa.search import fts_sqlite
from maqa.search.selectors import search
from maqa.search.types import COUNT_CAP
from maqa.testing.audits import make_audit
from maqa.testing.personas import sign_in


@pytest.fixture(autouse=True)
def keystore(settings, tmp_path):
    settings.IDENTIFIER_KEYSTORE_DIR = tmp_path / "keys"
    # Full text only, with the ML extra installed too (test_semantic.py tests the meaning).
    settings.MAQA_SEARCH_SEMANTIC = False


def bulk(audit, text, n, polarity="concern"):
    Finding.objects.bulk_create(
        [Finding(audit=audit, section="worry", text=f"{text} {i}", polarity=polarity)
         for i in range(n)]
    )  # fmt: skip


def test_past_a_thousand_matches_it_says_more_than_a_thousand(client, personas):
    audit = make_audit(personas, state="published", theme="Chronologies")
    bulk(audit, "The chronology was missing in case", COUNT_CAP + 5)
    results = search(personas.admin, "chronology")
    assert results.total == COUNT_CAP + 1 and results.more_than_cap
    assert results.total_label == "more than 1,000 results"
    assert len(results.results) == 20 and results.has_next
    assert search(personas.admin, "chronology", offset=40).results  # later pages still come
    exact = search(personas.admin, "chronology case 7")
    assert exact.total == 1 and exact.total_label == "1 result"
    sign_in(client, personas.admin)
    page = client.get("/search/", {"q": "chronology"}).content.decode()
    assert "More than 1,000 results" in page and "Add words or filters" in page
    out = StringIO()
    call_command("search", "chronology", "--as", personas.admin.email, stdout=out)
    assert out.getvalue().startswith("More than 1,000 results (full text")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the candidate pass is FTS5's")
def test_hidden_better_matches_do_not_crowd_out_the_persons_own(personas, monkeypatch):
    """Another partnership's short texts rank above ours; with few candidates the first pass
    finds none of ours and the full ranking gives them, in order."""
    monkeypatch.setattr(fts_sqlite, "CANDIDATES", 40)
    ours = make_audit(personas, state="published", theme="Ours")
    other = Audit.objects.create(
        partnership=personas.outsider.partnership, theme="Elsewhere", aim="Their own audit",
        tool_version=ours.tool_version, returns_due=ours.returns_due,
        panel_date=ours.panel_date, lead=personas.outsider, state="published",
    )  # fmt: skip
    bulk(other, "Supervision", 60)
    bulk(ours, "Supervision of the social worker was rarely recorded on the file, said", 25)
    results = search(personas.admin, "supervision", limit=20)
    assert results.total == 25 and len(results.results) == 20
    assert all("social worker" in r.snippet_text for r in results.results)
    second = search(personas.admin, "supervision", limit=20, offset=20)
    assert len(second.results) == 5
    assert {r.snippet_text for r in results.results}.isdisjoint(
        r.snippet_text for r in second.results
    )
    # With room for them all, the first pass gives the same page as the full ranking.
    monkeypatch.setattr(fts_sqlite, "CANDIDATES", 400)
    again = search(personas.admin, "supervision", limit=20)
    assert [r.snippet_text for r in again.results] == [r.snippet_text for r in results.results]


def test_the_polarity_filter_follows_a_changed_polarity(personas):
    audit = make_audit(personas, state="published", theme="Polarity")
    finding = Finding.objects.create(
        audit=audit, section="worry", text="Escalation was slow", polarity="concern"
    )
    assert search(personas.admin, "escalation", polarity="concern").total == 1
    finding.polarity = "strength"
    finding.save()
    assert search(personas.admin, "escalation", polarity="concern").total == 0
    assert search(personas.admin, "escalation", polarity="strength").total == 1
    Finding.objects.filter(pk=finding.pk).update(polarity="action")
    assert search(personas.admin, "escalation", polarity="action").total == 1
