"""Facts of the sample from the opening text: audit date, how many children, ages, plans, lists.

Each function takes plain sentences (already joined from wrapped lines) and returns what the text
states, or None / empty. Nothing is guessed: a year alone is no date, and a plan type is only one
the text names.
"""

# Briefings are typeset: their dashes, bullets and curly quotes are matched on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from maqa.briefings.types import Age
from maqa.importers.vocabulary import (
    CP_CATEGORIES,
    MONTH,
    MONTHS,
    NUMBER,
    PLAN_PATTERNS,
    number_value,
)

_ORDINAL = r"(?P<day>[0-3]?\d)\s*(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})(?![/\d])"
_DATE_DMY = re.compile(rf"\b{_ORDINAL}\s+(?:of\s+)?(?P<month>{MONTH}),?\s+{_YEAR}", re.IGNORECASE)
_DATE_MDY = re.compile(rf"\b(?P<month>{MONTH})\s+{_ORDINAL},?\s+{_YEAR}", re.IGNORECASE)
_DATE_NUMERIC = re.compile(
    r"\b(?P<day>[0-3]?\d)[/.](?P<month>[01]?\d)[/.](?P<year>(?:19|20)?\d{2})\b(?![/.]\d)"
)
_DATE_ISO = re.compile(r"\b(?P<year>(?:19|20)\d{2})-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b")
_MONTH_YEAR = re.compile(rf"\b(?P<month>{MONTH})\s*,?\s+{_YEAR}", re.IGNORECASE)
# "The audit of 14th" / "audit held on 1st March" with the rest of the date elsewhere.
_DATE_PARTIAL = re.compile(
    r"\baudit\w*\s+(?:(?:was\s+)?(?:of|on|held\s+on|took\s+place\s+on|carried\s+out\s+on|"
    r"undertaken\s+on|completed\s+on|dated|meeting\s+(?:of|on)))\s+(?:the\s+)?"
    rf"{_ORDINAL}(?:\s+(?:of\s+)?(?P<month>{MONTH}))?(?!\s*,?\s*(?:19|20)\d{{2}})",
    re.IGNORECASE,
)
_LEADING_MONTH_YEAR = re.compile(rf"^\s*(?P<month>{MONTH})\s+{_YEAR}\b", re.IGNORECASE)
_LEADING_YEAR = re.compile(rf"^\s*{_YEAR}\b")
_AUDIT_WORDS = re.compile(r"\baudit|\breview|\bpanel\b", re.IGNORECASE)


def _month(text: str) -> int:
    return MONTHS[text.lower().rstrip(".")]


def _iso(year: int, month: int, day: int | None) -> str | None:
    try:
        if day is None:
            date(year, month, 1)
            return f"{year:04d}-{month:02d}"
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _full_date(text: str) -> str | None:
    """The first full date written in `text`, as ISO."""
    found: list[tuple[int, str]] = []
    for pattern in (_DATE_DMY, _DATE_MDY):
        for match in pattern.finditer(text):
            iso = _iso(int(match["year"]), _month(match["month"]), int(match["day"]))
            if iso:
                found.append((match.start(), iso))
    for match in _DATE_NUMERIC.finditer(text):
        year = int(match["year"])
        year = year + 2000 if year < 100 else year
        iso = _iso(year, int(match["month"]), int(match["day"]))  # UK order: day first
        if iso:
            found.append((match.start(), iso))
    for match in _DATE_ISO.finditer(text):
        iso = _iso(int(match["year"]), int(match["month"]), int(match["day"]))
        if iso:
            found.append((match.start(), iso))
    return min(found)[1] if found else None


