"""The learning search: ranking, stemming, phrases, filters, who sees what, odd input, the index
kept by triggers, the page and ``maqa search``. Runs on SQLite (FTS5) and PostgreSQL alike."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from maqa.audits.models import Audit
from maqa.core.models import AuditEvent
from maqa.findings.models import Finding, LearningTheme, Theme
from maqa.organisations.models import Resource
from maqa.search import schema
from maqa.search.selectors import search
from maqa.testing.audits import make_audit
from maqa.testing.personas import sign_in

NASTY = [
    '"', '""', '"""', "*", "NEAR(", "NEAR(a b", "-", "--", ":", "title:", "a OR", "AND", "NOT x",
    "^father", "father*", "(", ")", "'; DROP TABLE findings_finding; --", "{body}:x", "\\",
    "\x00", "é", "🙂", "a" * 400, '"unclosed phrase', "&|!<->", "fathers & | ! :*",
]  # fmt: skip


@pytest.fixture(autouse=True)
def keystore(settings, tmp_path):
    settings.IDENTIFIER_KEYSTORE_DIR = tmp_path / "keys"
    # Full text only, with the ML extra installed too (test_semantic.py tests the meaning).
    settings.MAQA_SEARCH_SEMANTIC = False


def point(audit, text, polarity="concern", themes=()):
    section = {"concern": "worry", "strength": "good_practice", "action": "action"}[polarity]
    finding = Finding.objects.create(audit=audit, section=section, text=text, polarity=polarity)
    finding.themes.set(themes)
    return finding


def theme(personas, slug):
    return Theme.objects.get(partnership=personas.partnership, slug=slug)


@pytest.fixture
def world(personas):
    published = make_audit(personas, state="published", theme="Neglect in the early years")
    at_panel = make_audit(personas, state="panel", theme="Domestic abuse")
    sub = Theme.objects.filter(partnership=personas.partnership, parent__isnull=False).first()
    assert sub is not None and sub.parent is not None
    w = {
        "published": published,
        "at_panel": at_panel,
        "sub": sub,
        "strategy": point(
            published, "A strategy discussion was held promptly with every agency", "strength"
        ),
        "scattered": point(
            published, "Discussion of the plan was late; the strategy was not shared", "concern"
        ),
        "father": point(
            published, "The father was never seen by the health visitor", "concern", themes=[sub]
        ),
        "panel_only": point(at_panel, "Fathers were absent from every plan", "concern"),
    }
    other = Audit.objects.create(
        partnership=personas.outsider.partnership, theme="Elsewhere", aim="Their own audit",
        tool_version=published.tool_version, returns_due=published.returns_due,
        panel_date=published.panel_date, lead=personas.outsider, state="published",
    )  # fmt: skip
    w["elsewhere"] = point(other, "Fathers elsewhere were never seen either", "concern")
    return w


def texts(results):
    return [r.snippet_text for r in results.results]


def found(results, finding):
    return any(
        r.kind == "finding" and r.url.endswith((f"#point-{finding.pk}", "/briefing/"))
        and finding.text[:20] in r.snippet_text
        for r in results.results
    )  # fmt: skip


def test_it_puts_the_obvious_match_first(personas, world):
    results = search(personas.admin, "strategy discussion")
    assert results.results[0].snippet_text.startswith("A strategy discussion")
    assert results.total == 2  # the scattered one matches too, below it


def test_it_stems_english_words(personas, world):
    results = search(personas.admin, "fathers")
    assert found(results, world["father"]) and found(results, world["panel_only"])
    snippets = [str(r.snippet) for r in results.results]
    assert "The <mark>father</mark> was never seen by the health visitor" in snippets


def test_a_quoted_phrase_needs_the_words_together(personas, world):
    results = search(personas.admin, '"strategy discussion"')
    assert results.total == 1
    assert found(results, world["strategy"]) and not found(results, world["scattered"])


