"""Matching by meaning (maqa[ml]): a query sharing no word with a finding finds it, through the
same access rules and filters; the vectors are stored, kept fresh and filled by
``maqa search-index --embeddings``; the page and ``maqa search --json`` say which mode runs.

These need the ML extra (onnxruntime, tokenizers and the pinned MiniLM files) and are skipped,
with the reason, without it; CI runs them in its step with the extra. The last two tests run in
either environment (the mode turned off by the setting)."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from maqa.audits.models import Audit
from maqa.findings.models import Finding
from maqa.search import semantic
from maqa.search.models import DocumentEmbedding
from maqa.search.selectors import FULL_TEXT, search, search_mode
from maqa.suggestions import embeddings as emb
from maqa.testing.audits import make_audit
from maqa.testing.personas import sign_in

REASON = emb.unavailable_reason()
needs_ml = pytest.mark.skipif(REASON is not None, reason=f"the ML extra is absent: {REASON}")

FATHER = "The father was never seen by the health visitor or the school nurse"
OTHERS = [
    "School attendance fell below eighty per cent in the spring term",
    "The chronology missed two referrals from the emergency department",
    "Housing conditions were damp and overcrowded at every visit",
    "The mother was not asked about domestic abuse at the antenatal booking",
]


@pytest.fixture(autouse=True)
def keystore(settings, tmp_path):
    settings.IDENTIFIER_KEYSTORE_DIR = tmp_path / "keys"


@pytest.fixture
def world(personas):
    published = make_audit(personas, state="published", theme="Neglect in the early years")
    at_panel = make_audit(personas, state="panel", theme="Missed appointments")
    w: dict[str, Any] = {"published": published, "at_panel": at_panel}
    w["father"] = Finding.objects.create(
        audit=published, section="worry", text=FATHER, polarity="concern"
    )
    for text in OTHERS:
        Finding.objects.create(audit=published, section="worry", text=text, polarity="concern")
    w["panel_dad"] = Finding.objects.create(
        audit=at_panel, section="worry", text="Nobody asked the stepfather about his own needs",
        polarity="concern",
    )  # fmt: skip
    other = Audit.objects.create(
        partnership=personas.outsider.partnership, theme="Elsewhere", aim="Their own audit",
        tool_version=published.tool_version, returns_due=published.returns_due,
        panel_date=published.panel_date, lead=personas.outsider, state="published",
    )  # fmt: skip
    w["elsewhere"] = Finding.objects.create(
        audit=other, section="worry", text="Fathers elsewhere were never seen either",
        polarity="concern",
    )  # fmt: skip
    call_command("search_index", "--embeddings", "--no-rebuild", stdout=StringIO())
    return w


def snippets(results):
    return [r.snippet_text for r in results.results]


@needs_ml
def test_the_model_puts_dad_closest_to_the_point_about_fathers():
    """The premise of the next test, checked on the model itself."""
    model = semantic.embedder()
    vectors = model.embed(["dad", FATHER, *OTHERS])
    similarity = vectors[1:] @ vectors[0]
    assert similarity.argmax() == 0 and similarity[0] >= semantic.MIN_COSINE


@needs_ml
def test_a_query_with_no_shared_word_finds_the_point_by_meaning(settings, personas, world):
    assert search_mode() == semantic.MODE
    results = search(personas.admin, "dad")
    assert "dad" not in FATHER.lower()
    assert results.results and results.results[0].snippet_text == FATHER
    # Found by meaning alone: the excerpt is the text's start, with nothing marked.
    assert "<mark>" not in str(results.results[0].snippet)
    # Full text alone finds nothing.
    settings.MAQA_SEARCH_SEMANTIC = False
    assert search(personas.admin, "dad").total == 0


@needs_ml
def test_meaning_keeps_the_access_rules_and_filters(personas, world):
    admin = snippets(search(personas.admin, "dad"))
    assert FATHER in admin and world["panel_dad"].text in admin
    assert world["elsewhere"].text not in admin  # another partnership
    board = snippets(search(personas.board, "dad"))
    assert FATHER in board and world["panel_dad"].text not in board  # not yet published
    assert search(personas.police, "dad", kinds=["finding"]).total == 0  # auditors: no findings
    assert snippets(search(personas.outsider, "dad")) == [world["elsewhere"].text]
    assert FATHER not in snippets(search(personas.admin, "dad", polarity="strength"))
    year = world["published"].panel_date.year
    assert FATHER not in snippets(search(personas.admin, "dad", year=year - 3))


@needs_ml
def test_word_matches_come_first_and_meaning_orders_them(personas, world):
    results = search(personas.admin, "school")
    texts = snippets(results)
    # Both points with the word are found; the one about school attendance leads.
    assert texts[0].startswith("School attendance")
    assert any(t.startswith("The father was never seen") for t in texts)


@needs_ml
def test_vectors_are_stored_filled_refreshed_and_removed(personas, world):
    father = world["father"]
    stored = DocumentEmbedding.objects.get(kind="finding", object_id=father.pk)
    assert len(bytes(stored.vector)) == 4 * emb.DIMENSION
    assert stored.text_hash == semantic.text_hash(FATHER)
    # A changed text: its old vector no longer counts; the search embeds it again.
    father.text = "The dad was never seen by the health visitor"
    father.save()
    search(personas.admin, "health visitor")
    fresh = DocumentEmbedding.objects.get(kind="finding", object_id=father.pk)
    assert fresh.text_hash == semantic.text_hash(father.text)
    # A new finding with no vector yet is embedded when a search meets it.
    new = Finding.objects.create(
        audit=world["published"], section="worry", text="Grandparents cared for the baby",
        polarity="concern",
    )  # fmt: skip
    assert not DocumentEmbedding.objects.filter(kind="finding", object_id=new.pk).exists()
    search(personas.admin, "grandparents")
    assert DocumentEmbedding.objects.filter(kind="finding", object_id=new.pk).exists()
    # The command drops the vectors of deleted documents and embeds what is missing.
    new.delete()
    out = StringIO()
    call_command("search_index", "--embeddings", stdout=out)
    assert not DocumentEmbedding.objects.filter(kind="finding", object_id=new.pk).exists()
    assert "1 removed" in out.getvalue() and "Full-text index rebuilt" in out.getvalue()


@needs_ml
def test_the_page_and_the_command_say_meaning_is_on(client, personas, world):
    sign_in(client, personas.admin)
    page = client.get("/search/", {"q": "dad"}).content.decode()
    assert f"Matching: {semantic.MODE}." in page and "The father was never seen" in page
    out = StringIO()
    call_command("search", "dad", "--as", personas.admin.email, "--json", stdout=out)
    printed = json.loads(out.getvalue())
    assert printed["mode"] == "full text + meaning (all-MiniLM-L6-v2)"
    assert printed["results"][0]["snippet"] == FATHER


def test_turned_off_it_is_full_text_and_the_command_says_why(settings, personas):
    settings.MAQA_SEARCH_SEMANTIC = False
    assert search_mode() == FULL_TEXT
    with pytest.raises(CommandError, match="--embeddings: matching by meaning cannot run"):
        call_command("search_index", "--embeddings", stdout=StringIO())


@pytest.mark.skipif(REASON is None, reason="the ML extra is installed here")
def test_without_the_extra_the_command_names_what_to_install(personas):
    assert search_mode() == FULL_TEXT
    with pytest.raises(CommandError, match=r"maqa\[ml\]"):
        call_command("search_index", "--embeddings", stdout=StringIO())