def audit_date(sentences: list[str], fragments: list[str], title_raw: str) -> str | None:
    """The audit's date: a full date where the opening text gives one, else the month.

    `sentences` are the opening text's sentences; `fragments` are the lines of a paragraph whose
    lines PDF extraction put out of order (the date's parts may sit on different lines);
    `title_raw` is the title as printed, often with "December 2022" after it.
    """
    for sentence in sentences:
        if _AUDIT_WORDS.search(sentence):
            iso = _full_date(sentence)
            if iso:
                return iso
    title_month = _MONTH_YEAR.search(title_raw or "")
    # A day (and perhaps a month) whose year, or month and year, sits elsewhere.
    for sentence in [*sentences, " ".join(fragments)]:
        partial = _DATE_PARTIAL.search(sentence)
        if not partial:
            continue
        day = int(partial["day"])
        month = _month(partial["month"]) if partial["month"] else None
        year = None
        for line in fragments:
            lead = _LEADING_MONTH_YEAR.match(line)
            if lead and (month is None or _month(lead["month"]) == month):
                month, year = _month(lead["month"]), int(lead["year"])
                break
            lead_year = _LEADING_YEAR.match(line)
            if lead_year and month is not None:
                year = int(lead_year["year"])
                break
        if (
            year is None
            and title_month
            and (month is None or _month(title_month["month"]) == month)
        ):
            month, year = _month(title_month["month"]), int(title_month["year"])
        if year is not None and month is not None:
            iso = _iso(year, month, day)
            if iso:
                return iso
    for sentence in sentences:
        if re.search(r"\baudit", sentence, re.IGNORECASE):
            iso = _full_date(sentence)
            if iso:
                return iso
    # Only the month is known: from a sentence about the audit, or from the title.
    for sentence in sentences:
        if re.search(r"\baudit", sentence, re.IGNORECASE):
            match = _MONTH_YEAR.search(sentence)
            if match and not re.search(r"publish|updated|issued", sentence, re.IGNORECASE):
                return _iso(int(match["year"]), _month(match["month"]), None)
    if title_month:
        return _iso(int(title_month["year"]), _month(title_month["month"]), None)
    return None


def date_in_text(text: str) -> str | None:
    """A full or month-only date anywhere in `text` (for titles and headings)."""
    iso = _full_date(text)
    if iso:
        return iso
    match = _MONTH_YEAR.search(text)
    return _iso(int(match["year"]), _month(match["month"]), None) if match else None


# ---------------------------------------------------------------------------------------------
# How many children

_NOUN = r"(?:children|child(?:ren)?'s\s+records|cases|case\s+files|young\s+people|families|babies|infants|records|files)"
_N = rf"(?P<n>\b{NUMBER}\b)"
_COUNT_PATTERNS = [
    re.compile(rf"\brecords\s+of\s+(?:the\s+)?{_N}\s+(?:\w+\s+)?{_NOUN}", re.IGNORECASE),
    re.compile(
        rf"{_N}\s+(?:[\w-]+\s+){{0,2}}?{_NOUN}(?:\s+and\s+young\s+(?:people|adults))?\s+"
        r"(?:were\s+|was\s+|have\s+been\s+|had\s+been\s+)?(?:chosen|selected|audited|reviewed|"
        r"sampled|included|considered|examined|looked\s+at|dip\s+sampled)",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b(?:sample|audit|review|total|dip\s+sample)\s+of\s+(?:the\s+)?{_N}\s+(?:[\w-]+\s+)?{_NOUN}",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:audited|reviewed|examined|considered|looked\s+at|sampled|selected)\s+(?:the\s+)?"
        rf"(?:records\s+of\s+|cases\s+of\s+|files\s+of\s+)?{_N}\s+(?:[\w-]+\s+)?{_NOUN}",
        re.IGNORECASE,
    ),
    re.compile(rf"{_N}\s+(?:cases|children|case\s+files|families)\s*[:(]", re.IGNORECASE),
    re.compile(
        r"\b(?:number\s+of\s+(?:children|cases|young\s+people)(?:\s+audited)?|sample\s+size|"
        rf"(?:cases|children|records)\s+audited)\s*[:=–-]\s*{_N}",
        re.IGNORECASE,
    ),
]
_ANY_COUNT = re.compile(rf"{_N}\s+(?:[\w-]+\s+)?{_NOUN}", re.IGNORECASE)
_PLAN_ANY = re.compile("|".join(f"(?:{p})" for p in PLAN_PATTERNS.values()), re.IGNORECASE)


