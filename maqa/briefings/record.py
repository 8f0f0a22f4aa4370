"""The briefing record: validation, the words a briefing is written in, and the visible content.

A briefing record is plain JSON (``../shared/briefing-record.md`` describes it). The three
renderers (HTML, PDF, Word) all draw from one :class:`BriefingContent`, built here by
:func:`briefing_content`, so that they say the same thing in the same order, under the same
headings. The headings are the genre's standard ones ("What we are worried about?", "Themes for
Learning") and the sentences about the sample are written in forms the importer reads ("The
organisations that took part, each auditing its own work with the ten children, were ..."), so a
rendered briefing parses back into the record it came from.

:func:`number_words` and :func:`ordinal_date` are shared with the code that builds a record from an
audit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeGuard
from urllib.parse import urlsplit

from maqa.briefings.types import BriefingRecord, ChildrenFacts
from maqa.briefings.words import (
    PLAN_TYPES,
    TITLE_PREFIX,
    age_words,
    join_and,
    month_year,
    number_words,
    ordinal_date,
    parse_audit_date,
    plan_counts_sentence,
    plan_phrase,
)

WORRIES_HEADING = "What we are worried about?"
GOOD_PRACTICE_HEADING = "What Good Practice did we see?"
LEARNING_HEADING = "Themes for Learning"
FOUND_HEADING = "What we found"
ACTIONS_HEADING = "What needs to happen"
RESOURCES_HEADING = "Resources"

CP_CATEGORIES = ("neglect", "emotional abuse", "physical abuse", "sexual abuse")
AGE_UNITS = ("year", "month")
LINK_SCHEMES = ("http", "https", "mailto")

# fmt: on

# Characters XML 1.0 cannot hold (python-docx and lxml refuse them) and other invisible controls.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_SPACE = re.compile(r"\s+")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


class InvalidRecord(ValueError):
    """The record cannot be rendered; ``problems`` says why, one line each."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("The briefing record is not valid:\n" + "\n".join(self.problems))


# Words --------------------------------------------------------------------------------------


def clean_text(value: str) -> str:
    """One line of what a person typed: control characters dropped, runs of space made one."""
    return _SPACE.sub(" ", _UNPRINTABLE.sub("", value)).strip()


def clean_paragraphs(value: str) -> list[str]:
    """Paragraphs separated by blank lines, each cleaned to one line."""
    return [p for p in (clean_text(part) for part in _PARAGRAPH_BREAK.split(value)) if p]


def safe_link_url(url: str) -> str | None:
    """The address if it is an absolute http(s) or mailto address; None otherwise."""
    url = clean_text(url)
    if not url or any(ch in url for ch in ' <>"'):
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() not in LINK_SCHEMES:
        return None
    if parts.scheme.lower() != "mailto" and not parts.netloc:
        return None
    return url


# Validation ---------------------------------------------------------------------------------


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_str(problems: list[str], where: str, value: Any, *, required: bool = False) -> None:
    if value is None:
        if required:
            problems.append(f"{where} is missing.")
        return
    if not isinstance(value, str):
        problems.append(f"{where} must be text, not {_kind(value)}.")


def _check_str_list(problems: list[str], where: str, value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, list):
        problems.append(f"{where} must be a list of text, not {_kind(value)}.")
        return
    for i, item in enumerate(value):
        if not isinstance(item, str):
            problems.append(f"{where}[{i}] must be text, not {_kind(item)}.")


def _check_count(problems: list[str], where: str, value: Any) -> None:
    if value is None:
        return
    if not _is_int(value) or value < 0:
        problems.append(f"{where} must be a whole number of 0 or more, not {value!r}.")


def _check_age(problems: list[str], where: str, value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, dict):
        problems.append(f'{where} must be like {{"value": 4, "unit": "year"}}, not {_kind(value)}.')
        return
    _check_count(problems, f"{where}.value", value.get("value"))
    if value.get("value") is None:
        problems.append(f"{where}.value is missing.")
    if value.get("unit") not in AGE_UNITS:
        problems.append(f'{where}.unit must be "year" or "month", not {value.get("unit")!r}.')