def test_filters_by_polarity_theme_year_and_agency(personas, world):
    admin = personas.admin
    assert search(admin, "strategy", polarity="strength").total == 1
    assert search(admin, "strategy", polarity="concern").total == 1
    # The sub-theme counts for its parent.
    by_theme = search(admin, "seen", themes=[world["sub"].parent.slug])
    assert [r.snippet_text for r in by_theme.results] == [world["father"].text]
    assert search(admin, "seen", themes=["no-such-theme"]).total == 0
    year = world["published"].panel_date.year
    assert search(admin, "strategy", year=year).total == 2
    assert search(admin, "strategy", year=year - 5).total == 0
    assert search(admin, "strategy", agency=personas.police_org.pk).total == 2
    other_org = personas.outsider.memberships.first().organisation
    assert search(admin, "strategy", agency=other_org.pk).total == 0


def test_each_persona_finds_only_what_they_may_open(personas, world):
    published, at_panel = world["published"], world["at_panel"]
    admin = search(personas.admin, "fathers")
    assert found(admin, world["father"]) and found(admin, world["panel_only"])
    assert not found(admin, world["elsewhere"])
    assert all(r.url.startswith(("/audits/", "https://")) for r in admin.results)
    # The panel member named for both audits opens their findings pages.
    panel = search(personas.panel, "fathers")
    assert found(panel, world["panel_only"])
    assert f"/audits/{at_panel.pk}/findings/#point-{world['panel_only'].pk}" in [
        r.url for r in panel.results
    ]
    # The board (a viewer) reads published audits only, through their briefing.
    board = search(personas.board, "fathers")
    assert found(board, world["father"]) and not found(board, world["panel_only"])
    assert {r.url for r in board.results if r.kind == "finding"} == {
        f"/audits/{published.pk}/briefing/"
    }
    # Agency auditors never see findings; the outsider only their own partnership's.
    assert search(personas.police, "fathers").total == 0
    outsider = search(personas.outsider, "fathers")
    assert [r.snippet_text for r in outsider.results] == [world["elsewhere"].text]


def test_briefings_of_published_audits_are_found_by_theme_and_learning(personas, world):
    published = world["published"]
    LearningTheme.objects.create(audit=published, title="Professional curiosity about carers")
    results = search(personas.board, "curiosity", kinds=["briefing"])
    assert [(r.kind, r.url) for r in results.results] == [
        ("briefing", f"/audits/{published.pk}/briefing/")
    ]
    assert search(personas.board, "neglect early years", kinds=["briefing"]).total == 1
    # An audit still at panel has no briefing to find, even for the admin.
    assert search(personas.admin, "domestic abuse", kinds=["briefing"]).total == 0


@pytest.mark.parametrize("raw", NASTY)
def test_odd_input_never_fails(personas, world, raw):
    results = search(personas.admin, raw)
    assert results.total >= 0


def test_odd_input_on_the_page_is_a_normal_page(client, personas, world):
    sign_in(client, personas.admin)
    for raw in NASTY:
        response = client.get("/search/", {"q": raw.replace("\x00", "")})
        assert response.status_code == 200, raw


def test_the_index_follows_creates_updates_and_deletes(personas, world):
    audit = world["published"]
    finding = point(audit, "Escalation to the designated safeguarding lead was slow")
    assert search(personas.admin, "escalation").total == 1
    finding.text = "Supervision was rarely recorded"
    finding.save()
    assert search(personas.admin, "escalation").total == 0
    assert search(personas.admin, "supervision").total == 1
    finding.delete()
    assert search(personas.admin, "supervision").total == 0
    Finding.objects.bulk_create(
        [Finding(audit=audit, section="worry", text=f"Bulk point {i} about chronologies",
                 polarity="concern") for i in range(30)]
    )  # fmt: skip
    assert search(personas.admin, "chronologies", limit=10).total == 30
    resource = Resource.objects.create(
        partnership=personas.partnership, title="Working with fathers toolkit",
        url="https://example.org/fathers", description="Practice guidance",
    )  # fmt: skip
    assert "Working with fathers toolkit" in [
        r.title for r in search(personas.police, "toolkit").results
    ]
    resource.delete()
    assert search(personas.police, "toolkit fathers").total == 0