def children_count(sentences: list[str]) -> tuple[int | None, list[int]]:
    """(the sample size, every sample size stated) from the opening sentences."""
    stated: list[tuple[int, int, int]] = []  # (priority, order, value)
    order = 0
    for sentence in sentences:
        for priority, pattern in enumerate(_COUNT_PATTERNS):
            for match in pattern.finditer(sentence):
                value = number_value(match["n"])
                if value:
                    # "six families (eleven children)": the children are the sample.
                    families = re.search(r"\bfamil", match.group(0), re.IGNORECASE)
                    stated.append((priority + (10 if families else 0), order, value))
                    order += 1
    if not stated or min(stated)[0] >= 10:  # nothing, or only families, so far
        for sentence in sentences:
            for match in _ANY_COUNT.finditer(sentence):
                if re.search(r"\bfamil", match.group(0), re.IGNORECASE):
                    continue
                after = sentence[match.end() : match.end() + 60]
                if _PLAN_ANY.match(after.strip()) or re.match(
                    r"\s*(?:\w+\s+){0,2}(?:have|has|had|are|were|on)\s+(?:an?\s+)?(?:\w+\s+)?"
                    r"(?:plan|child\s+protection|child\s+in\s+need|early\s+help|looked)",
                    after,
                    re.IGNORECASE,
                ):
                    continue  # "4 children are on a child protection plan": a plan count
                if re.search(r"\b\d{4}\b", match["n"]):
                    continue  # a year
                value = number_value(match["n"])
                if value:
                    stated.append((9, order, value))
                    order += 1
    if not stated:
        return None, []
    values = [value for _, _, value in stated]
    best = min(stated)[0]
    top = [value for priority, _, value in stated if priority == best]
    chosen = max(top, key=lambda v: (values.count(v), -values.index(v)))
    return chosen, values


# ---------------------------------------------------------------------------------------------
# Ages

_UNIT = r"(?:years?|yrs?|y\.?o\.?|months?|mths?|mos?|weeks?|wks?)"
_AGE_RANGE = re.compile(
    r"(?:\baged|\bages?(?:\s+range)?|\bage\s+range|\branged?|\branging|\bbetween|\bfrom)[:\s]+"
    r"(?:(?:in\s+age\s+)?(?:from|between)\s+)?(?:the\s+ages?\s+of\s+)?(?:of\s+)?"
    rf"(?P<a>{NUMBER})\s*(?P<ua>{_UNIT})?(?:\s+old)?\s*(?:and|to|-|–|—|until)\s*"
    rf"(?P<b>{NUMBER})\s*(?P<ub>{_UNIT})?",
    re.IGNORECASE,
)
_AGE_MAX = re.compile(
    rf"(?:\baged\s+(?:up\s+to\s+)?(?P<b>{NUMBER})\s*(?P<ub>{_UNIT})?(?:\s+old)?\s*(?:and|or)\s+"
    r"(?:under|younger|below|less)"
    rf"|\b(?:aged\s+)?(?:under|below|up\s+to)\s+(?:the\s+age\s+of\s+)?(?P<b2>{NUMBER})\s*(?P<ub2>{_UNIT})?)",
    re.IGNORECASE,
)
_AGE_MIN = re.compile(
    rf"(?:\baged\s+(?P<a>{NUMBER})\s*(?P<ua>{_UNIT})?(?:\s+old)?\s*(?:and|or)\s+(?:over|older|above)"
    rf"|\b(?:aged\s+)?(?:over|above)\s+(?:the\s+age\s+of\s+)?(?P<a2>{NUMBER})\s*(?P<ua2>{_UNIT}))",
    re.IGNORECASE,
)
_AGE_SENTENCE = re.compile(r"\bage[ds]?\b|\bages\b|\byears?\s+old|\bmonths?\s+old", re.IGNORECASE)


@dataclass
class Ages:
    age_min: Age | None = None
    age_max: Age | None = None
    notes: list[str] = field(default_factory=list)


def _unit(text: str | None) -> str | None:
    if not text:
        return None
    text = text.lower()
    if text.startswith(("m",)):
        return "month"
    if text.startswith(("w",)):
        return "week"
    return "year"


def _age(value: str | None, unit: str | None, notes: list[str]) -> Age | None:
    number = number_value(value or "")
    if number is None:
        return None
    if unit == "week":
        notes.append(f"an age is given in weeks ({number} weeks); the record has years or months")
        return None
    return {"value": number, "unit": unit or "year"}


