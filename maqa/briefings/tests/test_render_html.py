from __future__ import annotations

import lxml.html  # type: ignore[import-untyped]
import pytest

from maqa.briefings.record import InvalidRecord
from maqa.briefings.render_html import render_html
from maqa.briefings.tests.conftest import png_bytes
from maqa.briefings.tests.helpers import NASTY, nasty_record


def headings(tree, level):
    return [h.text_content().strip() for h in tree.iter(f"h{level}")]


def test_it_is_a_standalone_accessible_page(record):
    html = render_html(record)
    assert html.startswith("<!DOCTYPE html>")
    tree = lxml.html.document_fromstring(html)
    assert tree.get("lang") == "en-GB"
    assert tree.findtext(".//title").strip() == (
        "Multi Agency Quality Assurance Audit: Neglect and Home Conditions March 2026"
    )
    assert [" ".join(h.split()) for h in headings(tree, 1)] == [
        "Multi Agency Quality Assurance Audit: Neglect and Home Conditions"
    ]
    assert headings(tree, 2) == [
        "What we are worried about?",
        "What Good Practice did we see?",
        "Themes for Learning: Hearing the child",
        "Themes for Learning: Working with fathers",
        "Themes for Learning: Planning that sticks",
        "Resources",
    ]
    assert headings(tree, 3) == ["What we found", "What needs to happen"] * 3
    assert len(tree.findall(".//main")) == 1


def test_it_fetches_nothing_its_styles_are_inline(record):
    tree = lxml.html.document_fromstring(render_html(record, logo=png_bytes()))
    assert tree.findall(".//script") == []
    assert tree.findall(".//link") == []
    assert tree.find(".//style") is not None
    assert all(img.get("src").startswith("data:image/png;base64,") for img in tree.iter("img"))


def test_every_point_is_a_list_item(record):
    tree = lxml.html.document_fromstring(render_html(record))
    items = [li.text_content().strip() for li in tree.iter("li")]
    expected = (
        record["worries"]
        + record["good_practice"]
        + [p for t in record["learning"] for p in t["found"] + t["actions"]]
        + record["resources"]
    )
    assert items == expected


def test_resources_link_to_their_addresses_and_others_are_text(record):
    tree = lxml.html.document_fromstring(render_html(record))
    links = {a.text_content(): a.get("href") for a in tree.iter("a")}
    assert links == {
        "Neglect Toolkit": "https://example.org/neglect-toolkit",
        "Escalation Policy": "https://example.org/escalation",
    }
    resources = tree.get_element_by_id("briefing-resources").getparent()
    assert "Home Conditions Tool" in resources.text_content()


def test_the_partnership_name_and_logo_head_the_briefing(record):
    tree = lxml.html.document_fromstring(render_html(record, logo=png_bytes()))
    masthead = tree.find_class("briefing__masthead")[0]
    assert "Demo Children's Partnership" in masthead.text_content()
    (img,) = masthead.iter("img")
    assert img.get("alt") == "Demo Children's Partnership logo"


def test_a_logo_that_is_not_a_png_or_jpeg_is_refused(record):
    with pytest.raises(ValueError, match="PNG or JPEG"):
        render_html(record, logo=b"<svg onload='alert(1)'/>")


def test_the_fragment_is_an_article_to_embed_with_headings_moved_down(record):
    html = render_html(record, standalone=False, top_heading=2)
    assert html.lstrip().startswith("<article")
    assert "<html" not in html and "<style" not in html
    tree = lxml.html.fragment_fromstring(html)
    assert tree.get("lang") == "en-GB"
    assert headings(tree, 1) == []
    assert len(headings(tree, 2)) == 1
    assert headings(tree, 3)[0] == "What we are worried about?"
    assert headings(tree, 4)[:2] == ["What we found", "What needs to happen"]


def test_everything_a_person_typed_is_escaped():
    html = render_html(nasty_record())
    assert "<script>" not in html
    assert '<img src="http' not in html
    assert 'rel="attachment"' not in html
    assert "&lt;script&gt;" in html
    tree = lxml.html.document_fromstring(html)
    assert tree.findall(".//script") == []
    assert [img for img in tree.iter("img")] == []
    assert [link for link in tree.iter("link")] == []
    body = tree.find(".//main").text_content()
    assert body.count(NASTY) >= 8
    (meta,) = tree.xpath("//meta[@name='author']")
    assert meta.get("content").startswith('Evil" onerror="alert(1)')
    (a,) = tree.iter("a")
    assert a.get("href") == "https://example.org/?a=1&b=2"
    assert 'href="https://example.org/?a=1&amp;b=2"' in html


def test_a_javascript_link_is_refused_not_rendered():
    with pytest.raises(InvalidRecord, match="links"):
        render_html({"theme": "T", "links": [{"title": "x", "url": "javascript:alert(1)"}]})
