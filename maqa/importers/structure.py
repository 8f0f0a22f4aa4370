"""Walking a briefing's paragraphs in order: which section each point belongs to.

The walk keeps a current section (worries, good practice, learning themes, resources, ...) and,
inside the learning themes, a current theme and whether its points are what was found, what needs
to happen, or a mix of both (two columns side by side). Links to resources and the organisations
line are recognised wherever they stand.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from maqa.importers import facts
from maqa.importers.headings import DUAL, Heading, classify
from maqa.importers.prose import lead_in_section, looks_like_action, prose_points, split_cued
from maqa.importers.resources import is_resource, looks_like_name, resource_names, split_glued
from maqa.importers.text import BULLET, HEADING, TEXT, Para, ends_dangling
from maqa.importers.vocabulary import (
    ACTIONS,
    FOUND,
    GOOD_PRACTICE,
    INTRO,
    LEARNING,
    NEEDS,
    ORGANISATIONS,
    OTHER,
    RESOURCES,
    SKIP,
    STRONG_DANGLING,
    WORRIES,
)

FRAGMENTS = "fragments"
_SAMPLE = re.compile(
    r"reviewed\s+the\s+(?:case\s+)?records\s+of|children\s+(?:and\s+young\s+\w+\s+)?(?:chosen|selected)\s+for"
    r"|range\s+of\s+needs(?:\s+and\s+\w+)?\s+(?:including|such\s+as)|\b(?:cases|children)\s+(?:were|was)\s+(?:audited|selected|chosen|reviewed)"
    r"|\bsample\s+(?:of|was|consisted|comprised)|\bthe\s+aim\s+of\s+the\s+audit",
    re.IGNORECASE,
)


@dataclass
class Theme:
    title: str | None = None
    found: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    mode: str = ""  # "", FOUND, ACTIONS or DUAL
    last: str = FOUND  # in DUAL mode, where the last point went

    @property
    def empty(self) -> bool:
        return not self.found and not self.actions


@dataclass
class Structure:
    intro: list[str] = field(default_factory=list)  # opening paragraphs, as text
    fragments: list[str] = field(default_factory=list)  # lines of a paragraph out of order
    worries: list[str] = field(default_factory=list)
    good_practice: list[str] = field(default_factory=list)
    themes: list[Theme] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)
    resource_paras: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    organisations_count: int | None = None
    needs: list[str] = field(default_factory=list)
    headings_seen: dict[str, str] = field(default_factory=dict)  # section -> heading as printed


# ---------------------------------------------------------------------------------------------
# Passes over the paragraphs before the walk


def merge_garbled_duplicates(paras: list[Para]) -> list[Para]:
    """Drop text a PDF's hidden OCR layer repeats, garbled, before the real paragraph.

    "... the plan was not / reveiwed at the core group and Health did" followed by "reviewed at
    the core group and Health did not attend ..." is one paragraph; a paragraph that garbles the
    start of the next ("This is echoed in the Natonal Reveiw. The Rsk of Drlft in Plans." before
    "This is echoed in the National Review - The Risk of Drift in Plans - ...") goes.
    """
    out: list[Para] = []
    for para in paras:
        previous = out[-1] if out else None
        if previous is not None and previous.kind == TEXT and para.kind == TEXT:
            prev_words, words = previous.text.split(), para.text.split()
            overlap = _tail_overlap(prev_words, words)
            if overlap and overlap < len(prev_words):
                out[-1] = Para(TEXT, [" ".join(prev_words[:-overlap]), para.text])
                continue
            if len(prev_words) >= 6 and len(words) > len(prev_words):
                head = " ".join(words[: len(prev_words)]).lower()
                ratio = difflib.SequenceMatcher(
                    None, previous.text.lower(), head, autojunk=False
                ).ratio()
                if ratio >= 0.7 and [w.lower() for w in prev_words[:3]] == [
                    w.lower() for w in words[:3]
                ]:
                    out[-1] = para
                    continue
        out.append(para)
    return out


def _tail_overlap(a: list[str], b: list[str]) -> int:
    """How many words end `a` that `b` starts with, nearly but not exactly (0 if none).

    The closest match wins: "... was not reveiwed at the core group" overlaps "reviewed at the
    core group ..." by the words from "reveiwed" on, not from "not".
    """
    best, best_ratio = 0, 0.88
    for k in range(min(len(a), len(b), 25), 3, -1):  # a repeated line, not a page
        tail, head = " ".join(a[-k:]).lower(), " ".join(b[:k]).lower()
        if tail == head:
            continue
        ratio = difflib.SequenceMatcher(None, tail, head, autojunk=False).ratio()
        if ratio > best_ratio:
            best, best_ratio = k, ratio
    return best


def mark_fragments(paras: list[Para]) -> list[Para]:
    """Runs of short one-line paragraphs that are pieces of sentences: lines out of order."""
    out: list[Para] = []
    i = 0
    while i < len(paras):
        j = i
        while j < len(paras) and _fragment_like(paras[j]):
            j += 1
        run = paras[i:j]
        pieces = sum(
            1
            for p in run
            if p.text[:1].islower() or ends_dangling(p.text) or not re.search(r"[.!?]$", p.text)
        )
        if len(run) >= 5 and pieces >= 0.6 * len(run):
            out.append(Para(FRAGMENTS, [p.text for p in run]))
            i = j
            continue
        out.append(paras[i])
        i += 1
    return out


def _fragment_like(para: Para) -> bool:
    return (
        para.kind == TEXT
        and len(para.lines) == 1
        and len(para.text) <= 40
        and not is_resource(para.text)
    )


def merge_resource_leads(paras: list[Para]) -> list[Para]:
    """ "Safer Sleep." + "There is a short film for parents ... click here": one link."""
    out: list[Para] = []
    for para in paras:
        previous = out[-1] if out else None
        if (
            previous is not None
            and previous.kind == TEXT
            and para.kind == TEXT
            and is_resource(previous.text)
            and not resource_names(previous.text)
            and len(para.text.split()) <= 10
        ):
            out[-1] = Para(
                TEXT, [previous.text, para.text]
            )  # "Click here to contact" / "the Family Hub"
            continue
        if (
            previous is not None
            and previous.kind == TEXT
            and para.kind == TEXT
            and len(previous.text.split()) <= 6
            and re.match(r"(?i)there\s+(?:is|are)\b", para.text)
            and is_resource(para.text)
        ):
            out[-1] = Para(TEXT, [previous.text, para.text])
            continue
        out.append(para)
    return out


# ---------------------------------------------------------------------------------------------
# The walk


def title_like(para: Para, strict: bool = False) -> bool:
    """A theme's title: a short line, no full stop, not a sentence of what to do."""
    text = para.text.strip()
    words = text.split()
    if para.kind != TEXT or not words or len(words) > (12 if strict else 18):
        return False
    if re.search(r"[.!;,:]$", text) or text[:1].islower() or is_resource(text):
        return False
    if strict and looks_like_action(text):
        return False
    return not re.search(r"\b(?:should|must|need\s+to|needs\s+to)\b", text, re.IGNORECASE)