def ages(sentences: list[str]) -> Ages:
    """ "aged between 9 months and 15 years", "aged 3 years and under", "aged 11 and over"."""
    out = Ages()
    for sentence in sentences:
        if not _AGE_SENTENCE.search(sentence):
            continue
        match = _AGE_RANGE.search(sentence)
        if match:
            unit_b = _unit(match["ub"])
            unit_a = _unit(match["ua"]) or unit_b
            out.age_min = _age(match["a"], unit_a, out.notes)
            out.age_max = _age(match["b"], unit_b or unit_a, out.notes)
            return out
        match = _AGE_MAX.search(sentence)
        if match:
            out.age_max = _age(
                match["b"] or match["b2"], _unit(match["ub"] or match["ub2"]), out.notes
            )
            return out
        match = _AGE_MIN.search(sentence)
        if match:
            out.age_min = _age(
                match["a"] or match["a2"], _unit(match["ua"] or match["ua2"]), out.notes
            )
            return out
    return out


# ---------------------------------------------------------------------------------------------
# Boys and girls


def boys_girls(sentences: list[str]) -> tuple[int | None, int | None]:
    boys = girls = None
    for sentence in sentences:
        for match in re.finditer(
            rf"{_N}\s+(?:(?:is|are|was|were)\s+(?:a\s+)?|of\s+them\s+(?:are|were)\s+)?"
            r"(?P<who>boys?|girls?|males?|females?)\b",
            sentence,
            re.IGNORECASE,
        ):
            value = number_value(match["n"])
            if value is None:
                continue
            if match["who"].lower().startswith(("boy", "male")):
                boys = boys if boys is not None else value
            else:
                girls = girls if girls is not None else value
        for match in re.finditer(
            rf"\b(?P<who>boys?|girls?|males?|females?)\s*[:=–-]\s*{_N}", sentence, re.IGNORECASE
        ):
            value = number_value(match["n"])
            if value is None:
                continue
            if match["who"].lower().startswith(("boy", "male")):
                boys = boys if boys is not None else value
            else:
                girls = girls if girls is not None else value
    return boys, girls


# ---------------------------------------------------------------------------------------------
# Plans and categories

_PLAN_RES = {name: re.compile(pattern, re.IGNORECASE) for name, pattern in PLAN_PATTERNS.items()}


def plan_types_in(text: str) -> list[str]:
    """The plan types `text` names, in the order it names them."""
    found: list[tuple[int, str]] = []
    for name, pattern in _PLAN_RES.items():
        match = pattern.search(text)
        if match:
            found.append((match.start(), name))
    return [name for _, name in sorted(found)]


_PLAN_WORDS = r"(?:" + "|".join(f"(?:{p})" for p in PLAN_PATTERNS.values()) + r")"
_PLAN_COUNT = re.compile(
    rf"{_N}\s+(?:of\s+(?:the|them|these)\s+)?(?:(?:children|child|cases?|young\s+(?:people|person)|families)\s+)?"
    r"(?:(?:who|that|which)\s+)?(?:(?:have|had|has|are|were|was|is|being)\s+)?"
    r"(?:(?:on|subject\s+to|open\s+to|receiving|in\s+receipt\s+of|supported\s+by|known\s+to|under|with|at|involved\s+with)\s+)?"
    rf"(?:an?\s+|the\s+)?(?P<plan>{_PLAN_WORDS})",
    re.IGNORECASE,
)
_PLAN_COUNT_AFTER = re.compile(
    rf"(?P<plan>{_PLAN_WORDS})(?:\s+plans?)?\s*(?:[:(=]|–|-)\s*{_N}\b(?!\s*(?:years?|months?))",
    re.IGNORECASE,
)


def _plan_of(text: str) -> str | None:
    types = plan_types_in(text)
    return types[0] if types else None