def _kind(value: Any) -> str:
    return {
        dict: "an object",
        list: "a list",
        str: "text",
        bool: "true/false",
        int: "a number",
        float: "a number",
    }.get(type(value), "null" if value is None else type(value).__name__)


def validate_record(record: Any) -> list[str]:
    """Every problem that stops ``record`` being rendered, one sentence each; [] when it is fine.

    Only the shape is checked: a record parsed from a document or built from an audit may leave
    any field out, but what is there must be of the right kind.
    """
    problems: list[str] = []
    if not isinstance(record, dict):
        return [f"The record must be a JSON object, not {_kind(record)}."]
    for name in ("title", "theme", "partnership", "aim", "intro", "source"):
        _check_str(problems, name, record.get(name))
    title, theme = record.get("title"), record.get("theme")
    if not (isinstance(title, str) and title.strip()) and not (
        isinstance(theme, str) and theme.strip()
    ):
        problems.append("The record needs a title or a theme.")
    audit_date = record.get("audit_date")
    if audit_date is not None and (
        not isinstance(audit_date, str) or parse_audit_date(audit_date) is None
    ):
        problems.append(f"audit_date must be YYYY-MM-DD or YYYY-MM, not {audit_date!r}.")

    children = record.get("children")
    if children is not None and not isinstance(children, dict):
        problems.append(f"children must be an object, not {_kind(children)}.")
    elif isinstance(children, dict):
        for name in ("count", "boys", "girls"):
            _check_count(problems, f"children.{name}", children.get(name))
        for name in ("age_min", "age_max"):
            _check_age(problems, f"children.{name}", children.get(name))
        plan_types = children.get("plan_types")
        _check_str_list(problems, "children.plan_types", plan_types)
        if isinstance(plan_types, list):
            for i, kind in enumerate(plan_types):
                if isinstance(kind, str) and kind not in PLAN_TYPES:
                    problems.append(
                        f"children.plan_types[{i}] must be one of {', '.join(PLAN_TYPES)}, "
                        f"not {kind!r}."
                    )
        plan_counts = children.get("plan_counts")
        if plan_counts is not None and not isinstance(plan_counts, dict):
            problems.append(f"children.plan_counts must be an object, not {_kind(plan_counts)}.")
        elif isinstance(plan_counts, dict):
            for kind, n in plan_counts.items():
                if kind not in PLAN_TYPES:
                    problems.append(
                        f"children.plan_counts has an unknown plan type {kind!r} "
                        f"(one of {', '.join(PLAN_TYPES)})."
                    )
                _check_count(problems, f"children.plan_counts.{kind}", n)
        _check_str_list(problems, "children.cp_categories", children.get("cp_categories"))

    for name in (
        "needs",
        "organisations",
        "worries",
        "good_practice",
        "resources",
        "warnings",
        "optional",
    ):
        _check_str_list(problems, name, record.get(name))

    learning = record.get("learning")
    if learning is not None and not isinstance(learning, list):
        problems.append(f"learning must be a list, not {_kind(learning)}.")
    elif isinstance(learning, list):
        for i, theme_ in enumerate(learning):
            where = f"learning[{i}]"
            if not isinstance(theme_, dict):
                problems.append(f"{where} must be an object, not {_kind(theme_)}.")
                continue
            _check_str(problems, f"{where}.title", theme_.get("title"))
            _check_str_list(problems, f"{where}.found", theme_.get("found"))
            _check_str_list(problems, f"{where}.actions", theme_.get("actions"))

    links = record.get("links")
    if links is not None and not isinstance(links, list):
        problems.append(f"links must be a list, not {_kind(links)}.")
    elif isinstance(links, list):
        for i, link in enumerate(links):
            where = f"links[{i}]"
            if not isinstance(link, dict):
                problems.append(f'{where} must be like {{"title": ..., "url": ...}}.')
                continue
            _check_str(problems, f"{where}.title", link.get("title"), required=True)
            url = link.get("url")
            _check_str(problems, f"{where}.url", url)
            if isinstance(url, str) and url.strip() and safe_link_url(url) is None:
                problems.append(
                    f"{where}.url must be a full http://, https:// or mailto: address, not {url!r}."
                )
    return problems


