"""Reading back what the renderers wrote: the PDF's text, structure and links; the Word parts."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
import zlib
from typing import Any

from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1

from maqa.briefings.types import BriefingRecord

SEEDS = (
    "000_83a5f85d2ccbf291",
    "001_944ec7f8ed8cf9ca",
    "002_3bda8117831e3c9d",
    "003_f67ef48edf590e28",
    "004_709b4dd7f8521124",
)


def pdftotext(pdf: bytes) -> str:
    """The PDF's visible text as poppler's pdftotext gives it (what a person would copy)."""
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return result.stdout.decode("utf-8")


def pdf_document(pdf: bytes) -> PDFDocument:
    return PDFDocument(PDFParser(io.BytesIO(pdf)))


def pdf_pages(pdf: bytes) -> list[PDFPage]:
    return list(PDFPage.create_pages(pdf_document(pdf)))


def pdf_link_uris(pdf: bytes) -> list[str]:
    uris = []
    for page in pdf_pages(pdf):
        for annotation in resolve1(page.annots) or []:
            annotation = resolve1(annotation)
            if getattr(annotation.get("Subtype"), "name", None) != "Link":
                continue
            action = resolve1(annotation.get("A")) or {}
            uri = resolve1(action.get("URI"))
            if uri:
                uris.append(uri.decode() if isinstance(uri, bytes) else str(uri))
    return uris


def pdf_xmp(pdf: bytes) -> str:
    return resolve1(pdf_document(pdf).catalog["Metadata"]).get_data().decode("utf-8")


def pdf_all_bytes(pdf: bytes) -> bytes:
    """The file and every stream in it decompressed: where anything hidden would be."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            parts.append(match.group(1))
    return b"\n".join(parts)


def docx_parts(docx: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def docx_text(docx: bytes) -> str:
    """The Word document's paragraphs, one a line as a person would copy them, bullets as "- "."""
    import docx as python_docx

    document = python_docx.Document(io.BytesIO(docx))
    lines = []
    for paragraph in document.paragraphs:
        text = paragraph.text
        if paragraph.style is not None and paragraph.style.name.startswith("List Bullet"):
            text = "- " + text
        lines.append(text)
    return "\n".join(lines) + "\n"


def styles_used(docx: bytes) -> dict[str, list[str]]:
    import docx as python_docx

    document = python_docx.Document(io.BytesIO(docx))
    used: dict[str, list[str]] = {}
    for paragraph in document.paragraphs:
        name = paragraph.style.name if paragraph.style is not None else ""
        used.setdefault(name, []).append(paragraph.text)
    return used


def first(mapping: dict[str, Any], key: str) -> Any:
    return mapping[key][0]


# What a person might type that must stay text in every format: markup, an entity-like
# ampersand, Word field codes, an image and a local file address.
NASTY = (
    '<script>alert("x")</script> Tom & Jerry < 5 > 3 &amp; '
    '{ DDE "c:\\\\windows\\\\system32\\\\cmd.exe" "/c calc" } '
    '{ HYPERLINK "http://evil.example/" } '
    '<img src="http://127.0.0.1:9/tracker.png"> <link rel="attachment" href="file:///etc/passwd">'
)


def nasty_record() -> BriefingRecord:
    """A record with NASTY in every text the briefing shows."""
    return {
        "title": f"Multi Agency Quality Assurance Audit: {NASTY}",
        "theme": NASTY,
        "partnership": f'Evil" onerror="alert(1) {NASTY}',
        "audit_date": "2024-05-02",
        "aim": NASTY,
        "children": {"count": 3, "plan_types": ["child_in_need"]},
        "needs": [NASTY],
        "organisations": [NASTY, "Police"],
        "worries": [NASTY],
        "good_practice": [NASTY],
        "learning": [{"title": NASTY, "found": [NASTY], "actions": [NASTY]}],
        "resources": [NASTY],
        "links": [{"title": NASTY, "url": "https://example.org/?a=1&b=2"}],
    }


def pdf_structure(pdf: bytes) -> list[tuple[str, tuple[str, ...], dict[str, Any]]]:
    """Every element of the PDF's tag tree: (tag, the tags above it, its dictionary)."""
    root = resolve1(pdf_document(pdf).catalog["StructTreeRoot"])
    out: list[tuple[str, tuple[str, ...], dict[str, Any]]] = []

    def walk(node: Any, above: tuple[str, ...]) -> None:
        node = resolve1(node)
        if not isinstance(node, dict):
            return
        kids = resolve1(node.get("K"))
        if node.get("S") is not None:
            tag = node["S"].name
            out.append((tag, above, node))
            above = (*above, tag)
        for kid in kids if isinstance(kids, list) else [kids]:
            walk(kid, above)

    walk(root, ())
    return out