def test_the_triggers_are_installed_and_a_rebuild_gives_the_same_index(personas, world):
    assert schema.missing_triggers(connection) == []
    before = search(personas.admin, "fathers").total
    schema.rebuild(connection)
    assert search(personas.admin, "fathers").total == before > 0


def test_a_missing_trigger_is_put_back_and_the_index_rebuilt(personas, world):
    name = "search_finding_ai" if connection.vendor == "sqlite" else "search_finding_sync"
    with connection.cursor() as cursor:
        cursor.execute(
            f"DROP TRIGGER {name}"
            + ("" if connection.vendor == "sqlite" else " ON findings_finding")
        )
    point(world["published"], "Written while the trigger was gone: neurodiversity")
    assert search(personas.admin, "neurodiversity").total == 0
    assert schema.install(connection) is True
    assert search(personas.admin, "neurodiversity").total == 1


def test_the_page_shows_results_escaped_with_marks(client, personas, world):
    point(world["published"], "<script>alert(1)</script> carers were not asked")
    point(world["published"], "Carers said 3 < 4 & nothing else")
    sign_in(client, personas.admin)
    page = client.get("/search/", {"q": "carers"}).content.decode()
    assert "<script>alert" not in page  # PostgreSQL's excerpt leaves tags out; SQLite escapes
    assert "3 &lt; 4 &amp; nothing" in page
    assert "<mark>carers</mark>" in page
    assert "Matching: full text (stemmed words and phrases)" in page


def test_the_page_filters_and_pages(client, personas, world):
    for i in range(25):
        point(world["published"], f"Chronology number {i} was missing", "concern")
    sign_in(client, personas.admin)
    first = client.get("/search/", {"q": "chronology"}).content.decode()
    assert "25 results" in first and 'rel="next"' in first
    second = client.get("/search/", {"q": "chronology", "page": 2}).content.decode()
    assert "from 21" in second and 'rel="prev"' in second
    strengths = client.get("/search/", {"q": "chronology", "polarity": "strength"})
    assert "No results" in strengths.content.decode()
    bad = client.get("/search/", {"q": "x", "year": "last year"})
    assert bad.status_code == 200 and "Enter a whole number" in bad.content.decode()


def test_a_search_is_recorded_without_its_words(client, personas, world):
    sign_in(client, personas.board)
    client.get("/search/", {"q": "Fathers seen", "polarity": "concern"})
    event = AuditEvent.objects.filter(object_type="search").latest("seq")
    assert event.actor == personas.board and event.action == "viewed"
    summary = event.summary
    assert summary["query_length"] == len("Fathers seen") and summary["words"] == 2
    assert summary["polarity"] == "concern" and summary["results"] == 1
    assert "Fathers" not in json.dumps(summary) and "seen" not in json.dumps(summary).lower()
    assert len(summary["query_hmac"]) == 16


def test_the_command_prints_json_for_the_person_named(personas, world):
    out = StringIO()
    call_command("search", "fathers", "--as", personas.board.email, "--json", stdout=out)
    printed = json.loads(out.getvalue())
    assert printed["mode"] == "full text (stemmed words and phrases)" and printed["total"] == 1
    rows = printed["results"]
    assert [r["snippet"] for r in rows] == [world["father"].text]
    row = rows[0]
    assert row["kind"] == "finding" and row["url"] == f"/audits/{world['published'].pk}/briefing/"
    assert row["audit"] == "Neglect in the early years" and row["date"]
    assert row["themes"] == [world["sub"].parent.name] and row["score"] > 0
    assert AuditEvent.objects.filter(object_type="search", actor=personas.board).exists()


def test_the_command_names_a_wrong_option(personas, world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no active person"):
        call_command("search", "x", "--as", "nobody@example.org")
    with pytest.raises(CommandError, match="not a top-level theme"):
        call_command("search", "x", "--as", personas.admin.email, "--theme", "nope")
    with pytest.raises(CommandError, match="no organisation"):
        call_command("search", "x", "--as", personas.admin.email, "--agency", "Nope")