class Walker:
    def __init__(self, paras: list[Para], link_titles: set[str]) -> None:
        self.paras = paras
        self.link_titles = {t.lower() for t in link_titles}
        self.out = Structure()
        self.section: str | None = None
        self.theme: Theme | None = None
        self.awaiting_title = False
        self.recent: list[tuple[list[str], int]] = []
        self.last_was_resource = False
        self.empty_check: tuple[str, str] | None = None  # (section, heading) awaiting content
        self.empty_sections: list[str] = []

    # -- helpers ---------------------------------------------------------------------------

    def _add(self, target: list[str], text: str) -> None:
        text = " ".join(text.split())
        if not text:
            return
        target.append(text)
        self.recent.append((target, len(target) - 1))
        self.empty_check = None

    def _attach_orphan(self, text: str) -> bool:
        """A paragraph that starts in lower case finishes an earlier point left hanging."""
        if not self.recent or not text[:1].islower():
            return False
        candidates = [(lst, i) for lst, i in reversed(self.recent[-4:]) if i < len(lst)]
        target = next(
            (
                c
                for c in candidates
                if re.findall(r"[A-Za-z']+", c[0][c[1]])[-1:]
                and re.findall(r"[A-Za-z']+", c[0][c[1]])[-1].lower() in STRONG_DANGLING
            ),
            None,
        )
        if target is None:
            target = next(
                (c for c in candidates if ends_dangling(c[0][c[1]])),
                candidates[0] if candidates else None,
            )
        if target is None:
            return False
        lst, i = target
        lst[i] = f"{lst[i].rstrip()} {text.strip()}"
        return True

    def _new_theme(self, title: str | None, mode: str = "") -> Theme:
        theme = Theme(title=title or None, mode=mode)
        self.out.themes.append(theme)
        self.theme = theme
        self.awaiting_title = False
        self.recent = []
        return theme

    def _set_section(self, section: str | None, heading: str) -> None:
        self._close_empty()
        self.section = section
        self.recent = []
        self.last_was_resource = False
        if section in (WORRIES, GOOD_PRACTICE, RESOURCES):
            self.empty_check = (section, heading)
        if section:
            self.out.headings_seen.setdefault(section, heading)

    def _close_empty(self) -> None:
        if self.empty_check is not None:
            self.empty_sections.append(self.empty_check[1])
            self.empty_check = None

    def _next(self, i: int) -> Para | None:
        return self.paras[i + 1] if i + 1 < len(self.paras) else None

    # -- the walk -----------------------------------------------------------------------------

    def walk(self) -> Structure:
        for i, para in enumerate(self.paras):
            if para.kind == FRAGMENTS:
                if self.section in (None, INTRO):
                    self.out.fragments.extend(para.lines)
                else:
                    self._content(Para(TEXT, para.lines), i)
                continue
            heading = classify(para.text) if para.kind in (HEADING, TEXT) else None
            if heading is None and para.kind == TEXT:
                lead = lead_in_section(para.text)
                if lead:
                    heading = Heading(lead)
            if heading is not None and (para.kind == HEADING or len(para.text.split()) <= 20):
                self._heading(heading, para.text)
                continue
            if para.kind == HEADING:
                self._plain_heading(para.text)
                continue
            self._content(para, i)
        self._close_empty()
        return self.out

    def _heading(self, heading: Heading, printed: str) -> None:
        section, rest = heading.section, heading.rest
        self.last_was_resource = False
        if section in (FOUND, ACTIONS, DUAL):
            self._sub_heading(section, rest, printed)
            return
        self._set_section(section, printed)
        if section == LEARNING:
            self.theme = None
            if rest:
                self._new_theme(rest)
            else:
                # "Themes for Learning" is followed by a theme's title; "Key findings" by points.
                self.awaiting_title = bool(re.search(r"\btheme", printed, re.IGNORECASE))
            self.empty_check = None
        elif rest:
            # "Strengths: good communication; timely referrals"
            for part in rest.split(";") if section in (WORRIES, GOOD_PRACTICE) else [rest]:
                self._content(Para(TEXT, [part.strip()]), -1)

    def _sub_heading(self, section: str, rest: str, printed: str) -> None:
        if self.section != LEARNING:
            self._set_section(LEARNING, printed)
            self.empty_check = None
            self.theme = None
        theme = self.theme
        if section == FOUND and rest and (rest.endswith(".") or len(rest.split()) > 18):
            # "What we found: Practitioners did not ...": a finding, not a theme's title.
            if theme is None or not theme.empty:
                theme = self._new_theme(None)
            theme.mode = FOUND
            self._add(theme.found, rest)
        elif section == FOUND:
            if theme is not None and theme.empty and theme.mode == "":
                theme.mode = FOUND
                if rest:
                    if theme.title:
                        self._add(theme.found, rest)  # "Theme: X" then "What we found: Y"
                    else:
                        theme.title = rest
            else:
                self._new_theme(rest or None, FOUND)
        elif section == DUAL:
            if (
                theme is not None
                and theme.empty
                and theme.mode == ""
                and not (rest and theme.title)
            ):
                theme.mode = DUAL
                theme.title = theme.title or rest or None
            else:
                self._new_theme(rest or None, DUAL)
        else:  # ACTIONS
            if theme is None:
                theme = self._new_theme(None)
            theme.mode = ACTIONS
            if rest:
                self._add(theme.actions, rest)
        self.awaiting_title = False
        self.recent = []

    def _plain_heading(self, text: str) -> None:
        """A heading (bold or marked up) that is none of the known sections."""
        self.last_was_resource = False
        if self.section == LEARNING:
            theme = self.theme
            if theme is not None and theme.title is None and theme.empty:
                theme.title = text.rstrip("?:").strip()
            else:
                self._new_theme(text.rstrip("?:").strip())
            return
        if self.section in (RESOURCES,):
            return
        # Any other heading ends the current list: what follows is intro-like prose.
        if self.section in (WORRIES, GOOD_PRACTICE, ORGANISATIONS, NEEDS):
            self._set_section(OTHER, text)

    def _content(self, para: Para, i: int) -> None:
        text = para.text
        if not text:
            return
        orgs = facts.organisations_in(text)
        if orgs is not None and orgs.names:
            self.out.organisations.extend(orgs.names)
            if orgs.count is not None:
                self.out.organisations_count = orgs.count
            self.last_was_resource = False
            return
        if _SAMPLE.search(text) and para.kind == TEXT:
            self.out.intro.append(text)
            return
        if is_resource(text) or (text.lower() in self.link_titles and len(text.split()) <= 12):
            names = resource_names(text) if is_resource(text) else [text]
            if names:
                self.out.resources.extend(names)
                self.out.resource_paras.append(text)
                self.last_was_resource = True
                self.empty_check = None if self.section == RESOURCES else self.empty_check
                return
        if self.section == RESOURCES or (
            self.last_was_resource and para.kind == TEXT and looks_like_name(text)
        ):
            for name in split_glued(text):
                names = resource_names(name) or [name]
                self.out.resources.extend(n for n in names if n)
            self.out.resource_paras.append(text)
            self.last_was_resource = True
            self.empty_check = None
            return
        self.last_was_resource = False
        if self.section == SKIP:
            return
        if self.section in (None, INTRO, OTHER):
            points = prose_points(text) if para.kind == TEXT else []
            if points:
                for section, point in points:
                    self._prose_point(section, point)
                return
            if self.section == OTHER and para.kind == BULLET:
                self._add(self._theme_for_points().found, text)
                return
            self.out.intro.append(text)
            return
        if self._attach_orphan(text):
            return
        pieces = split_cued(text) if para.kind == TEXT else [text]
        if len(pieces) > 1:
            for piece in pieces:
                self._content(Para(TEXT, [piece]), i)
            return
        if self.section == WORRIES:
            self._add(self.out.worries, text)
        elif self.section == GOOD_PRACTICE:
            self._add(self.out.good_practice, text)
        elif self.section == ORGANISATIONS:
            self.out.organisations.extend(
                facts.split_organisations(text) if para.kind == TEXT else [text.strip(" .;")]
            )
        elif self.section == NEEDS:
            self.out.needs.extend(
                facts.split_needs(text) if para.kind == TEXT else [text.strip(" .;")]
            )
        elif self.section == LEARNING:
            self._learning(para, i)

    def _theme_for_points(self) -> Theme:
        return self.theme if self.theme is not None else self._new_theme(None)

    def _prose_point(self, section: str, point: str) -> None:
        if section == WORRIES:
            self._add(self.out.worries, point)
        elif section == GOOD_PRACTICE:
            self._add(self.out.good_practice, point)
        elif section == ACTIONS:
            self._add(self._theme_for_points().actions, point)
        else:
            self._add(self._theme_for_points().found, point)

    def _learning(self, para: Para, i: int) -> None:
        text = para.text
        following = self._next(i)
        theme = self.theme
        if (
            self.awaiting_title
            and title_like(para)
            and following is not None
            and following.kind != HEADING
        ):
            self._new_theme(text.rstrip("?").strip())
            return
        if (
            theme is not None
            and theme.actions
            and title_like(para, strict=True)
            and following is not None
            and (next_heading := classify(following.text)) is not None
            and next_heading.section == FOUND
            and not next_heading.rest
        ):
            # A theme's title between the last theme's actions and the next "What we found".
            self._new_theme(text.rstrip("?").strip())
            return
        theme = self._theme_for_points()
        self.awaiting_title = False
        if theme.mode == FOUND:
            self._add(theme.found, text)
        elif theme.mode == ACTIONS:
            self._add(theme.actions, text)
        elif theme.mode == DUAL:
            verdict = looks_like_action(text)
            goes = theme.last if verdict is None else (ACTIONS if verdict else FOUND)
            theme.last = goes
            self._add(theme.actions if goes == ACTIONS else theme.found, text)
        elif para.kind == BULLET:
            self._add(theme.found, text)
        elif theme.found and (looks_like_action(text) or para.callout):
            self._add(theme.actions, text)
        else:
            self._add(theme.found, text)


def walk(paras: list[Para], link_titles: set[str]) -> tuple[Structure, list[str]]:
    """The briefing's structure, and the headings of sections left empty."""
    walker = Walker(paras, link_titles)
    structure = walker.walk()
    return structure, walker.empty_sections
