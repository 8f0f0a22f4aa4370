"""PDF to text with pdfminer.six: LAParams reading order, bullets re-attached, headings marked.

pdfminer keeps the columns of a two-column page apart (STACK-NOTES), but puts a list's bullet
glyphs in boxes of their own; each glyph is put back before the line it stands beside. Lines set
larger than the body text are marked as headings (`#`, `##`, ... by size).
"""

# Briefings are typeset: their dashes, bullets and curly quotes are matched on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import io
import itertools
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from maqa.importers.formats import MAX_PAGES, PDF, Extracted, UnsupportedDocument

_MARKER = re.compile(
    r"^\s*(?:[•●○◦▪■□►▶➢➤→✓✔\-–*·Ø\ue000-\uf8ff]|\d{1,2}[.)]|[a-z][.)]|\([a-z0-9]\))\s*$"
)
_ENCRYPTED = "an encrypted (password-protected) PDF: save a copy without a password first"


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    y0: float
    y1: float
    size: float
    bold: bool
    box: int
    marker: str = ""
    chars: tuple[tuple[float, str], ...] = ()  # (horizontal centre, character), for links


def pdf_text(data: bytes) -> Extracted:
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams, LTChar, LTTextBox, LTTextLine
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    pages: list[list[_Line]] = []
    links: list[dict[str, str]] = []
    title_hint = None
    try:
        parser = PDFParser(io.BytesIO(data))
        try:
            document = PDFDocument(parser)
        except (PDFEncryptionError, PDFPasswordIncorrect) as exc:
            raise UnsupportedDocument(_ENCRYPTED) from exc
        if document.encryption:
            raise UnsupportedDocument(_ENCRYPTED)
        all_pages = list(itertools.islice(PDFPage.create_pages(document), MAX_PAGES + 1))
        if len(all_pages) > MAX_PAGES:
            raise UnsupportedDocument(f"a PDF of more than {MAX_PAGES} pages")
        for info in document.info or []:
            raw = resolve1(info.get("Title")) if isinstance(info, dict) else None
            if isinstance(raw, bytes):
                title_hint = _decode_pdf_string(raw) or None
        manager = PDFResourceManager()
        device = PDFPageAggregator(manager, laparams=LAParams())
        interpreter = PDFPageInterpreter(manager, device)
        box_number = 0
        for page in all_pages:
            interpreter.process_page(page)
            layout = device.get_result()
            lines: list[_Line] = []
            for element in layout:
                if not isinstance(element, LTTextBox):
                    continue
                box_number += 1
                for line in element:
                    if not isinstance(line, LTTextLine):
                        continue
                    text = line.get_text().rstrip("\n")
                    if not text.strip():
                        continue
                    chars = [c for c in line if isinstance(c, LTChar) and c.get_text().strip()]
                    size = max((c.size for c in chars), default=0.0)
                    bold = bool(chars) and all(
                        re.search(r"bold|black|heavy", c.fontname, re.I) for c in chars
                    )
                    lines.append(
                        _Line(
                            text,
                            line.x0,
                            line.x1,
                            line.y0,
                            line.y1,
                            round(size, 1),
                            bold,
                            box_number,
                            chars=tuple(
                                ((c.x0 + c.x1) / 2, c.get_text())
                                for c in line
                                if isinstance(c, LTChar)
                            ),
                        )
                    )
            pages.append(lines)
            links.extend(_page_links(page, lines, resolve1))
    except (UnsupportedDocument, MemoryError):
        raise  # a refusal, or the guard's memory limit
    except Exception as exc:  # pdfminer raises many types for damaged or encrypted files
        raise UnsupportedDocument(f"a PDF that cannot be read ({exc.__class__.__name__})") from exc
    if not any(pages):
        raise UnsupportedDocument("a PDF without a text layer (a scan?): maqa cannot read it")
    body = _body_size(pages)
    heading_sizes = sorted(
        {line.size for page in pages for line in page if line.size >= body * 1.15}, reverse=True
    )
    out: list[str] = []
    for page_lines in pages:
        out.extend(_page_text(_attach_markers(page_lines), body, heading_sizes))
        out.append("")
    return Extracted(text="\n".join(out), format=PDF, links=links, title_hint=title_hint)


