"""`parse_briefing`: one document's bytes in, its briefing record (../shared/briefing-record.md) out."""

# Briefings are typeset: their dashes, bullets and curly quotes are matched on purpose.
# ruff: noqa: RUF001, RUF003

from __future__ import annotations

import difflib
import re
from pathlib import PurePath

from maqa.briefings.types import BriefingRecord, Link, ThemeForLearning
from maqa.importers import facts
from maqa.importers.formats import Extracted, extract
from maqa.importers.headings import (
    clean_title,
    could_be_title,
    is_heading_line,
    theme_of,
    title_score,
)
from maqa.importers.prose import sentences
from maqa.importers.resources import resource_names
from maqa.importers.structure import (
    Structure,
    Theme,
    mark_fragments,
    merge_garbled_duplicates,
    merge_resource_leads,
    walk,
)
from maqa.importers.text import (
    HEADING,
    TEXT,
    Para,
    ends_dangling,
    normalise,
    paragraphs,
    untable,
)
from maqa.importers.vocabulary import NUMBER_WORDS, key

_PARTNERSHIP = re.compile(
    r"\b((?:[A-Z][\w'’&.-]*\s+(?:and\s+|&\s+)?){1,6}(?:Safeguarding\s+Children\s+Partnership|Safeguarding\s+Partnership|"
    r"Children'?s\s+Safeguarding\s+Partnership|Safeguarding\s+Children\s+Board|Children'?s\s+Partnership"
    r"|Safeguarding\s+Children'?s?\s+Partnership))"
)
_AIM = re.compile(
    r"\b(?:the\s+)?aims?\s+(?:of\s+the\s+audit\s+)?(?:was|were|is)\s+to\b.*", re.IGNORECASE
)


def parse_briefing(data: bytes, filename: str = "") -> BriefingRecord:
    """The briefing record of one document (.txt, .md, .pdf, .docx or .html, told by content).

    Raises `UnsupportedDocument` for content that is none of those formats or cannot be read.
    """
    extracted = extract(data)
    return parse_text(extracted, source=PurePath(filename).name if filename else "")


def parse_text(extracted: Extracted, source: str = "") -> BriefingRecord:
    """The record of a document already turned into text."""
    text = untable(normalise(extracted.text), is_heading_line)
    paras = paragraphs(text, is_heading_line)
    title_raw, paras = _take_title(paras, extracted.title_hint)
    paras = merge_garbled_duplicates(paras)
    paras = mark_fragments(paras)
    paras = merge_resource_leads(paras)
    link_titles = {link["title"] for link in extracted.links if link.get("title")}
    structure, empty_sections = walk(paras, link_titles)
    return _record(structure, title_raw, empty_sections, extracted, source)


def _take_title(paras: list[Para], hint: str | None) -> tuple[str, list[Para]]:
    """The title as printed, and the paragraphs without it (and its repeats as page headers)."""
    best, best_score = -1, 0
    for position, para in enumerate(paras):
        if para.kind not in (TEXT, HEADING):
            continue
        score = title_score(para.text, para.level, position)
        if score > best_score:
            best, best_score = position, score
    if best < 0 and hint:
        return hint, paras
    if best < 0:
        # No title-like line: the first short line before any heading, if there is one.
        for position, para in enumerate(paras[:3]):
            words = para.text.split()
            if (
                para.kind in (TEXT, HEADING)
                and 0 < len(words) <= 12
                and not re.search(r"[.!?:]$", para.text)
                and ":" not in para.text  # "Number of children: 9" is a label, not a title
            ):
                if could_be_title(para.text) and not facts.date_in_text(para.text):
                    best = position
                break
        if best < 0:
            return hint or "", paras
    lines = paras[best].lines
    if len(lines) > 1 and _PARTNERSHIP.fullmatch(lines[0].strip()):
        # The partnership's name printed above the title, in the same block of lines.
        paras[best] = Para(paras[best].kind, lines[1:], level=paras[best].level)
        paras.insert(best, Para(TEXT, [lines[0]]))
        best += 1
    raw = paras[best].text
    taken = {best}
    following = paras[best + 1] if best + 1 < len(paras) else None
    if following is not None and _title_continues(raw, following):
        # "Multi-Agency Audit" / "Exploitation – November 2021"; a title / "March 2023".
        raw = f"{raw} \u2013 {following.text}"
        taken.add(best + 1)
    title_key = key(clean_title(raw))
    kept = [
        para
        for position, para in enumerate(paras)
        if position not in taken and not (title_key and key(clean_title(para.text)) == title_key)
    ]
    return raw, kept


