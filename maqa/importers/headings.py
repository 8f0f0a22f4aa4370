"""Recognising headings, the title and the theme."""

# Briefings are typeset: their dashes, bullets and curly quotes are matched on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import re
from dataclasses import dataclass

from maqa.importers.vocabulary import (
    FOUND,
    LEARNING,
    MONTH,
    THEME_PREFIX,
    heading_phrases,
    heading_section,
    key,
    words,
)

DUAL = "dual"  # "What we found: X  What needs to happen?" (two columns side by side)


@dataclass
class Heading:
    section: str  # a section of vocabulary, or DUAL
    rest: str = ""  # a theme title, or a point written after the heading's colon


_DUAL = re.compile(
    r"^(?:what\s+(?:we|did\s+we)\s+f(?:ou|i)nd|what\s+was\s+found|findings?)\s*[:?.\-–]*\s*(?P<title>.*?)"
    r"\s*(?:what\s+needs?\s+to\s+happen|what\s+should\s+happen|recommendations?|next\s+steps)\s*[?:.]?\s*$",
    re.IGNORECASE,
)
_FOUND_WITH_TITLE = re.compile(
    r"^(?:what\s+we\s+found|what\s+did\s+we\s+find|what\s+was\s+found|what\s+the\s+audit\s+found|"
    r"finding(?:\s+\d+)?)\s*(?:[:?]|[-–—]\s)\s*(?P<title>\S.*)$",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(r"^\s*(?:[:?.]|[-–—](?=\s))\s*")


def classify(text: str) -> Heading | None:
    """The heading a line is, if any: "What we are worried about?" -> worries."""
    text = text.strip().strip("*_").strip()
    if not text or len(text) > 160 or text[0].islower():
        return None
    section = heading_section(text)
    if section:
        return Heading(section)
    dual = _DUAL.match(text)
    if dual:
        return Heading(DUAL, _title(dual["title"]))
    found = _FOUND_WITH_TITLE.match(text)
    if found:
        return Heading(FOUND, _title(found["title"]))
    lowered = text.lower().replace("’", "'")
    for phrase, section in heading_phrases():
        if not lowered.startswith(phrase):
            continue
        rest = text[len(phrase) :]
        separator = _SEPARATOR.match(rest)
        if separator and rest[separator.end() :].strip():
            return Heading(section, rest[separator.end() :].strip())
    theme = THEME_PREFIX.match(text)
    if theme and theme["title"] and len(text.split()) <= 16 and not text.endswith("."):
        prefix = text[: theme.start("title")].lower()
        if re.search(
            r"themes?\s+for\s+learning|learning\s+themes?|theme\s+\w+\s*[:.\-–—]?\s*$", prefix
        ):
            return Heading(LEARNING, _title(theme["title"]))
    return None


def is_heading_line(text: str) -> bool:
    return classify(text) is not None


def _title(text: str) -> str:
    return text.strip().strip("*_").strip().rstrip("?:.").strip()


# ---------------------------------------------------------------------------------------------
# The title

_TITLE_HINT = re.compile(
    r"\baudit\b|\bbriefing\b|\bmacfa\b|\bcase\s+file\b|\blearning\s+from\b|\breview\b",
    re.IGNORECASE,
)
_NOT_TITLE = re.compile(
    r"^(?:the\s+audit\s+(?:of|on|took|was)|organisations|agencies|click|this\s+audit|audit\s+date|"
    r"date\s+of\s+(?:the\s+)?audit|published|updated|version|page\b)|reviewed\s+the|"
    r"\b(?:were|was|are)\s*:|\bwe\b",
    re.IGNORECASE,
)
_DATE_TAIL = re.compile(
    rf"(?:[\s,–—\-|]*(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?(?:{MONTH})\s*,?\s*(?:19|20)\d{{2}}"
    r"|[\s,–—\-|]*[(\[]?(?:19|20)\d{2}(?:\s*[/–-]\s*\d{2,4})?[)\]]?)\s*$",
    re.IGNORECASE,
)
_DATE_HEAD = re.compile(
    rf"^\s*(?:(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?(?:{MONTH})\s*,?\s*(?:19|20)\d{{2}}"
    r"|(?:19|20)\d{2}(?:\s*[/–-]\s*\d{2,4})?)[\s,–—\-|:]+",
    re.IGNORECASE,
)
_SMALL = words(
    """
    a an the of to for and or in on at by with from into about as is are be not being when
    who which that their his her its after before during under over
    """
)
_GENERIC_TITLE_WORDS = words(
    """
    multi agency multi-agency quality assurance audit audits case file casefile learning
    briefing briefings summary report partnership safeguarding children children's childrens
    board macfa maqa themed thematic findings from the of a an 7 seven minute minutes key
    messages and programme annual overview
    """
)


def could_be_title(text: str) -> bool:
    """Not a heading, a sentence, a date line or a line about the audit's sample."""
    words = text.split()
    if not words or len(words) > 25 or re.search(r"[.!]$", text.strip()):
        return False
    return not (_NOT_TITLE.search(text) or classify(text))


def title_score(text: str, level: int, position: int) -> int:
    """How much a paragraph looks like the briefing's title (0: not at all)."""
    tokens = text.split()
    if not tokens or len(tokens) > 25 or re.search(r"[.!]$", text.strip()):
        return 0
    if _NOT_TITLE.search(text) or classify(text):
        return 0
    score = 0
    if level == 1:
        score += 4
    elif level:
        score += 1
    if _TITLE_HINT.search(text):
        score += 3
        if re.search(r":|\s[-–—]\s", text):
            score += 2
    if score and position < 3:
        score += 1
    return score


def clean_title(raw: str) -> str:
    """The title without its date and layout debris."""
    title = " ".join(raw.replace("**", "").split()).strip(" #*_|")
    title = re.sub(
        r"^(?:item|agenda\s+item|section|slide|part)\s+\d+[a-z]?\s*[:.\-–—]\s*",
        "",
        title,
        flags=re.I,
    )
    for _ in range(3):
        stripped = _DATE_TAIL.sub("", title).strip(" ,–—-|:")
        stripped = _DATE_HEAD.sub("", stripped).strip(" ,–—-|:")
        if stripped == title:
            break
        title = stripped
    return _drop_garbled_tail(title)


def _drop_garbled_tail(title: str) -> str:
    """ "... Missing from Education cation": a stray lower-case fragment after a capitalised title."""
    tokens = title.split()
    if len(tokens) < 3:
        return title
    last, before = tokens[-1], tokens[-2]
    if (
        last.isalpha()
        and last.islower()
        and last not in _SMALL
        and before[:1].isupper()
        and before.lower() not in _SMALL
    ):
        content = [w for w in tokens[:-1] if w.lower() not in _SMALL]
        if content and all(w[:1].isupper() or not w[:1].isalpha() for w in content):
            return " ".join(tokens[:-1])
    return title


def theme_of(title: str) -> str | None:
    """The audit's theme: what follows the colon, or what is left of the title's generic words."""
    if not title:
        return None
    if ":" in title:
        after = _strip_generic_tail(title.split(":", 1)[1].strip())
        if after:
            return after
    parts = [p.strip() for p in re.split(r"\s+[-–—|]\s+", title) if p.strip()]
    if len(parts) > 1:
        specific = [p for p in parts if not _generic(p)]
        if specific:
            return specific[-1] if _generic(parts[0]) else specific[0]
    audit_of = re.search(
        r"\baudit\s+(?:of|on|into|about)\s+(?:the\s+)?(?P<theme>\S.*)$", title, re.I
    )
    if audit_of:
        return audit_of["theme"].strip()
    tokens = title.split()
    kept = [i for i, w in enumerate(tokens) if not _generic_word(w)]
    if kept and len(kept) < len(tokens):
        # The words of the theme as printed, generic ones dropped from both ends.
        return " ".join(tokens[kept[0] : kept[-1] + 1])
    return None


_GENERIC_TAIL = re.compile(
    r"(?:\s+[-–—|]?\s*(?:(?:multi[-\s]?agency\s+)?(?:audit\s+)?(?:learning\s+)?(?:briefing|summary|"
    r"report|findings|learning|7[-\s]minute\s+briefing)))+$",
    re.IGNORECASE,
)


def _strip_generic_tail(text: str) -> str:
    """ "Neglect Learning Briefing" -> "Neglect"."""
    stripped = _GENERIC_TAIL.sub("", text).strip(" -–—|:")
    return stripped or text


def _generic_word(word: str) -> bool:
    if re.fullmatch(r"[(\[]?(?:19|20)\d{2}(?:[/–-]\d{2,4})?[)\]]?[,:]?", word):
        return True  # a year or a range of years ("2016/17")
    return all(part in _GENERIC_TITLE_WORDS for part in key(word).split())


def _generic(text: str) -> bool:
    return all(_generic_word(w) for w in text.split())
