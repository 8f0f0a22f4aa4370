"""Audit tools as data: YAML files validated into a definition stored with each tool version.

The definition (what ``tool_definition`` returns and AuditToolVersion.definition holds)::

    {"slug", "name", "description", "grade_scale": {"slug", "name", "grades": [{value, label,
     colour}]}, "domains": [{"key", "title", "questions": [{"key", "kind", "text", "guidance"}]}],
     "free_text": [{"key", "title", "hint"}]}

Answers of a return are stored as {question key: value}, each value a string: a grade's value,
"yes" / "no" / "na", a whole number, an ISO date (YYYY-MM-DD), or free text.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from maqa.core.errors import ApplicationError

TOOLS_DIR = Path(__file__).resolve().parent
KINDS = ("grade", "yes_no_na", "number", "date", "text")
YES_NO_NA = {"yes": "Yes", "no": "No", "na": "Not applicable"}
FREE_TEXT_KEYS = ("good_practice", "areas_for_development", "what_needs_to_happen")
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$")
MAX_TOOL_BYTES = 200_000


@cache
def grade_scales() -> dict[str, dict[str, Any]]:
    data = yaml.safe_load((TOOLS_DIR / "grade_scales.yaml").read_text())
    return {scale["slug"]: scale for scale in data["scales"]}


class ToolProblems(ApplicationError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("The audit tool has problems: " + "; ".join(problems))
        self.problems = problems


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def tool_definition(text: str) -> dict[str, Any]:
    """Parse and check a tool's YAML. Raises ToolProblems listing every problem found."""
    if len(text.encode()) > MAX_TOOL_BYTES:
        raise ToolProblems([f"the tool is larger than {MAX_TOOL_BYTES // 1000} kB"])
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ToolProblems([f"it is not valid YAML{where}"]) from exc
    if not isinstance(data, dict):
        raise ToolProblems(["it must be a mapping with name, grade_scale and domains"])
    problems: list[str] = []
    name = _text(data.get("name"))
    if not name:
        problems.append("name: give the tool a name")
    scale_slug = data.get("grade_scale", "ogri")
    scale = grade_scales().get(scale_slug)
    if scale is None:
        problems.append(
            f"grade_scale: {scale_slug!r} is not one of {', '.join(sorted(grade_scales()))}"
        )
    domains_out: list[dict[str, Any]] = []
    seen: set[str] = set()
    domains = data.get("domains")
    if not isinstance(domains, list) or not domains:
        problems.append("domains: list at least one domain")
        domains = []
    for d_index, domain in enumerate(domains, start=1):
        where = f"domain {d_index}"
        if not isinstance(domain, dict):
            problems.append(f"{where}: must be a mapping with key, title and questions")
            continue
        d_key, title = _text(domain.get("key")), _text(domain.get("title"))
        where = f"domain {d_index} ({d_key or 'no key'})"
        if not d_key or not KEY_PATTERN.match(d_key):
            problems.append(f"{where}: key must be lower-case letters, digits and _")
        if not title:
            problems.append(f"{where}: give it a title")
        questions_out = []
        questions = domain.get("questions")
        if not isinstance(questions, list) or not questions:
            problems.append(f"{where}: list at least one question")
            questions = []
        for q_index, question in enumerate(questions, start=1):
            q_where = f"{where}, question {q_index}"
            if not isinstance(question, dict):
                problems.append(f"{q_where}: must be a mapping with key, kind and text")
                continue
            q_key, kind = _text(question.get("key")), _text(question.get("kind"))
            if not q_key or not KEY_PATTERN.match(q_key):
                problems.append(f"{q_where}: key must look like domain.question (a-z, 0-9, _)")
            elif q_key in seen or q_key in FREE_TEXT_KEYS:
                problems.append(f"{q_where}: key {q_key!r} is used twice")
            seen.add(q_key)
            if kind not in KINDS:
                problems.append(f"{q_where}: kind {kind!r} is not one of {', '.join(KINDS)}")
            if not _text(question.get("text")):
                problems.append(f"{q_where}: give the question's text")
            questions_out.append({
                "key": q_key, "kind": kind, "text": _text(question.get("text")),
                "guidance": _text(question.get("guidance")),
            })  # fmt: skip
        domains_out.append({"key": d_key, "title": title, "questions": questions_out})
    free_text = data.get("free_text") or [
        {"key": key, "title": key.replace("_", " ").capitalize()} for key in FREE_TEXT_KEYS
    ]
    free_out = []
    for item in free_text if isinstance(free_text, list) else []:
        key = _text(item.get("key")) if isinstance(item, dict) else ""
        if key not in FREE_TEXT_KEYS:
            problems.append(f"free_text: {key!r} is not one of {', '.join(FREE_TEXT_KEYS)}")
            continue
        free_out.append({"key": key, "title": _text(item.get("title")) or key,
                         "hint": _text(item.get("hint"))})  # fmt: skip
    if problems:
        raise ToolProblems(problems)
    assert scale is not None
    return {
        "slug": _text(data.get("slug")),
        "name": name,
        "description": _text(data.get("description")),
        "grade_scale": {"slug": scale["slug"], "name": scale["name"], "grades": scale["grades"]},
        "domains": domains_out,
        "free_text": free_out,
    }


def default_tool_files() -> list[Path]:
    return sorted(p for p in TOOLS_DIR.glob("*.yaml") if p.name != "grade_scales.yaml")


def source_label(path: Path) -> str:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return f"{path.name}@{digest}"


def questions_of(definition: dict[str, Any]) -> list[dict[str, Any]]:
    return [q for domain in definition["domains"] for q in domain["questions"]]


def clean_answer(question: dict[str, Any], raw: str, grades: list[dict[str, Any]]) -> str:
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
