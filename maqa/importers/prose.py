"""Points written as prose rather than under a heading, and telling findings from actions.

"Concerns were raised about ...", "It was found that ...", "The audit identified ...", "Key
findings included: ...", "It was recommended that ...": the sentence-level cues of briefings
written as paragraphs, and of committee minutes.
"""

# Briefings are typeset: their dashes, bullets and curly quotes are matched on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import re

from maqa.importers.vocabulary import (
    ACTIONS,
    FINDING_OPENERS,
    FOUND,
    GOOD_PRACTICE,
    IMPERATIVE_VERBS,
    NEEDS,
    ORGANISATIONS,
    RESOURCES,
    WORRIES,
)

_I = re.IGNORECASE

_LEAD_LIST = re.compile(
    r"^(?:the\s+)?(?:key\s+|main\s+|other\s+)?(?P<what>findings|learning(?:\s+points)?|themes|strengths|"
    r"areas\s+(?:for|of)\s+(?:development|improvement)|concerns|recommendations|good\s+practice|"
    r"worries|key\s+messages|messages|actions)\s+(?:from\s+the\s+audit\s+)?(?:included|include|"
    r"(?:were|are|identified(?:\s+(?:were|included))?)\s*:)\s*:?\s*(?P<rest>.*)$",
    _I,
)
_CONCERN = re.compile(
    r"^(?:(?:some|significant|particular|several|further)\s+)?concerns?\s+(?:was|were|have\s+been|has\s+been)\s+"
    r"(?:raised|noted|identified|expressed|highlighted|found)\s+(?:about|regarding|around|over|"
    r"in\s+relation\s+to|with|that|as\s+to|in)\s+(?P<rest>.+)$",
    _I,
)
_CONCERNED = re.compile(
    r"^(?:the\s+)?(?:panel|group|members|board|committee|auditors|partners|audit\s+group)\s+"
    r"(?:was|were)\s+(?:concerned|worried)\s+(?:about|that|by)\s+(?P<rest>.+)$",
    _I,
)
_FOUND = re.compile(
    r"^(?:(?:it\s+was|it\s+has\s+been)\s+(?:found|noted|identified|evident|clear|highlighted|recognised|"
    r"observed|apparent)\s+that|(?:the\s+)?(?:audits?|panel|group|review|members|committee|board|"
    r"audit\s+group|auditors)\s+(?:also\s+)?(?:identified|found|highlighted|showed|shows|demonstrated|"
    r"evidenced|revealed|noted|observed|recognised|heard)(?:\s+that)?)\s+(?P<rest>.+)$",
    _I,
)
_GOOD = re.compile(
    r"^(?:(?:there\s+was\s+)?(?:evidence\s+of\s+)?good\s+practice\s+(?:was|were)\s+(?:seen|evident|"
    r"noted|identified|found|observed)\s+(?:in|around|with|regarding|where)?|strengths?\s+(?:included|"
    r"were|was|identified\s+included))\s*:?\s*(?P<rest>.+)$",
    _I,
)
_RECOMMEND = re.compile(
    r"^(?:it\s+was\s+(?:recommended|agreed)\s+that|(?:the\s+)?(?:panel|group|members|board|committee|"
    r"audit|review)\s+(?:recommended|recommends|agreed)(?:\s+that)?|(?:a\s+)?recommendations?\s+"
    r"(?:was|were|is)\s+(?:made|agreed)\s+(?:that|to|for))\s+(?P<rest>.+)$",
    _I,
)
_GOOD_CUE = re.compile(
    r"^(?:good|effective|strong|positive|excellent|evidence\s+of\s+good|some\s+good|clear\s+evidence\s+of\s+good)\b"
    r"|\bgood\s+practice\b",
    _I,
)
_MODAL = re.compile(
    r"\b(?:should(?!\s+have)|must|needs?\s+to|make\s+sure|ought\s+to|will\s+(?:be|need|ensure)|"
    r"is\s+required|are\s+required|are\s+(?:encouraged|reminded|asked)|remember\s+to)\b",
    _I,
)
_WHO_SHOULD = re.compile(
    r"^(?:all\s+)?(?:practitioners|professionals|agencies|staff|managers|partners|workers|"
    r"social\s+workers|health\s+professionals|schools|services)\b[^.]{0,50}?\b(?:to|should|must|need|needs|will)\b",
    _I,
)
_STATEMENT = re.compile(
    r"\b(?:was|were|is|are|has|had|not|no|lack|showed|found|seen|evident)\b", _I
)


_ABBREVIATION = re.compile(
    r"(?:\b(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|eg|e\.g|ie|i\.e|etc|dr|no|approx|"
    r"vs|st|inc|ref)\.)$",
    re.IGNORECASE,
)


