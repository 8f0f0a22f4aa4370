"""From extracted text to paragraphs: clean-up, layout debris, bullets, headings, wrapped lines.

Every input format is first turned into plain text (see `formats`): one line per printed line, a
blank line between blocks, `- ` before list items and `#` before headings where the format knows
them. This module turns that text into a list of `Para`: headings, bullet points and paragraphs
of text, with wrapped lines joined.
"""

# Briefings are typeset: their dashes, bullets and curly quotes are matched on purpose.
# ruff: noqa: RUF001, RUF002

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from maqa.importers.vocabulary import CUT_OFF, DANGLING

BULLET = "bullet"
TEXT = "text"
HEADING = "heading"


@dataclass
class Para:
    """One heading, bullet point or paragraph of text."""

    kind: str
    lines: list[str] = field(default_factory=list)
    level: int = 0  # markdown/HTML heading level where the source marks headings; 0 if not
    bullet: str = ""  # the marker a bullet point was written with

    @property
    def text(self) -> str:
        return join_lines(self.lines)

    @property
    def callout(self) -> bool:
        """Three or more short lines: the narrow box of a call-out, wrapped every few words."""
        return len(self.lines) >= 3 and max(len(line) for line in self.lines) <= 32


# Layout debris: lines that are only navigation, page furniture or slide numbers.
_DEBRIS_LINE = re.compile(
    r"^(?:top\s+of\s+(?:the\s+)?page|back\s+to\s+(?:the\s+)?top|return\s+to\s+top|go\s+to\s+top"
    r"|skip\s+to\s+(?:main\s+)?content|skip\s+navigation|jump\s+to\s+content|print(?:\s+this\s+page)?"
    r"|share(?:\s+this\s+page)?|share\s+on\s+\w+|email\s+this\s+page|menu|main\s+menu|search"
    r"|cookies?(?:\s+settings|\s+policy)?|accept\s+(?:all\s+)?(?:additional\s+)?cookies"
    r"|reject\s+(?:all\s+)?(?:additional\s+)?cookies|hide\s+this\s+message|close|home|previous|next"
    r"|slide\s+\d+(?:\s+of\s+\d+)?|page\s+\d+(?:\s+of\s+\d+)?|\d{1,3}|\d+\s+of\s+\d+|-\s*\d+\s*-"
    r"|last\s+(?:updated|reviewed|modified)\b.*|(?:first\s+)?published(?:\s+on)?:?\s+[^.]{0,30}\d{4}"
    r"|(?:date\s+of\s+)?(?:publication|issue)(?:\s+date)?:?\s+[^.]{0,30}\d{4}|©.*|copyright\b.*|was\s+this\s+page\s+(?:useful|helpful)\??.*"
    r"|(?:yes|no)\s*/\s*(?:yes|no)|this\s+link\s+opens\s+in\s+a\s+new\s+(?:window|tab)"
    r"|opens\s+in\s+(?:a\s+)?new\s+(?:window|tab)|you\s+are\s+here:?.*|breadcrumbs?)$",
    re.IGNORECASE,
)
_DEBRIS_INLINE = re.compile(
    r"\(?\s*(?:this\s+link\s+)?opens\s+in\s+(?:a\s+)?new\s+(?:window|tab)\s*\)?"
    r"|\(\s*external\s+link\s*\)|\[\s*external\s+link\s*\]"
    r"|\(\s*(?:pdf|docx?|word|xlsx?)(?:\s*,\s*[\d.]+\s*[kmg]?b)?\s*\)"
    r"|\btop\s+of\s+page\b",
    re.IGNORECASE,
)
_BREADCRUMB = re.compile(r"^[^.!?]{0,80}(?:\s[>›»/]\s[^.!?]{1,60}){2,}$")