@dataclass
class Plans:
    types: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def plans(sentences: list[str], sample_count: int | None) -> Plans:
    """Plan types the sample was drawn from, and counts per type where the text gives them."""
    out = Plans()
    for sentence in sentences:
        for name in plan_types_in(sentence):
            if name not in out.types:
                out.types.append(name)
    explicit: dict[str, int] = {}
    whole: dict[str, int] = {}
    for sentence in sentences:
        numbers = [m.start() for m in re.finditer(rf"\b{NUMBER}\b", sentence, re.IGNORECASE)]
        for match in _PLAN_COUNT.finditer(sentence):
            value = number_value(match["n"])
            plan = _plan_of(match["plan"])
            if value is None or plan is None:
                continue
            # The clause this number governs: up to the next number or the sentence's end.
            later = [n for n in numbers if n > match.start()]
            clause = sentence[match.start() : later[0] if later else len(sentence)]
            if value == sample_count:
                if len(plan_types_in(clause)) == 1:
                    whole.setdefault(plan, value)
                continue
            explicit.setdefault(plan, value)
        for match in _PLAN_COUNT_AFTER.finditer(sentence):
            value = number_value(match["n"])
            plan = _plan_of(match["plan"])
            if value is not None and plan is not None:
                explicit.setdefault(plan, value)
    if not explicit and not whole and sample_count is not None:
        whole = _whole_sample(sentences, sample_count)
    if explicit:
        out.counts = explicit
    elif len(whole) == 1 and len(out.types) <= 1:
        out.counts = whole
    for name in out.counts:
        if name not in out.types:
            out.types.append(name)
    return out


_HEDGE = re.compile(
    r"\b(?:some|several|most|many|few|majority|minority|half|others?|either|or\s+(?:a|an|on)\b|"
    rf"{NUMBER}\s+of\s+(?:the|them|these))\b",
    re.IGNORECASE,
)


def _whole_sample(sentences: list[str], sample_count: int) -> dict[str, int]:
    """ "eight children ..., all of whom were subject to a child protection plan": all eight."""
    for sentence in sentences:
        counted = any(number_value(m["n"]) == sample_count for m in _ANY_COUNT.finditer(sentence))
        types = plan_types_in(sentence)
        if counted and len(types) == 1 and not _HEDGE.search(sentence):
            return {types[0]: sample_count}
    return {}


def cp_categories(sentences: list[str]) -> list[str]:
    """Child-protection categories named for the sample ("under the category of neglect")."""
    found: list[tuple[int, str]] = []
    for sentence in sentences:
        windows: list[tuple[int, str]] = []
        for match in re.finditer(r"categor(?:y|ies)", sentence, re.IGNORECASE):
            windows.append((match.start(), sentence[match.end() : match.end() + 70]))
            windows.append((match.start(), sentence[max(0, match.start() - 40) : match.start()]))
        for match in re.finditer(
            rf"(?:{PLAN_PATTERNS['child_protection']})\s*plans?\s+(?:for|under|due\s+to|because\s+of)\s+",
            sentence,
            re.IGNORECASE,
        ):
            windows.append((match.start(), sentence[match.end() : match.end() + 50]))
        for start, window in windows:
            window = re.split(r"[.;]", window)[0]
            for name, pattern in CP_CATEGORIES.items():
                hit = re.search(rf"\b(?:{pattern})\b", window, re.IGNORECASE)
                if hit:
                    found.append((start + hit.start(), name))
    out: list[str] = []
    for _, name in sorted(found):
        if name not in out:
            out.append(name)
    return out


# ---------------------------------------------------------------------------------------------
# Lists: needs and organisations

_NEEDS_LEAD = re.compile(
    r"(?:range\s+of\s+(?:needs|issues|vulnerabilities|experiences|risks|complex\s+needs)"
    r"(?:\s+and\s+(?:experiences|vulnerabilities|risks|issues))?\s*(?:,\s*)?"
    r"(?:including|such\s+as|which\s+include[ds]?|that\s+include[ds]?|include[ds]?)"
    r"|(?:needs|issues|vulnerabilities|risk\s+factors|presenting\s+(?:needs|issues)|factors|"
    r"concerns\s+for\s+the\s+children|experiences)(?:\s+(?:identified|present|seen|"
    r"in\s+the\s+(?:families|sample|cases)))?\s*(?:\bincluded|\binclude|\bincluding|\bwere|"
    r"\bsuch\s+as|:)"
    r"|\bneeds\s*:)\s*:?\s*(?P<list>.+)",
    re.IGNORECASE,
)
_KEEP_TOGETHER = (
    "children and families",
    "children and young people",
    "children and young people's",
    "health and social care",
    "education and skills",
    "drug and alcohol",
    "alcohol and drug",
    "health and wellbeing",
    "police and crime",
    "fire and rescue",
    "housing and communities",
    "learning and skills",
    "women and children",
    "mother and baby",
    "parent and child",
    "adult and community",
    "family and friends",
    "youth offending and",
    "safeguarding and",
    "quality and",
)