def _decode_pdf_string(raw: bytes) -> str:
    if raw.startswith((b"\xfe\xff", b"\xff\xfe")):
        return raw.decode("utf-16", errors="ignore").strip()
    return raw.decode("latin-1", errors="ignore").strip()


def _body_size(pages: list[list[_Line]]) -> float:
    sizes: Counter[float] = Counter()
    for page in pages:
        for line in page:
            sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _attach_markers(lines: list[_Line]) -> list[_Line]:
    """Put each lone bullet glyph back before the line it stands beside."""
    markers = [line for line in lines if _MARKER.match(line.text)]
    if not markers:
        return lines
    used: set[int] = set()
    for marker in markers:
        height = max(marker.y1 - marker.y0, 1.0)
        best = None
        for i, line in enumerate(lines):
            if line is marker or i in used or _MARKER.match(line.text):
                continue
            beside = abs(line.y1 - marker.y1) <= 0.6 * height and 0 <= line.x0 - marker.x0 <= 60
            if beside and (best is None or line.x0 < lines[best].x0):
                best = i
        if best is not None:
            used.add(best)
            glyph = marker.text.strip()
            lines[best].marker = "1." if re.match(r"\d", glyph) else "-"
            marker.text = ""
    return [line for line in lines if line.text]


def _page_text(lines: list[_Line], body: float, heading_sizes: list[float]) -> list[str]:
    out: list[str] = []
    box = None
    pending_heading: tuple[int, list[str]] | None = None

    def flush_heading() -> None:
        nonlocal pending_heading
        if pending_heading:
            level, parts = pending_heading
            out.extend(["", "#" * level + " " + " ".join(parts), ""])
            pending_heading = None

    for line in lines:
        text = " ".join(line.text.split())
        if line.box != box:
            flush_heading()
            out.append("")
            box = line.box
        level = 0
        if body and line.size >= body * 1.15 and len(text.split()) <= 20 and not line.marker:
            level = min(heading_sizes.index(line.size) + 1, 5) if line.size in heading_sizes else 4
        elif (
            line.bold
            and len(text.split()) <= 12
            and not line.marker
            and body
            and line.size >= body * 0.95
        ):
            level = 5
        if level:
            if pending_heading and pending_heading[0] == level:
                pending_heading[1].append(text)
            else:
                flush_heading()
                pending_heading = (level, [text])
            continue
        flush_heading()
        out.append(f"{line.marker} {text}" if line.marker else text)
    flush_heading()
    return out


def _page_links(page: Any, lines: list[_Line], resolve1: Any) -> list[dict[str, str]]:
    links = []
    for annotation in resolve1(page.annots) or []:
        annotation = resolve1(annotation)
        if not isinstance(annotation, dict):
            continue
        action = resolve1(annotation.get("A"))
        uri = resolve1(action.get("URI")) if isinstance(action, dict) else None
        rect = resolve1(annotation.get("Rect"))
        if not isinstance(uri, bytes) or not rect or len(rect) != 4:
            continue
        xa, ya, xb, yb = (float(resolve1(v)) for v in rect)
        x0, x1, y0, y1 = min(xa, xb), max(xa, xb), min(ya, yb), max(ya, yb)
        covered = [line for line in lines if line.y1 >= y0 and line.y0 <= y1]
        title = " ".join(
            "".join(char for centre, char in line.chars if x0 <= centre <= x1).strip()
            for line in covered
            if line.x1 >= x0 and line.x0 <= x1
        )
        context = " ".join(" ".join(line.text.split()) for line in covered)
        url = uri.decode("latin-1", errors="ignore")
        title = " ".join(title.split())
        links.append({"title": title or url, "url": url, "context": context})
    return links
