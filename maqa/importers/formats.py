"""Telling a document's format from its content, and turning it into text.

The format comes from the bytes (magic numbers, the parts of a zip, the density of tags), never
from the file name: a PDF saved as notes.txt is still read as a PDF.
"""

# Briefings are typeset: their dashes, bullets and curly quotes are matched on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from maqa.importers.text import markdown_links

PDF = "pdf"
DOCX = "docx"
HTML = "html"
TEXT = "text"

MAX_PAGES = 300  # a longer PDF is refused
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # a Word file that would unpack beyond this is refused


class UnsupportedDocument(ValueError):
    """The bytes are not a briefing maqa can read (an image, a spreadsheet, a damaged file)."""


@dataclass
class Extracted:
    """A document as text: one line per printed line, blank lines between blocks."""

    text: str
    format: str
    links: list[dict[str, str]] = field(default_factory=list)  # title, url, context
    title_hint: str | None = None  # <title> or the document's core title, where it has one
    warnings: list[str] = field(default_factory=list)


_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b",
    re.IGNORECASE | re.DOTALL,
)
_HTML_TAG = re.compile(
    rb"</?(?:p|div|h[1-6]|li|ul|ol|a|span|br|table|td|tr|body|head|section|article|nav|strong|em|img)\b[^>]*>",
    re.IGNORECASE,
)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*", b"RIFF", b"BM")


def detect_format(data: bytes) -> str:
    """ "pdf", "docx", "html" or "text", from the content; `UnsupportedDocument` otherwise."""
    head = data[:1024]
    if b"%PDF-" in head:
        return PDF
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                unpacked = sum(info.file_size for info in archive.infolist())
        except (zipfile.BadZipFile, ValueError, EOFError, OSError, RuntimeError) as exc:
            raise UnsupportedDocument("a damaged zip file (not a readable .docx)") from exc
        if "word/document.xml" in names:
            if unpacked > MAX_UNPACKED_BYTES:
                # zipfile reads no more than each member's declared size, so this bounds it.
                raise UnsupportedDocument(
                    f"a Word file that would unpack to more than "
                    f"{MAX_UNPACKED_BYTES // (1024 * 1024)} MB (a zip bomb?)"
                )
            return DOCX
        if any(n.startswith("ppt/") for n in names):
            raise UnsupportedDocument("a PowerPoint file: save it as PDF first")
        if any(n.startswith("xl/") for n in names):
            raise UnsupportedDocument("a spreadsheet, not a briefing")
        raise UnsupportedDocument("a zip file that is not a Word document")
    if data.startswith(_OLE):
        raise UnsupportedDocument("an old binary Office file (.doc): save it as .docx or PDF first")
    if data.startswith(_IMAGE_MAGIC):
        raise UnsupportedDocument("an image: maqa reads text, not pictures of text")
    if data.lstrip().startswith(b"{\\rtf"):
        raise UnsupportedDocument("an RTF file: save it as .docx or PDF first")
    sample = data[:65536]
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")) and b"\x00" in sample:
        raise UnsupportedDocument("binary content that is none of .txt, .md, .pdf, .docx, .html")
    if _binary(sample):
        raise UnsupportedDocument("binary content that is none of .txt, .md, .pdf, .docx, .html")
    if _HTML_START.match(sample) or _tag_dense(sample):
        return HTML
    return TEXT


def _binary(sample: bytes) -> bool:
    """Bytes that are neither UTF-8 text nor plausible Windows-1252 text."""
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    try:
        sample.decode("utf-8")
        return False
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3:
            return False  # a character cut in two at the end of the sample
    controls = sum(1 for b in sample if b < 32 and b not in b"\t\n\r\f")
    high = sum(1 for b in sample if b >= 128)
    return controls > len(sample) * 0.01 or high > len(sample) * 0.3


def _tag_dense(sample: bytes) -> bool:
    tags = len(_HTML_TAG.findall(sample))
    if tags < 5:
        return False
    words = len(re.sub(rb"<[^>]*>", b" ", sample).split())
    return tags * 8 >= words or (
        bool(re.search(rb"<(?:body|p|div)\b", sample, re.IGNORECASE)) and tags >= 10
    )


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without a BOM), UTF-16 with a BOM, else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")  # an odd byte or a lone surrogate
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def extract(data: bytes) -> Extracted:
    """The document as text, whatever its format."""
    if not data.strip():
        raise UnsupportedDocument("the file is empty")
    fmt = detect_format(data)
    if fmt == PDF:
        from maqa.importers.pdf import pdf_text

        return pdf_text(data)
    if fmt == DOCX:
        from maqa.importers.word import docx_text

        return docx_text(data)
    if fmt == HTML:
        from maqa.importers.web import html_text

        return html_text(decode_text(data))
    text = decode_text(data)
    return Extracted(text=text, format=TEXT, links=_text_links(text))


def _text_links(text: str) -> list[dict[str, str]]:
    links = [dict(link, context=link["title"]) for link in markdown_links(text)]
    known = {link["url"] for link in links}
    for line in text.splitlines():
        for match in re.finditer(r"(https?://[^\s<>()\]]+[^\s<>()\].,;:])", line):
            url = match.group(1)
            if url in known:
                continue
            known.add(url)
            before = re.sub(r"[\s:–—(-]+$", "", line[: match.start()]).strip(" -•*")
            links.append({"title": before or url, "url": url, "context": line.strip()})
    return links