# A bullet marker at the start of a line, then the point. Private-use characters are the
# Wingdings/Symbol bullets () that PDF and Word extraction leave behind.
_BULLET = re.compile(
    r"^\s*(?P<marker>[-–—•●○◦▪■□►▶➢➤→✓✔✗✘*·Ø\ue000-\uf8ff]|o(?=\s+[A-Z])"
    r"|\(?\d{1,2}[.)](?!\d)|\(?[a-z][.)]|\([a-zA-Z]\)|[A-Z]\)|\(?(?:i{1,3}|iv|v|vi{1,3}|ix|x)[.)])"
    r"\s+(?P<text>\S.*)$"
)
# Glyph bullets are sometimes glued to the text ("•Lack of ...").
_GLUED_BULLET = re.compile(r"^\s*(?P<marker>[•●▪■►➢➤✓✔Ø\ue000-\uf8ff])(?P<text>[^\s•].*)$")
_MD_HEADING = re.compile(r"^\s*(?P<hashes>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
_SECTION_NUMBER = re.compile(r"^\s*\d{1,2}\.\d{1,2}(?:\.\d{1,2})?\s+(?=[A-Z])")

_TERMINAL = re.compile(r"[.!?][\"'’”)]*$")


def normalise(raw: str) -> str:
    """Unify spaces, quotes of layout, markup left in text, ligatures and bullet glyphs."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    text = text.replace("\ufeff", "").replace("\u00ad", "").replace("\u200b", "")
    text = re.sub(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]", " ", text)
    text = text.replace("ﬁ", "fi").replace("ﬂ", "fl").replace("ﬀ", "ff").replace("ﬃ", "ffi")
    # Superscript ordinals and simple inline tags left by conversions ("6<sup>th</sup>").
    text = re.sub(r"<sup>\s*(\w+)\s*</sup>", r"\1", text, flags=re.IGNORECASE)
    text = re.sub(r"<br\s*/?>", "\n", text, flags=re.IGNORECASE)
    text = re.sub(
        r"</?(?:b|i|u|em|strong|span|sub|sup|font|small|mark)(?:\s[^<>]*)?>",
        "",
        text,
        flags=re.IGNORECASE,
    )
    if re.search(r"&(?:[a-z]{2,8}|#\d{2,5}|#x[0-9a-f]{2,4});", text, re.IGNORECASE):
        text = html.unescape(text)
    # Markdown emphasis and images; links are read by `markdown_links` before this.
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)
    text = re.sub(r"\[([^\]]+)\]\((?:[^)\s]+)(?:\s+\"[^\"]*\")?\)", r"\1", text)
    text = re.sub(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])", r"\1", text)
    text = _DEBRIS_INLINE.sub("", text)
    return text


def markdown_links(raw: str) -> list[dict[str, str]]:
    """[title](url) links written in markdown."""
    links = []
    for match in re.finditer(r"(?<!!)\[([^\]]+)\]\((https?://[^)\s]+|mailto:[^)\s]+)\)", raw):
        links.append({"title": " ".join(match.group(1).split()), "url": match.group(2)})
    return links


def is_debris(line: str) -> bool:
    stripped = line.strip().strip("|").strip()
    if not stripped:
        return False
    return bool(_DEBRIS_LINE.match(stripped)) or bool(_BREADCRUMB.match(stripped))


def split_bullet(line: str) -> tuple[str, str]:
    """(marker, text) of a bullet point; ("", line) when the line is not one."""
    match = _BULLET.match(line) or _GLUED_BULLET.match(line)
    if not match:
        return "", line
    return match.group("marker"), match.group("text")


def ends_dangling(text: str, strict: bool = False) -> bool:
    """Whether a line stops where its sentence cannot: on a comma, a hyphen, "of the", "with".

    `strict`: only where no finished point can stop either ("... and", "... in the"): for
    telling that a point was cut off, where "the children they live with" is whole.
    """
    text = text.rstrip()
    if not text:
        return False
    if text[-1] in ",;:&(–—-/":
        return True
    words = re.findall(r"[A-Za-z']+", text)
    if strict and re.search(
        r"\b(?:needs?|important|able|unable|likely|how|going|ought|wants?|tried|try|has|have|had)"
        r"\s+to$",
        text,
        re.IGNORECASE,
    ):
        return True  # "... important to"
    ends = CUT_OFF if strict else DANGLING
    return bool(words) and words[-1].lower() in ends and not _TERMINAL.search(text)


def join_lines(lines: list[str]) -> str:
    """Lines of one point, joined; a word broken by a hyphen at a line end is mended."""
    out = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if not out:
            out = line
        elif re.search(r"[A-Za-z]-$", out) and line[:1].islower():
            out += line  # "multi-" + "agency": the hyphen belongs to the word
        else:
            out += " " + line
    return " ".join(out.split())


def _starts_lower(text: str) -> bool:
    first = text.lstrip("'\"‘“(")[:1]
    return first.islower() or first.isdigit()


def _continues(previous: str, line: str, width: int, callout: bool, indented: bool) -> bool:
    """Whether `line` carries on the paragraph `previous` ended, within one block of lines.

    `indented`: both lines start with a space, where PDF extraction often drops a bullet glyph.
    """
    if callout or ends_dangling(previous) or _starts_lower(line):
        return True
    full_width = len(previous) >= 0.8 * width
    if (
        (width <= 70 or indented)
        and re.search(r"[a-z]$", previous)
        and re.match(r"[A-Z][a-z]", line)
    ):
        # Short lines, the first ending in a word and the next starting a new one with a capital:
        # one point a line, as on slides ("... plans drifted" / "The voice of the child ...").
        # Lines of a page-wide paragraph are longer, and may break before any capital.
        return False
    if _TERMINAL.search(previous):
        # A sentence ending at the end of a full line is wrap; a short line is a paragraph end.
        return full_width
    # No closing stop: a wrapped line is near the block's width; a slide's points are not.
    return len(previous) >= 0.6 * width


def heading_of(line: str) -> tuple[int, str]:
    """(level, text) for a markdown heading line, (0, line) otherwise."""
    match = _MD_HEADING.match(line)
    if match:
        return len(match.group("hashes")), match.group("text").strip()
    return 0, line


def paragraphs(text: str, is_heading: Callable[[str], bool] | None = None) -> list[Para]:
    """Split normalised text into headings, bullet points and paragraphs.

    `is_heading(line) -> bool` says whether a plain line is a heading the caller recognises
    (such as "What we are worried about?"); such lines are split from the lines around them.
    """
    check = is_heading or (lambda _line: False)
    blocks: list[list[str]] = [[]]
    for raw in text.split("\n"):
        line = raw.rstrip()
        if not line.strip():
            if blocks[-1]:
                blocks.append([])
            continue
        if is_debris(line):
            continue
        blocks[-1].append(line)
    paras: list[Para] = []
    markers = 0  # bullet glyphs met on lines of their own, waiting for their points
    for block in blocks:
        if not block:
            continue
        if all(_LONE_MARKER.match(line) for line in block):
            markers += len(block)
            continue
        if markers:
            block = _mark_points(block, markers)
            markers = 0
        paras.extend(_block_paragraphs(block, check))
    return paras


_LONE_MARKER = re.compile(r"^\s*(?:[•●○◦▪■►➢➤✓✔·Ø\ue000-\uf8ff]|\d{1,2}[.)])\s*$")


def _mark_points(block: list[str], count: int) -> list[str]:
    """Put back `count` bullets that extraction printed apart from their points.

    Some PDF extractions print a list's glyphs first ("•", "•") and its points after, in one
    block; the points start at the `count` line breaks that look most like a new point: before
    a capital, after a full stop, after a short line.
    """
    plain = [line.strip() for line in block]
    if split_bullet(plain[0])[0]:
        return block
    width = max(len(line) for line in plain)
    scores = []
    for i in range(1, len(plain)):
        previous, line = plain[i - 1], plain[i]
        score = 2.0 if re.match(r"[A-Z0-9]", line) else 0.0
        score += 1.0 if _TERMINAL.search(previous) else 0.0
        score -= 3.0 if ends_dangling(previous) else 0.0
        score += 1.0 - len(previous) / width
        scores.append((score, i))
    starts = {0} | {i for score, i in sorted(scores, reverse=True)[: count - 1] if score > 0}
    return [f"- {line}" if i in starts else line for i, line in enumerate(plain)]


_LEARNING_HEADING = re.compile(r"(?i)^themes? for learning\s*[:\-–]\s*\S")


def _block_paragraphs(block: list[str], check: Callable[[str], bool]) -> list[Para]:
    out: list[Para] = []
    plain = [line.strip() for line in block]
    width = max(len(line) for line in plain)
    callout = len(plain) >= 3 and width <= 32
    current: Para | None = None
    for index, raw in enumerate(block):
        indented = index > 0 and raw[:1].isspace() and block[index - 1][:1].isspace()
        level, body = heading_of(raw)
        body = _SECTION_NUMBER.sub("", body.strip())
        bold = re.fullmatch(r"(?:\*\*|__)(.+?)(?:\*\*|__)[:.]?", body)
        if bold and len(bold.group(1).split()) <= 12:
            level, body = level or 4, bold.group(1).strip()
        body = re.sub(r"^\*\*(.+)\*\*$", r"\1", body)
        if not body:
            continue
        # A narrow call-out's lines are not headings, whatever they say ("Training").
        if level or ((index == 0 or not callout) and check(body)):
            current = None
            out.append(Para(HEADING, [body], level=level))
            continue
        marker, point = split_bullet(body)
        if marker and re.match(r"\(?[0-9a-z]{1,2}[.)]", marker) and check(point):
            current = None  # "2. What we found": a numbered heading
            out.append(Para(HEADING, [point], level=level))
            continue
        if marker:
            current = Para(BULLET, [point], bullet=marker)
            out.append(current)
            continue
        if current is not None and _continues(current.lines[-1], body, width, callout, indented):
            current.lines.append(body)
            continue
        if (  # a long "Themes for Learning: <title>" heading wrapped onto a second line
            out
            and out[-1].kind == HEADING
            and _LEARNING_HEADING.match(out[-1].lines[-1])
            and not _TERMINAL.search(out[-1].lines[-1])
            and len(body.split()) <= 12
        ):
            out[-1].lines[-1] = f"{out[-1].lines[-1]} {body}"
            continue
        current = Para(TEXT, [body])
        out.append(current)
    return out


_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _cells(line: str) -> list[str]:
    """The cells of a table row flattened into text: split on |, tabs or wide gaps."""
    stripped = line.strip()
    if "|" in stripped:
        return [cell.strip() for cell in stripped.strip("|").split("|")]
    if "\t" in stripped:
        return [cell.strip() for cell in re.split(r"\t+", stripped)]
    if re.search(r"\S {3,}\S", stripped):
        return [cell.strip() for cell in re.split(r" {3,}", stripped)]
    return [stripped]


def untable(text: str, is_heading: Callable[[str], bool]) -> str:
    """Tables flattened into text, read as the text they hold.

    A table whose header row names sections ("Strengths | Areas for development") becomes, column
    by column, a heading and its cells as points; other rows of a pipe table become "a: b" or
    "a – b – c" lines.
    """
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        header = _cells(lines[i])
        if len(header) >= 2 and sum(1 for cell in header if cell and is_heading(cell)) >= 2:
            columns: list[list[str]] = [[] for _ in header]
            i += 1
            while i < len(lines):
                if _TABLE_RULE.match(lines[i]):
                    i += 1
                    continue
                row = _cells(lines[i])
                if len(row) < 2:
                    break
                for column, cell in zip(columns, row, strict=False):
                    if cell:
                        column.append(cell)
                i += 1
            for name, column in zip(header, columns, strict=True):
                out += ["", f"## {name}", "", *(f"- {cell}" for cell in column), ""]
            continue
        stripped = lines[i].strip()
        if _TABLE_RULE.match(stripped) and "-" in stripped and "|" in stripped:
            i += 1
            continue
        if stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 3:
            cells = [cell for cell in _cells(stripped) if cell]
            out.append(f"{cells[0]}: {cells[1]}" if len(cells) == 2 else " \u2013 ".join(cells))
        else:
            out.append(lines[i])
        i += 1
    return "\n".join(out)
