"""HTML to text with the standard library's parser: headings marked, lists as bullets.

Navigation, scripts, styles, cookie banners and page footers are left out; where the page has a
<main> element only its content is read. Tables whose header row names sections ("Strengths |
Areas for development") are read column by column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from maqa.importers.formats import HTML, Extracted
from maqa.importers.tables import table_lines

_SKIP_TAGS = {
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "nav",
    "form",
    "button",
    "select",
    "iframe",
    "object",
    "canvas",
    "head",
}
_SKIP_ROLES = {"navigation", "banner", "contentinfo", "search", "menu", "menubar", "dialog"}
_SKIP_CLASS = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|navigation|menu|breadcrumbs?|cookies?|cookie-banner|skip-link|skiplink|"
    r"site-header|site-footer|footer|share|social|visually-hidden|sr-only|screen-reader-text)(?:$|[\s_-])",
    re.IGNORECASE,
)
_BLOCK = {
    "p", "div", "section", "article", "main", "aside", "header", "footer", "blockquote", "dd", "dt",
    "figcaption", "figure", "pre", "address", "caption", "hr", "dl", "ul", "ol", "body",
}  # fmt: skip
_VOID = {
    "br",
    "hr",
    "img",
    "input",
    "meta",
    "link",
    "area",
    "base",
    "col",
    "embed",
    "source",
    "track",
    "wbr",
}


@dataclass
class _Table:
    rows: list[list[list[str]]] = field(default_factory=list)  # rows of cells of lines


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[tuple[str, bool]] = []  # (text, inside <main>)
        self.links: list[dict[str, str]] = []
        self.pending_links: list[dict[str, str]] = []
        self.title = ""
        self.h1 = ""
        self.has_main = False
        self._skip_tag: str | None = None
        self._skip_depth = 0
        self._main_tag: str | None = None
        self._main_depth = 0
        self._line = ""
        self._heading = 0
        self._in_title = False
        self._in_pre = False
        self._lists: list[str] = []
        self._link: dict[str, str] | None = None
        self._tables: list[_Table] = []
        self._cell: list[str] | None = None

    # -- output -------------------------------------------------------------------------------

    @property
    def in_main(self) -> bool:
        return self._main_tag is not None

    def _emit(self, text: str) -> None:
        if self._tables and self._cell is not None:
            self._cell.append(text)
        else:
            self.out.append((text, self.in_main))

    def _flush(self, blank: bool = True) -> None:
        line = " ".join(self._line.split())
        self._line = ""
        if line:
            if self._heading:
                prefix = "#" * self._heading + " "
            elif self._lists:
                prefix = "  " * (len(self._lists) - 1) + (
                    "1. " if self._lists[-1] == "ol" else "- "
                )
            else:
                prefix = ""
            self._emit(prefix + line)
            for link in self.pending_links:
                link["context"] = line
            self.pending_links = []
        if blank:
            self._emit("")

    # -- parser events ------------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if self._skip_tag is not None:
            if tag == self._skip_tag:
                self._skip_depth += 1
            return
        if tag == "title":
            self._in_title = True
            return
        classes = f"{attributes.get('class', '')} {attributes.get('id', '')}"
        hidden = "hidden" in attributes or attributes.get("aria-hidden") == "true"
        if (
            tag in _SKIP_TAGS
            or attributes.get("role", "") in _SKIP_ROLES
            or hidden
            or (
                tag not in _VOID
                and tag not in ("main", "body", "html", "article")
                and _SKIP_CLASS.search(classes)
            )
        ):
            if tag not in _VOID:
                self._skip_tag, self._skip_depth = tag, 1
            return
        if (tag == "main" or attributes.get("role") == "main") and self._main_tag is None:
            self._flush(blank=True)
            self._main_tag, self._main_depth = tag, 1
            self.has_main = True
            return
        if self._main_tag == tag:
            self._main_depth += 1
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._flush()
            self._heading = int(tag[1])
        elif tag in ("ul", "ol"):
            self._flush(blank=False)
            self._lists.append(tag)
        elif tag == "li":
            self._flush(blank=False)
        elif tag == "br":
            self._break()
        elif tag == "pre":
            self._flush()
            self._in_pre = True
        elif tag == "table":
            self._flush()
            self._tables.append(_Table())
        elif tag == "tr" and self._tables:
            self._tables[-1].rows.append([])
        elif tag in ("td", "th") and self._tables:
            table = self._tables[-1]
            if not table.rows:
                table.rows.append([])
            self._cell = []
            table.rows[-1].append(self._cell)
        elif tag == "a":
            href = attributes.get("href", "").strip()
            if href and not href.startswith(("#", "javascript:")):
                self._link = {"title": "", "url": href}
        elif tag in _BLOCK:
            self._flush()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" and self._skip_tag is None:
            self._break()

    def _break(self) -> None:
        """A line break: a new line of text, but within a heading only a space."""
        if self._heading:
            self._line += " "
        else:
            self._flush(blank=False)

    def handle_endtag(self, tag: str) -> None:
        if self._skip_tag is not None:
            if tag == self._skip_tag:
                self._skip_depth -= 1
                if self._skip_depth == 0:
                    self._skip_tag = None
            return
        if tag == "title":
            self._in_title = False
            return
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            if tag == "h1" and not self.h1:
                self.h1 = " ".join(self._line.split())
            self._flush()
            self._heading = 0
        elif tag in ("ul", "ol"):
            self._flush(blank=False)
            if self._lists:
                self._lists.pop()
            if not self._lists:
                self._emit("")
        elif tag == "li":
            self._flush(blank=False)
        elif tag == "pre":
            self._flush()
            self._in_pre = False
        elif tag in ("td", "th"):
            self._flush(blank=False)
            self._cell = None
        elif tag == "table" and self._tables:
            self._flush(blank=False)
            self._cell = None
            table = self._tables.pop()
            for line in table_lines(table.rows):
                self._emit(line)
        elif tag == "a" and self._link is not None:
            self._link["title"] = " ".join(self._link["title"].split())
            self.links.append(self._link)
            self.pending_links.append(self._link)
            self._link = None
        elif tag in _BLOCK:
            self._flush()
        if self._main_tag == tag:
            self._main_depth -= 1
            if self._main_depth == 0:
                self._flush()
                self._main_tag = None

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
            return
        if self._skip_tag is not None:
            return
        if self._in_pre:
            for i, part in enumerate(data.split("\n")):
                if i:
                    self._flush(blank=False)
                self._line += part
            return
        self._line += data
        if self._link is not None:
            self._link["title"] += data


def html_text(source: str) -> Extracted:
    parser = _Parser()
    parser.feed(source)
    parser.close()
    parser._flush()
    pieces = parser.out
    if parser.has_main:
        main = [text for text, inside in pieces if inside]
        if len(" ".join(main).split()) >= 20:
            pieces = [(text, True) for text in main]
    text = "\n".join(text for text, _ in pieces)
    text = re.sub(r"\n{3,}", "\n\n", text)
    links = [
        {"title": link["title"], "url": link["url"], "context": link.get("context", link["title"])}
        for link in parser.links
        if link["url"].startswith(("http://", "https://", "mailto:", "/", "."))
        or re.match(r"^[\w./-]+\.(?:pdf|docx?|html?)$", link["url"])
    ]
    hint = " ".join((parser.h1 or parser.title).split()) or None
    return Extracted(text=text, format=HTML, links=links, title_hint=hint)
