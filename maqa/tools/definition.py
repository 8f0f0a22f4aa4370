"""Audit tools as data: YAML files validated into a definition stored with each tool version.

The definition (what ``tool_definition`` returns and AuditToolVersion.definition holds; typed
as :class:`ToolDefinition`)::

    {"slug", "name", "description", "grade_scale": {"slug", "name", "grades": [{value, label,
     colour}]}, "domains": [{"key", "title", "questions": [{"key", "kind", "text", "guidance"}]}],
     "free_text": [{"key", "title", "hint"}]}

``definition_to_yaml`` writes a definition back as YAML in the shipped files' shape, so that
``tool_definition(definition_to_yaml(d)) == d``: that is what an admin edits in the browser.

Answers of a return are stored as {question key: value}, each value a string: a grade's value,
"yes" / "no" / "na", a whole number, an ISO date (YYYY-MM-DD), or free text.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any, TypedDict, cast

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode

from maqa.core.errors import ApplicationError

TOOLS_DIR = Path(__file__).resolve().parent / "data"
KINDS = ("grade", "yes_no_na", "number", "date", "text")
KIND_LABELS = {
    "grade": "Grade",
    "yes_no_na": "Yes / no / not applicable",
    "number": "Number",
    "date": "Date",
    "text": "Free text",
}
YES_NO_NA = {"yes": "Yes", "no": "No", "na": "Not applicable"}
FREE_TEXT_KEYS = ("good_practice", "areas_for_development", "what_needs_to_happen")
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MAX_TOOL_BYTES = 200_000
MAX_DOMAINS = 50
MAX_QUESTIONS = 400
DEFAULT_SCALE = "ogri"

# The fields each part of a tool may have, in the order definition_to_yaml writes them.
TOOL_FIELDS = ("slug", "name", "grade_scale", "description", "domains", "free_text")
DOMAIN_FIELDS = ("key", "title", "questions")
QUESTION_FIELDS = ("key", "kind", "text", "guidance")
FREE_TEXT_FIELDS = ("key", "title", "hint")


class Grade(TypedDict):
    value: str
    label: str
    colour: str  # a GOV.UK tag colour; pages always show the label too


class GradeScale(TypedDict):
    """A scale of grade_scales.yaml, best grade first."""

    slug: str
    name: str
    grades: list[Grade]


class Question(TypedDict):
    key: str  # domain.question
    kind: str  # one of KINDS
    text: str
    guidance: str  # "" when there is none


class DomainTitle(TypedDict):
    """A domain by its key and title, without its questions (the panel's grid and grade forms)."""

    key: str
    title: str


class Domain(DomainTitle):
    questions: list[Question]


class FreeTextSection(TypedDict):
    key: str  # one of FREE_TEXT_KEYS: the Return field it fills
    title: str
    hint: str  # "" when there is none


class ToolDefinition(TypedDict):
    """What tool_definition returns and AuditToolVersion.definition holds."""

    slug: str  # "" when the YAML gives none
    name: str
    description: str
    grade_scale: GradeScale
    domains: list[Domain]
    free_text: list[FreeTextSection]


@cache
def grade_scales() -> dict[str, GradeScale]:
    data = yaml.safe_load((TOOLS_DIR / "grade_scales.yaml").read_text())
    return {scale["slug"]: scale for scale in data["scales"]}


class ToolProblems(ApplicationError):
    """Everything wrong with a tool's YAML, each problem a sentence naming where it is."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("The audit tool has problems: " + "; ".join(problems))
        self.problems = problems


class _ToolLoader(yaml.SafeLoader):
    """Safe YAML that also refuses a key given twice in one mapping (the second would silently
    win, losing the first) and aliases (``*name``, which can multiply a small file into a huge
    tool)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise ComposerError(
                None,
                None,
                "anchors and aliases (& and *) are not allowed",
                self.peek_event().start_mark,  # type: ignore[no-untyped-call]
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                twice = key in seen
                seen.add(key)
            except TypeError:  # an unhashable key: the base class names the problem
                break
            if twice:
                raise ConstructorError(
                    None, None, f"{key!r} is given twice in the same place", key_node.start_mark
                )
        return super().construct_mapping(node, deep=deep)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _unknown_fields(where: str, item: dict[Any, Any], allowed: tuple[str, ...]) -> list[str]:
    return [
        f"{where}: {key!r} is not a field here; use {', '.join(allowed)}"
        for key in item
        if key not in allowed
    ]


def _parse(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_ToolLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or ""
        if "'\\t'" in problem:
            problem += " (indent with spaces, not tabs)"
        raise ToolProblems(
            [f"it is not valid YAML{where}" + (f": {problem}" if problem else "")]
        ) from exc


def tool_definition(text: str) -> ToolDefinition:
    """Parse and check a tool's YAML. Raises ToolProblems listing every problem found."""
    if len(text.encode()) > MAX_TOOL_BYTES:
        raise ToolProblems([f"the tool is larger than {MAX_TOOL_BYTES // 1000} kB"])
    data = _parse(text)
    if not isinstance(data, dict):
        raise ToolProblems(["it must be a mapping with name, grade_scale and domains"])
    problems = _unknown_fields("the tool", data, TOOL_FIELDS)
    name = _text(data.get("name"))
    if not name:
        problems.append("name: give the tool a name")
    slug = _text(data.get("slug"))
    if slug and not SLUG_PATTERN.match(slug):
        problems.append(f"slug: {slug!r} must be lower-case letters and digits joined by -")
    scale_slug = data.get("grade_scale", DEFAULT_SCALE)
    scale = grade_scales().get(scale_slug) if isinstance(scale_slug, str) else None
    if scale is None:
        problems.append(
            f"grade_scale: {scale_slug!r} is not a grade scale; "
            f"use one of {', '.join(sorted(grade_scales()))}"
        )
    domains = _domains(data.get("domains"), problems)
    free_text = _free_text(data.get("free_text"), problems)
    if problems:
        raise ToolProblems(problems)
    assert scale is not None
    return {
        "slug": slug,
        "name": name,
        "description": _text(data.get("description")),
        "grade_scale": {"slug": scale["slug"], "name": scale["name"], "grades": scale["grades"]},
        "domains": domains,
        "free_text": free_text,
    }


def _domains(domains: Any, problems: list[str]) -> list[Domain]:
    if not isinstance(domains, list) or not domains:
        problems.append("domains: list at least one domain")
        return []
    if len(domains) > MAX_DOMAINS:
        problems.append(f"domains: a tool has at most {MAX_DOMAINS} domains")
        return []
    count = sum(
        len(d["questions"])
        for d in domains
        if isinstance(d, dict) and isinstance(d.get("questions"), list)
    )
    if count > MAX_QUESTIONS:
        problems.append(
            f"domains: a tool has at most {MAX_QUESTIONS} questions (this one has {count})"
        )
        return []
    out: list[Domain] = []
    domain_keys: dict[str, int] = {}
    question_keys: dict[str, str] = {}
    for d_index, domain in enumerate(domains, start=1):
        if not isinstance(domain, dict):
            problems.append(f"domain {d_index}: must be a mapping with key, title and questions")
            continue
        d_key, title = _text(domain.get("key")), _text(domain.get("title"))
        where = f"domain {d_index} ({d_key or 'no key'})"
        problems += _unknown_fields(where, domain, DOMAIN_FIELDS)
        if not d_key or not KEY_PATTERN.match(d_key) or "." in d_key:
            problems.append(
                f"{where}: key must be lower-case letters, digits and _, starting with a letter"
            )
        elif d_key in domain_keys:
            problems.append(f"{where}: key {d_key!r} is used by domain {domain_keys[d_key]} too")
        else:
            domain_keys[d_key] = d_index
        if not title:
            problems.append(f"{where}: give it a title")
        questions = domain.get("questions")
        if not isinstance(questions, list) or not questions:
            problems.append(f"{where}: list at least one question")
            questions = []
        out.append({
            "key": d_key,
            "title": title,
            "questions": [
                _question(f"{where}, question {q_index}", question, question_keys, problems)
                for q_index, question in enumerate(questions, start=1)
            ],
        })  # fmt: skip
    return out


def _question(where: str, question: Any, seen: dict[str, str], problems: list[str]) -> Question:
    if not isinstance(question, dict):
        problems.append(f"{where}: must be a mapping with key, kind and text")
        return cast(Question, {})  # never used: the problem makes tool_definition raise
    problems += _unknown_fields(where, question, QUESTION_FIELDS)
    key, kind, text = (
        _text(question.get("key")),
        _text(question.get("kind")),
        _text(question.get("text")),
    )
    if not key or not KEY_PATTERN.match(key):
        problems.append(
            f"{where}: key must look like domain.question (lower-case letters, digits and _)"
        )
    elif key in FREE_TEXT_KEYS:
        problems.append(f"{where}: key {key!r} is kept for the return's free text")
    elif key in seen:
        problems.append(f"{where}: key {key!r} is used by {seen[key]} too")
    else:
        seen[key] = where
    if kind not in KINDS:
        problems.append(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
    if not text:
        problems.append(f"{where}: give the question's text")
    return {"key": key, "kind": kind, "text": text, "guidance": _text(question.get("guidance"))}


def _free_text(free_text: Any, problems: list[str]) -> list[FreeTextSection]:
    if not free_text:
        free_text = [{"key": key} for key in FREE_TEXT_KEYS]
    if not isinstance(free_text, list):
        problems.append("free_text: must be a list of sections, each with key, title and hint")
        return []
    out: list[FreeTextSection] = []
    for index, item in enumerate(free_text, start=1):
        if not isinstance(item, dict):
            problems.append(f"free_text {index}: must be a mapping with key, title and hint")
            continue
        key = _text(item.get("key"))
        problems += _unknown_fields(
            f"free_text {index} ({key or 'no key'})", item, FREE_TEXT_FIELDS
        )
        if key not in FREE_TEXT_KEYS:
            problems.append(f"free_text {index}: {key!r} is not one of {', '.join(FREE_TEXT_KEYS)}")
            continue
        if key in {section["key"] for section in out}:
            problems.append(f"free_text {index}: {key!r} is listed twice")
            continue
        title = _text(item.get("title")) or key.replace("_", " ").capitalize()
        out.append({"key": key, "title": title, "hint": _text(item.get("hint"))})
    return out


# --- writing a definition back as YAML ------------------------------------------------------

YAML_HEADER = """\
# Question kinds: grade (on the grade scale), yes_no_na, number, date, text.
# Grade scales: {scales}.
# Keys are stable: a return stores its answers by key. Changing this tool makes a new version;
# returns already answered keep the version they were answered on.
"""


class _ToolDumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent list items under their key, as the shipped files are written.
        super().increase_indent(flow, False)


# Characters YAML reads as line breaks besides \n.
OTHER_LINE_BREAKS = ("\r", "\x85", "\u2028", "\u2029")


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Text of several lines as a literal block (|); a long line that plain YAML cannot hold (it
    # has ": " or starts with a quote, say) as a folded block (>) rather than in quotes with
    # doubled quote marks inside. Both are the most readable ways to edit such text.
    style = None
    if any(brk in value for brk in OTHER_LINE_BREAKS):
        style = '"'  # escaped: PyYAML folds these wrongly in other styles
    elif "\n" in value:
        style = "|"
    elif len(value) > 60 and not dumper.analyze_scalar(value).allow_block_plain:
        style = ">"
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_ToolDumper.add_representer(str, _represent_str)


def _without_empty(item: Mapping[str, object], fields: tuple[str, ...]) -> dict[str, object]:
    return {field: item[field] for field in fields if item.get(field) not in (None, "")}


def definition_to_yaml(definition: ToolDefinition) -> str:
    """A definition as YAML in the shipped files' shape; tool_definition reads it back unchanged."""
    data: dict[str, object] = _without_empty(
        {**definition, "grade_scale": definition["grade_scale"]["slug"]},
        ("slug", "name", "grade_scale", "description"),
    )
    data["domains"] = [
        {
            "key": domain["key"],
            "title": domain["title"],
            "questions": [_without_empty(q, QUESTION_FIELDS) for q in domain["questions"]],
        }
        for domain in definition["domains"]
    ]
    data["free_text"] = [_without_empty(item, FREE_TEXT_FIELDS) for item in definition["free_text"]]
    body = yaml.dump(data, Dumper=_ToolDumper, sort_keys=False, allow_unicode=True, width=100_000)
    return YAML_HEADER.format(scales=", ".join(sorted(grade_scales()))) + body


def described(definition: ToolDefinition) -> dict[str, Any]:
    """The definition with each question's kind in words, for pages that show a tool."""
    return {
        **definition,
        "domains": [
            {
                **domain,
                "questions": [
                    {**q, "kind_label": KIND_LABELS.get(q["kind"], q["kind"])}
                    for q in domain["questions"]
                ],
            }
            for domain in definition["domains"]
        ],
    }


# --- shipped files and answers --------------------------------------------------------------


def default_tool_files() -> list[Path]:
    return sorted(p for p in TOOLS_DIR.glob("*.yaml") if p.name != "grade_scales.yaml")


def source_label(path: Path) -> str:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return f"{path.name}@{digest}"


def questions_of(definition: ToolDefinition) -> list[Question]:
    return [q for domain in definition["domains"] for q in domain["questions"]]


def clean_answer(question: Question, raw: str, grades: list[Grade]) -> str:
    """Check one answer; an empty answer is allowed in a draft. Raises ApplicationError."""
    import datetime

    value = (raw or "").strip()
    if value == "":
        return ""
    kind = question["kind"]
    if kind == "grade" and value not in {g["value"] for g in grades}:
        raise ApplicationError(f"{question['text']}: choose a grade from the list.")
    if kind == "yes_no_na" and value not in YES_NO_NA:
        raise ApplicationError(f"{question['text']}: choose yes, no or not applicable.")
    if kind == "number" and not re.fullmatch(r"\d{1,6}", value):
        raise ApplicationError(f"{question['text']}: enter a whole number, for example 3.")
    if kind == "date":
        try:
            datetime.date.fromisoformat(value)
        except ValueError as exc:
            raise ApplicationError(
                f"{question['text']}: enter a date as year-month-day, for example 2026-03-27."
            ) from exc
    if kind == "text" and len(value) > 10_000:
        raise ApplicationError(f"{question['text']}: keep the answer under 10,000 characters.")
    return value