# The visible content ------------------------------------------------------------------------


@dataclass(frozen=True)
class Resource:
    title: str
    url: str | None = None


@dataclass(frozen=True)
class LearningSection:
    heading: str  # "Themes for Learning: <title>", or "Themes for Learning" when untitled
    title: str | None
    found: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class BriefingContent:
    """Everything a briefing shows, in order, as plain text; the renderers only lay it out."""

    title: str
    title_prefix: str | None  # "Multi Agency Quality Assurance Audit:" when the title has it
    title_rest: str  # what follows the prefix (the theme), or the whole title
    date_line: str | None
    partnership: str | None
    intro: list[str]  # the opening paragraphs; the aim, when there is one, is the second
    worries: list[str]
    good_practice: list[str]
    organisations: str | None
    learning: list[LearningSection]
    resources: list[Resource]

    @property
    def document_title(self) -> str:
        """The title with its month: the HTML <title>, the PDF and Word title metadata."""
        return f"{self.title} {self.date_line}" if self.date_line else self.title

    @property
    def partnership_or_default(self) -> str:
        return self.partnership or "Safeguarding Children Partnership"


def _texts(values: Iterable[Any] | None) -> list[str]:
    return [t for t in (clean_text(v) for v in values or () if isinstance(v, str)) if t]


def _plan_phrase_of(children: ChildrenFacts) -> str:
    """The plans of the record's children (their kinds, and the counts' kinds) in words."""
    kinds = [*(children.get("plan_types") or []), *(children.get("plan_counts") or {})]
    return plan_phrase(kinds, [c.lower() for c in _texts(children.get("cp_categories"))])


def _counts_sentence_of(children: ChildrenFacts) -> str | None:
    return plan_counts_sentence(children.get("plan_counts") or {}, children.get("count")) or None


def _all_on_one_plan(children: ChildrenFacts) -> bool:
    """Whether "N children, each <plan>" is true: several kinds named (each child has one of
    them), or one kind that every child in the sample has."""
    kinds = set(children.get("plan_types") or []) | set(children.get("plan_counts") or {})
    if len(kinds) != 1:
        return True
    (kind,) = kinds
    count = children.get("count")
    return count is not None and (children.get("plan_counts") or {}).get(kind) == count


def _panel_lead(audit_date: str | None) -> str:
    """'On 7th March 2024 the audit panel', 'In March 2024 the audit panel', 'The audit panel'."""
    if not audit_date:
        return "The audit panel"
    parsed = parse_audit_date(audit_date)
    on = "On" if parsed is not None and parsed[2] is not None else "In"
    return f"{on} {ordinal_date(audit_date)} the audit panel"


def _composed_intro(record: BriefingRecord) -> list[str]:
    """The opening paragraphs, written from the record when it carries no ``intro`` of its own."""
    children = record.get("children") or {}
    count = children.get("count")
    children_words = f"{number_words(count)} children" if _is_int(count) else "children"
    looked_at = f"{_panel_lead(record.get('audit_date'))} looked at the records of {children_words}"
    plans = _plan_phrase_of(children)
    if plans and _all_on_one_plan(children):
        # "ten children, each with a child protection plan": every child, so the count is stated.
        paragraphs = [f"{looked_at}, each {plans}."]
    elif plans:
        # One kind of plan but not every child (or not known how many): the plan is where the
        # sample came from, not a count.
        paragraphs = [f"{looked_at}. The sample was drawn from children {plans}."]
    else:
        paragraphs = [f"{looked_at}."]

    about = []
    age_min, age_max = children.get("age_min"), children.get("age_max")
    if age_min and age_max:
        if age_min["unit"] == age_max["unit"]:
            ages = f"{age_min['value']} and {age_words(age_max)}"
        else:
            ages = f"{age_words(age_min)} and {age_words(age_max)}"
        aged = f"aged between {ages}"
    elif age_max:
        aged = f"aged {age_words(age_max)} and under"
    elif age_min:
        aged = f"aged {age_words(age_min)} and over"
    else:
        aged = ""
    if aged:
        about.append(f"When audited, the children were {aged}.")
    sexes = [
        f"{number_words(n)} {noun if n == 1 else noun + 's'}"
        for n, noun in ((children.get("boys"), "boy"), (children.get("girls"), "girl"))
        if _is_int(n)
    ]
    if sexes:
        about.append(f"The sample has {join_and(sexes)}.")
    if counts := _counts_sentence_of(children):
        about.append(counts)
    if about:
        paragraphs.append(" ".join(about))

    needs = _texts(record.get("needs"))
    if needs:
        paragraphs.append("The children's needs include " + ", ".join(needs) + ".")
    return paragraphs