def needs_text(sentences: list[str]) -> str | None:
    """The list of needs as written after its lead ("a range of needs such as", "needs included")."""
    for sentence in sentences:
        match = _NEEDS_LEAD.search(sentence)
        if match:
            return match["list"]
    return None


def _split_top(text: str, separators: str) -> list[str]:
    """Split on any of `separators` outside brackets."""
    parts, depth, current = [], 0, ""
    for char in text:
        if char in "([":
            depth += 1
        elif char in ")]" and depth:
            depth -= 1
        if char in separators and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return parts


def _clean_item(item: str) -> str:
    item = item.strip().strip(".;:,").strip()
    item = re.sub(r"^(?:and|or|&)\s+", "", item, flags=re.IGNORECASE)
    item = re.sub(r"\s+(?:etc\.?|and\s+others|amongst\s+others)$", "", item, flags=re.IGNORECASE)
    return item.strip().strip(".;:,").strip()


def split_needs(text: str) -> list[str]:
    """ "exposure to domestic abuse, ADHD and neglect" -> three needs; a trailing comma dropped."""
    text = re.split(r"(?<=[a-z)])\.\s+(?=[A-Z])", text.strip())[0]
    separator = ";" if ";" in text else ",;"
    items = [_clean_item(item) for item in _split_top(text, separator)]
    items = [item for item in items if item]
    if len(items) >= 2 and " and " in items[-1]:
        left, _, right = items[-1].rpartition(" and ")
        if len(left.split()) >= 2 and not _kept_together(items[-1]):
            items[-1:] = [_clean_item(left), _clean_item(right)]
    return [item for item in items if item]


def _kept_together(text: str) -> bool:
    lower = text.lower()
    return any(phrase in lower for phrase in _KEEP_TOGETHER)


_ORGS_LEAD = re.compile(
    r"(?:(?:organisations|organizations|agencies|partners|services|professionals)\s+"
    r"(?:that|which|who)\s+(?:audited|took\s+part|participated|contributed|were\s+involved|"
    r"were\s+represented|completed|submitted|provided)[^:]*?(?:\bwere\b|\bwas\b|\bare\b|\bincluded\b|:)"
    r"|(?:organisations|organizations|agencies|partners)\s+(?:involved|participating|represented|"
    r"taking\s+part)(?:\s+in\s+(?:the|this)\s+audit)?\s*(?:\bwere\b|\bincluded\b|:)"
    r"|the\s+following\s+(?:agencies|organisations|organizations|partners)\s+(?:took\s+part|"
    r"participated|contributed|were\s+involved|audited|completed)[^:]*:"
    r"|audits?\s+(?:were|was)\s+(?:completed|undertaken|carried\s+out|submitted)\s+by)\s*:?\s*(?P<list>.+)",
    re.IGNORECASE,
)
_ORGS_COUNT = re.compile(
    rf"\bwith\s+(?:the\s+|all\s+)?{_N}\s+(?:children|cases|young\s+people|families)", re.IGNORECASE
)


@dataclass
class Organisations:
    names: list[str]
    count: int | None  # "... their work with the twelve children": for cross-checks


def organisations_in(text: str) -> Organisations | None:
    match = _ORGS_LEAD.search(text)
    if not match:
        return None
    count_match = _ORGS_COUNT.search(text[: match.start("list")])
    count = number_value(count_match["n"]) if count_match else None
    return Organisations(split_organisations(match["list"]), count)


def split_organisations(text: str) -> list[str]:
    """ "GPs, Police, School Nursing, Housing and Family Support." -> five organisations."""
    text = re.split(r"(?<=[a-z)])\.\s+(?=[A-Z])", text.strip())[0]
    out: list[str] = []
    for item in _split_top(text, ",;"):
        item = _clean_item(item)
        if not item:
            continue
        if " and " in item and not _kept_together(item):
            out.extend(_clean_item(part) for part in re.split(r"\s+and\s+", item) if part.strip())
        else:
            out.append(item)
    return [re.sub(r"^the\s+", "", item) for item in out if item]
