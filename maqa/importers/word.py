"""Word (.docx) to text with python-docx: heading styles marked, list paragraphs as bullets.

The body is read in order, tables included; text boxes (call-outs) follow the paragraph that
anchors them. Hyperlinks are kept with their addresses.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from maqa.importers.formats import DOCX, Extracted, UnsupportedDocument
from maqa.importers.tables import table_lines

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def docx_text(data: bytes) -> Extracted:
    try:
        return _docx_text(data)
    except (UnsupportedDocument, MemoryError):
        raise  # a refusal, or the guard's memory limit
    except (KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise UnsupportedDocument(f"a Word document that cannot be read ({exc})") from exc
    except Exception as exc:  # python-docx and lxml raise many types for damaged parts
        raise UnsupportedDocument(
            f"a Word document that cannot be read ({exc.__class__.__name__})"
        ) from exc


def _docx_text(data: bytes) -> Extracted:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    lines: list[str] = []
    links: list[dict[str, str]] = []
    body = document.element.body
    for child in body.iterchildren():
        if child.tag == f"{_W}p":
            paragraph = Paragraph(child, document)
            lines.extend(_paragraph_lines(paragraph, links))
            for box in _text_boxes(child):
                lines.append("")
                lines.extend(_plain(p) for p in box)
                lines.append("")
        elif child.tag == f"{_W}tbl":
            table = Table(child, document)
            lines.extend(table_lines(_table_cells(table, links)))
    title = (document.core_properties.title or "").strip() or None
    return Extracted(text="\n".join(lines), format=DOCX, links=links, title_hint=title)


def _paragraph_lines(paragraph: Any, links: list[dict[str, str]]) -> list[str]:
    text = " ".join(paragraph.text.replace("\t", " ").split())
    for hyperlink in getattr(paragraph, "hyperlinks", []):
        url = hyperlink.url or hyperlink.address or ""
        if url:
            links.append({"title": " ".join(hyperlink.text.split()), "url": url, "context": text})
    if not text:
        return [""]
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    heading = re.match(r"(?i)^heading\s*(\d)", style)
    if style.lower() == "title":
        return ["", f"# {text}", ""]
    if heading:
        return ["", "#" * min(int(heading.group(1)) + 1, 6) + f" {text}", ""]
    if style.lower() == "subtitle":
        return ["", f"## {text}", ""]
    numbered = paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None
    if "list" in style.lower() or numbered:
        marker = "1." if "number" in style.lower() else "-"
        return [f"{marker} {text}"]
    runs = [run for run in paragraph.runs if run.text.strip()]
    if runs and all(run.bold for run in runs) and len(text.split()) <= 12:
        return ["", f"**{text}**", ""]
    return ["", text, ""]


def _plain(p: Any) -> str:
    return " ".join("".join(t.text or "" for t in p.iter(f"{_W}t")).split())


def _text_boxes(paragraph_element: Any) -> list[list[Any]]:
    """Paragraphs of the text boxes anchored in a paragraph (each box's text once)."""
    boxes = []
    for box in paragraph_element.iter(f"{_W}txbxContent"):
        if any(ancestor.tag == _MC_FALLBACK for ancestor in box.iterancestors()):
            continue  # the VML copy of a DrawingML box
        boxes.append(list(box.iter(f"{_W}p")))
    return boxes


def _table_cells(table: Any, links: list[dict[str, str]]) -> list[list[list[str]]]:
    rows: list[list[list[str]]] = []
    for row in table.rows:
        cells: list[list[str]] = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue  # a merged cell repeats
            seen.add(id(cell._tc))
            cell_lines: list[str] = []
            for paragraph in cell.paragraphs:
                for line in _paragraph_lines(paragraph, links):
                    line = re.sub(r"^#+\s+|^\*\*(.*)\*\*$", r"\1", line).strip()
                    if line:
                        cell_lines.append(line)
            cells.append(cell_lines)
        rows.append(cells)
    return rows