def _title_continues(title: str, para: Para) -> bool:
    """Whether the short line after the title is its second line (the theme, or the date)."""
    text = para.text.strip()
    words = text.split()
    if para.kind not in (TEXT, HEADING) or not words or len(words) > 8:
        return False
    if re.search(r"[.!?:;]$", text) or is_heading_line(text):
        return False
    if facts.date_in_text(text) and len(words) <= 5:
        return True
    return theme_of(clean_title(title)) is None and text[:1].isupper()


def _dedupe(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for item in items:
        item = " ".join(item.split()).strip()
        k = key(item)
        if item and k not in seen:
            seen.add(k)
            out.append(item)
    return out


def _record(
    structure: Structure,
    title_raw: str,
    empty_sections: list[str],
    extracted: Extracted,
    source: str,
) -> BriefingRecord:
    title = clean_title(title_raw) if title_raw else ""
    theme = theme_of(title) if title else None
    warnings: list[str] = list(extracted.warnings)

    intro_sentences = [s for para in structure.intro for s in sentences(para)]
    fragment_text = " ".join(structure.fragments)
    fact_sentences = intro_sentences + ([fragment_text] if fragment_text else [])
    sample_sentences = [
        s
        for s in fact_sentences
        if not re.search(r"range\s+of\s+needs|needs\s+(?:included|including)", s, re.IGNORECASE)
    ]

    count, counts_stated = facts.children_count(fact_sentences)
    ages = facts.ages(fact_sentences)
    boys, girls = facts.boys_girls(intro_sentences)
    plans = facts.plans(sample_sentences, count)
    if not plans.types and theme:
        plans.types = facts.plan_types_in(theme)
    categories = facts.cp_categories(sample_sentences)
    needs_raw = facts.needs_text(intro_sentences) or facts.needs_text([fragment_text])
    needs = facts.split_needs(needs_raw) if needs_raw else []
    needs = _dedupe(structure.needs + needs)

    audit_date = facts.audit_date(intro_sentences, structure.fragments, title_raw)

    # Warnings a careful reader would raise.
    if structure.fragments:
        warnings.append(
            "the lines of an opening paragraph are out of order (columns interleaved when the PDF "
            "was converted); its facts were read from the fragments"
        )
    distinct = sorted(set(counts_stated), key=counts_stated.index)
    if len(distinct) > 1:
        warnings.append(
            "the introduction gives different numbers of children: " + ", ".join(map(str, distinct))
        )
    if (
        count is not None
        and structure.organisations_count is not None
        and structure.organisations_count != count
    ):
        warnings.append(
            f"the organisations line counts {_words(structure.organisations_count)} children, "
            f"the introduction {_words(count)}"
        )
    if count is not None and plans.counts and set(plans.counts) == set(plans.types):
        total = sum(plans.counts.values())
        if total != count:
            warnings.append(f"the plan counts add up to {total} but the sample is {count}")
    if count is not None and boys is not None and girls is not None and boys + girls != count:
        warnings.append(
            f"{boys} boys and {girls} girls make {boys + girls}, but the sample is {count}"
        )
    warnings.extend(ages.notes)
    if needs_raw and needs_raw.rstrip().endswith((",", ";")):
        warnings.append("the list of needs ends with a comma: it may be cut off")
    for heading in empty_sections:
        warnings.append(f"the section \u201c{heading.strip()}\u201d is empty")
    themes = [t for t in structure.themes if t.title or not t.empty]
    for t in themes:
        if t.empty:
            warnings.append(f"the learning theme \u201c{t.title}\u201d has no points")
    for field_name, items in (
        ("worries", structure.worries),
        ("good practice", structure.good_practice),
        ("learning", [p for t in themes for p in t.found + t.actions]),
    ):
        for item in items:
            if ends_dangling(item, strict=True):
                warnings.append(
                    f"a point of {field_name} is cut off mid-sentence: \u201c{_tail(item)}\u201d"
                )

    record: BriefingRecord = {
        "source": source,
        "title": title or None,
        "theme": theme,
        "audit_date": audit_date,
        "children": {
            "count": count,
            "age_min": ages.age_min,
            "age_max": ages.age_max,
            "boys": boys,
            "girls": girls,
            "plan_types": plans.types,
            "plan_counts": plans.counts,
            "cp_categories": categories,
        },
        "needs": needs,
        "organisations": _dedupe(structure.organisations),
        "worries": _dedupe(structure.worries),
        "good_practice": _dedupe(structure.good_practice),
        "learning": [_theme_record(t) for t in themes],
        "resources": _dedupe_similar(structure.resources),
        "warnings": _dedupe(warnings),
        "partnership": _partnership(structure, title_raw),
        "aim": _aim(structure),
        "intro": _intro(structure) or None,
        "links": _links(extracted),
    }
    return record


def _theme_record(theme: Theme) -> ThemeForLearning:
    return {"title": theme.title, "found": _dedupe(theme.found), "actions": _dedupe(theme.actions)}


def _dedupe_similar(items: list[str]) -> list[str]:
    """Resources named twice (a link in the text and again in a list) are one resource."""
    out: list[str] = []
    for item in _dedupe(items):
        words = key(item).split()
        if any(_same_words(words, key(o).split()) for o in out):
            continue
        out.append(item)
    return out


def _same_words(a: list[str], b: list[str]) -> bool:
    return bool(a and b) and difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= 0.9


_NUMBER_NAMES = {v: k for k, v in NUMBER_WORDS.items() if k.isalpha() and k != "no"}


def _words(n: int) -> str:
    """ "ten" for 10, as the briefings write counts up to twenty."""
    return _NUMBER_NAMES[n] if 0 <= n <= 20 else str(n)


def _tail(text: str, length: int = 60) -> str:
    return text if len(text) <= length else "\u2026" + text[-length:].lstrip()


def _partnership(structure: Structure, title_raw: str) -> str | None:
    for text in [title_raw, *structure.intro, *structure.resource_paras]:
        match = _PARTNERSHIP.search(text or "")
        if match and not match.group(1).lower().startswith("the "):
            return " ".join(match.group(1).split())
    return None


def _aim(structure: Structure) -> str | None:
    """The paragraph that states the audit's aim (one that opens with it first)."""
    for para in structure.intro:
        if re.match(r"(?i)the\s+aims?\b", para):
            return para.strip()
    for para in structure.intro:
        match = _AIM.search(para)
        if match:
            return match.group(0).strip()
    return None


def _intro(structure: Structure) -> str:
    """The opening paragraphs about the audit and its sample: no aim, date line or masthead."""
    aim = _aim(structure)
    kept = []
    for para in structure.intro:
        words = para.split()
        if aim and para.strip() == aim:
            continue
        if len(words) <= 6 and not re.search(r"[.!?]$", para):
            continue  # a date line, the partnership's name, a stray label
        kept.append(para)
    return "\n\n".join(kept)


def _links(extracted: Extracted) -> list[Link]:
    """Each address once, titled by its link text or, for "click here", the resource's name."""
    out: list[Link] = []
    seen: set[str] = set()
    for link in extracted.links:
        title = link.get("title", "").strip()
        url = link.get("url", "")
        if not url or url in seen:
            continue
        context = link.get("context", "")
        if (
            not title or re.fullmatch(r"(?i)(?:click\s+)?here|this\s+link|link|read\s+more", title)
        ) and context:
            names = resource_names(context)
            title = names[0] if names else context
        seen.add(url)
        out.append({"title": title, "url": url})
    return out