def sentences(text: str) -> list[str]:
    """The sentences of a paragraph (not split after "Sept." or "e.g.")."""
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"'‘“(])", " ".join(text.split()))
    out: list[str] = []
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if out and _ABBREVIATION.search(out[-1]):
            out[-1] = f"{out[-1]} {part}"
        else:
            out.append(part)
    return out


def _point(text: str) -> str:
    text = text.strip().rstrip(".;:").strip()
    return text[:1].upper() + text[1:] if text else text


def _split_points(rest: str) -> list[str]:
    rest = rest.strip().rstrip(".")
    if ";" in rest:
        items = rest.split(";")
    else:
        items = re.split(r",\s*(?:and\s+)?|\s+and\s+(?=[^,]*$)", rest)
        if len(items) < 3 or any(len(i.split()) > 10 for i in items):
            items = [rest]
    return [_point(re.sub(r"^(?:and|or)\s+", "", i.strip(), flags=_I)) for i in items if i.strip()]


def lead_in_section(text: str) -> str | None:
    """The section a short paragraph ending in a colon introduces ("Key findings included:")."""
    text = text.strip()
    if not text.endswith(":") or len(text.split()) > 20:
        return None
    lowered = text.lower()
    if re.search(r"strength|good\s+practice|went\s+well|working\s+well|positive", lowered):
        return GOOD_PRACTICE
    if re.search(
        r"concern|worr|development|improvement|weakness|gaps?\b|not\s+working|could\s+be\s+better",
        lowered,
    ):
        return WORRIES
    if re.search(
        r"recommend|actions?\b|next\s+steps|needs?\s+to\s+happen|should|key\s+messages", lowered
    ):
        return ACTIONS
    if re.search(r"finding|learning|found|identified|themes?\b|showed", lowered):
        return FOUND
    if re.search(r"range\s+of\s+needs|needs\s+(?:included|including)", lowered):
        return NEEDS
    if re.search(r"organisations|organizations|agencies|took\s+part|participated", lowered):
        return ORGANISATIONS
    if re.search(r"resources|links|toolkits?|further\s+information", lowered):
        return RESOURCES
    return None


def prose_points(text: str) -> list[tuple[str, str]]:
    """(section, point) for each finding a paragraph of prose introduces."""
    out: list[tuple[str, str]] = []
    for sentence in sentences(text):
        lead = _LEAD_LIST.match(sentence)
        if lead and lead["rest"].strip():
            what = lead["what"].lower()
            if re.match(r"strength|good", what):
                section = GOOD_PRACTICE
            elif re.match(r"areas|concerns|worries", what):
                section = WORRIES
            elif re.match(r"recommendations|key\s+messages|messages|actions", what):
                section = ACTIONS
            else:
                section = FOUND
            out.extend((section, item) for item in _split_points(lead["rest"]))
            continue
        for pattern, section in (
            (_CONCERN, WORRIES),
            (_CONCERNED, WORRIES),
            (_GOOD, GOOD_PRACTICE),
            (_RECOMMEND, ACTIONS),
        ):
            match = pattern.match(sentence)
            if match:
                out.append((section, _point(match["rest"])))
                break
        else:
            match = _FOUND.match(sentence)
            if match:
                rest = match["rest"]
                out.append((GOOD_PRACTICE if _GOOD_CUE.search(rest) else FOUND, _point(rest)))
    return out


def _cued(sentence: str) -> bool:
    lead = _LEAD_LIST.match(sentence)
    if lead and lead["rest"].strip():
        return True
    patterns = (_CONCERN, _CONCERNED, _GOOD, _RECOMMEND, _FOUND)
    return any(pattern.match(sentence) for pattern in patterns)


def split_cued(text: str) -> list[str]:
    """A paragraph of several findings, each in a sentence with its own lead-in, split up."""
    parts = sentences(text)
    if len(parts) >= 2 and sum(1 for part in parts if _cued(part)) >= 2:
        return parts
    return [text]


def looks_like_action(text: str) -> bool | None:
    """True for what needs to happen, False for what was found, None when the wording is neutral."""
    text = text.strip()
    if _MODAL.search(text) or _WHO_SHOULD.match(text):
        return True
    words = re.findall(r"[A-Za-z']+", text.lower())
    if not words:
        return None
    first, second = words[0], (words[1] if len(words) > 1 else "")
    if first in IMPERATIVE_VERBS and second not in {
        "of", "was", "were", "is", "are", "has", "had", "showed", "found", "identified", "being",
        "seen",
    }:  # fmt: skip
        return True
    if first in FINDING_OPENERS or _STATEMENT.search(text):
        return False
    return None
