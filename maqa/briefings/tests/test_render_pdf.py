from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from weasyprint import HTML
from weasyprint.urls import path2url

from maqa.briefings import render_pdf as render_pdf_module
from maqa.briefings.render_html import STATIC_DIR
from maqa.briefings.render_pdf import BriefingURLFetcher, FetchRefused, render_pdf
from maqa.briefings.tests.helpers import (
    NASTY,
    nasty_record,
    pdf_all_bytes,
    pdf_document,
    pdf_link_uris,
    pdf_pages,
    pdf_structure,
    pdf_xmp,
    pdftotext,
)
from maqa.testing.briefings import sample_record

A4 = (595.28, 841.89)  # points


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def sample_pdf() -> bytes:
    return render_pdf(sample_record(children=6, findings=15))


class Listener:
    """A TCP port on localhost that counts the connections made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def test_it_is_a4_on_every_page(sample_pdf):
    pages = pdf_pages(sample_pdf)
    assert len(pages) >= 1
    for page in pages:
        x0, y0, x1, y1 = page.mediabox
        assert (x0, y0) == (0, 0)
        assert (round(x1, 2), round(y1, 2)) == A4


def test_it_is_tagged_pdf_ua_with_language_and_title(sample_pdf):
    document = pdf_document(sample_pdf)
    catalog = document.catalog
    assert "StructTreeRoot" in catalog
    assert catalog["MarkInfo"]["Marked"] is True
    assert catalog["Lang"] == b"en-GB"
    assert catalog["ViewerPreferences"]["DisplayDocTitle"] is True
    xmp = pdf_xmp(sample_pdf)
    assert 'pdfuaid:part="1"' in xmp
    title = "Multi Agency Quality Assurance Audit: Neglect and Home Conditions March 2026"
    assert title in xmp
    assert document.info[0]["Title"].decode() == title


def test_its_tags_give_one_title_section_headings_lists_and_links(sample_pdf):
    tags = pdf_structure(sample_pdf)
    names = [tag for tag, _, _ in tags]
    assert names.count("H1") == 1
    assert names.count("H2") == 6  # worries, good practice, three themes, resources
    assert names.count("H3") == 6
    assert not any(
        tag.startswith("H") and any(a.startswith("H") for a in above) for tag, above, _ in tags
    )
    record = sample_record(children=6, findings=15)
    points = record["worries"] + record["good_practice"] + record["resources"]
    points += [p for theme in record["learning"] for p in theme["found"] + theme["actions"]]
    assert names.count("LI") == len(points)
    assert names.count("Link") == 2


def test_each_link_is_a_clickable_annotation(sample_pdf):
    assert sorted(pdf_link_uris(sample_pdf)) == [
        "https://example.org/escalation",
        "https://example.org/neglect-toolkit",
    ]


def test_its_text_has_the_partnership_headings_and_page_numbers(sample_pdf):
    text = pdftotext(sample_pdf)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert lines[0] == "Demo Children's Partnership"
    assert lines[1:3] == ["Multi Agency Quality Assurance Audit:", "Neglect and Home Conditions"]
    assert lines[3] == "March 2026"
    order = [
        "What we are worried about?",
        "What Good Practice did we see?",
        "Themes for Learning: Hearing the child",
        "What we found",
        "What needs to happen",
        "Resources",
    ]
    positions = [lines.index(heading) for heading in order]
    assert positions == sorted(positions)
    pages = len(pdf_pages(sample_pdf))
    assert f"Page 1 of {pages}" in lines


def test_it_shows_the_logo_and_reads_it_through_the_fetcher(record, logo_file, monkeypatch):
    fetched: list[str] = []
    original = BriefingURLFetcher.fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(BriefingURLFetcher, "fetch", spy)
    pdf = render_pdf(record, logo_path=logo_file)
    assert path2url(str(logo_file.resolve())) in fetched
    assert b"/Subtype /Image" in pdf_all_bytes(pdf)
    figures = [node for tag, _, node in pdf_structure(pdf) if tag == "Figure"]
    assert [f.get("Alt") for f in figures] == [b"Demo Children's Partnership logo"]


def test_everything_a_person_typed_shows_as_text(listener, monkeypatch):
    fetched: list[str] = []
    original = BriefingURLFetcher.fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(BriefingURLFetcher, "fetch", spy)
    record = nasty_record()
    port = str(listener.port)
    for key in ("aim", "theme"):
        text = record[key]
        assert text is not None
        record[key] = text.replace("127.0.0.1:9", f"127.0.0.1:{port}")
    pdf = render_pdf(record)
    text = flat(pdftotext(pdf))
    assert flat('<script>alert("x")</script> Tom & Jerry < 5 > 3 &amp;') in text
    assert flat('{ DDE "c:\\\\windows\\\\system32\\\\cmd.exe" "/c calc" }') in text
    # Lines may break anywhere a space or a slash allows: compare without any white space.
    assert "".join(text.split()).count("".join(NASTY.split())) >= 5
    assert listener.connections == 0
    static = path2url(str(STATIC_DIR))
    assert fetched and all(url.startswith(static) for url in fetched), fetched
    assert b"/EmbeddedFile" not in pdf_all_bytes(pdf)
    assert b"root:x:0:0" not in pdf_all_bytes(pdf)


def test_the_fetcher_refuses_anything_but_static_files_and_the_logo(tmp_path, logo_file):
    fetcher = BriefingURLFetcher(logo_path=logo_file)
    beside_logo = logo_file.parent / "secret.txt"
    beside_logo.write_text("secret")
    refused = [
        "http://127.0.0.1:9/x.png",
        "https://example.org/x.css",
        "ftp://example.org/x",
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        "file://otherhost/share/x.png",
        path2url(str(beside_logo)),
        path2url(str(STATIC_DIR)) + "/../../record.py",
        path2url(str(STATIC_DIR)) + "/%2e%2e/%2e%2e/record.py",
        path2url(str(STATIC_DIR)) + "/no-such-file.css",
        "javascript:alert(1)",
        "about:blank",
    ]
    for url in refused:
        with pytest.raises(FetchRefused):
            fetcher.fetch(url)
    assert fetcher.refused == refused

    css = fetcher.fetch(path2url(str(STATIC_DIR / "briefing.css")))
    assert b".briefing" in css.read()
    logo = fetcher.fetch(path2url(str(logo_file)))
    assert logo.read().startswith(b"\x89PNG")
    assert logo.content_type == "image/png"
    inline = fetcher.fetch("data:text/plain;base64,aGVsbG8=")
    assert inline.read() == b"hello"


def test_the_fetcher_stops_weasyprint_even_when_markup_gets_through(listener, tmp_path):
    """If escaping ever failed, WeasyPrint still could not reach the network or local files."""
    port = listener.port
    secret = tmp_path / "secret.css"
    secret.write_text(f"body {{ background: url(http://127.0.0.1:{port}/css-bg.png) }}")
    html = f"""<!DOCTYPE html><html lang="en-GB"><head><title>t</title>
      <link rel="stylesheet" href="http://127.0.0.1:{port}/remote.css">
      <link rel="stylesheet" href="{path2url(str(secret))}">
      <link rel="attachment" href="file:///etc/passwd">
      <style>@import url("http://127.0.0.1:{port}/import.css");</style></head>
      <body><img src="http://127.0.0.1:{port}/tracker.png" alt="">
      <img src="file:///etc/passwd" alt=""><p>text</p></body></html>"""
    fetcher = BriefingURLFetcher()
    pdf = HTML(
        string=html, url_fetcher=fetcher, base_url=path2url(str(STATIC_DIR)) + "/"
    ).write_pdf()
    assert listener.connections == 0
    assert b"root:x:0:0" not in pdf_all_bytes(pdf)
    assert b"/EmbeddedFile" not in pdf_all_bytes(pdf)
    assert any("tracker.png" in url for url in fetcher.refused)
    assert "file:///etc/passwd" in fetcher.refused
    assert path2url(str(secret)) in fetcher.refused


def test_the_fetcher_is_what_render_pdf_uses(record, monkeypatch):
    made: list[BriefingURLFetcher] = []
    original_init = BriefingURLFetcher.__init__

    def spy(self, **kwargs):
        original_init(self, **kwargs)
        made.append(self)

    monkeypatch.setattr(render_pdf_module.BriefingURLFetcher, "__init__", spy)
    render_pdf(record)
    assert len(made) == 1
    assert made[0].refused == []


def test_a_logo_that_is_not_an_image_is_refused(record, tmp_path: Path):
    fake = tmp_path / "logo.png"
    fake.write_text("<svg/>")
    with pytest.raises(ValueError, match="PNG or JPEG"):
        render_pdf(record, logo_path=fake)


def test_the_same_record_gives_the_same_file(record):
    # A published version stores the file's SHA-256: rendering again must give the same bytes.
    assert render_pdf(record) == render_pdf(record)