def _organisations_sentence(record: BriefingRecord) -> str | None:
    organisations = _texts(record.get("organisations"))
    if not organisations:
        return None
    count = (record.get("children") or {}).get("count")
    children_words = f"the {number_words(count)} children" if _is_int(count) else "the children"
    return (
        f"The organisations that took part, each auditing its own work with {children_words}, "
        f"were {join_and(organisations)}."
    )


def _key(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def _resources(record: BriefingRecord) -> list[Resource]:
    """The resources by name, each with its address where ``links`` has one for that name."""
    urls: dict[str, str | None] = {}
    link_titles: list[str] = []
    for link in record.get("links") or []:
        if not isinstance(link, dict) or not isinstance(link.get("title"), str):
            continue
        title = clean_text(link["title"])
        url = link.get("url")
        if title:
            link_titles.append(title)
            urls.setdefault(_key(title), safe_link_url(url) if isinstance(url, str) else None)
    resources = [Resource(t, urls.get(_key(t))) for t in _texts(record.get("resources"))]
    named = {_key(r.title) for r in resources}
    for title in link_titles:
        if _key(title) not in named:
            named.add(_key(title))
            resources.append(Resource(title, urls.get(_key(title))))
    return resources


def briefing_content(record: BriefingRecord) -> BriefingContent:
    """The visible content of ``record``; raises :class:`InvalidRecord` if it is not valid."""
    problems = validate_record(record)
    if problems:
        raise InvalidRecord(problems)
    theme = clean_text(record.get("theme") or "")
    title = clean_text(record.get("title") or "") or f"{TITLE_PREFIX}: {theme}"
    prefix, rest = None, title
    if title.lower().startswith(TITLE_PREFIX.lower()):
        remainder = title[len(TITLE_PREFIX) :].lstrip()
        if remainder.startswith(":") and remainder[1:].strip():
            prefix, rest = title[: len(TITLE_PREFIX)] + ":", remainder[1:].strip()
    audit_date = record.get("audit_date")
    learning = []
    for item in record.get("learning") or []:
        section_title = clean_text(item.get("title") or "") or None
        heading = f"{LEARNING_HEADING}: {section_title}" if section_title else LEARNING_HEADING
        learning.append(
            LearningSection(
                heading=heading,
                title=section_title,
                found=_texts(item.get("found")),
                actions=_texts(item.get("actions")),
            )
        )
    intro_text = record.get("intro")
    intro = (
        clean_paragraphs(intro_text)
        if intro_text and intro_text.strip()
        else _composed_intro(record)
    )
    # The briefings state the sample first, then the aim, then the ages and needs.
    intro[1:1] = clean_paragraphs(record.get("aim") or "")
    return BriefingContent(
        title=title,
        title_prefix=prefix,
        title_rest=rest,
        date_line=month_year(audit_date) if audit_date else None,
        partnership=clean_text(record.get("partnership") or "") or None,
        intro=intro,
        worries=_texts(record.get("worries")),
        good_practice=_texts(record.get("good_practice")),
        organisations=_organisations_sentence(record),
        learning=learning,
        resources=_resources(record),
    )
