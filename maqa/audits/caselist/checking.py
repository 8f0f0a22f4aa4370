"""Checking a case list: the headings of a file matched to its columns, then every row (or a case
entered by hand) checked against what the audit and its partnership allow, into the CaseRow a
Case is made from, or the problems with it.

A problem never quotes a cell; the one exception is a heading that is not a column of the case
list, quoted when other headings match (so the first row really is the heading row).
"""

from __future__ import annotations

import calendar
import datetime
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from maqa.audits.caselist.columns import (
    CATEGORY_WORDS,
    COLUMN_BY_KEY,
    COLUMN_BY_WORD,
    COLUMNS,
    DATE_FORMS,
    PLAN_WORDS,
    SEX_WORDS,
    word_key,
)
from maqa.audits.caselist.problems import Problem
from maqa.audits.caselist.reading import Cell, Table
from maqa.audits.models import Audit, PlanType
from maqa.organisations.models import Organisation


def column_letter(number: int) -> str:
    """The spreadsheet letter of a column (1 is A); openpyxl loads only when a file is checked."""
    from openpyxl.utils import get_column_letter  # here: it costs start-up time

    return str(get_column_letter(number))


@dataclass
class CaseRow:
    """One case, checked: what a Case is made from."""

    source_row: int | None
    case_number: str
    name: str
    date_of_birth: datetime.date
    age_months: int
    sex: str
    plan_type: str
    category: str
    plan_start_date: datetime.date | None
    needs: list[str]
    agencies: list[Organisation]
    lead_agency: Organisation | None
    family_group: str


def age_in_months(born: datetime.date, on: datetime.date) -> int:
    """Whole months from ``born`` to ``on``; born on the 31st, a month is complete on the last
    day of a shorter month."""
    months = (on.year - born.year) * 12 + on.month - born.month
    last_day = calendar.monthrange(on.year, on.month)[1]
    if on.day < born.day and on.day != last_day:
        months -= 1
    return months


_DATE_SHAPE = re.compile(r"[\d\s./\-]{1,20}")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def parse_date(value: Cell) -> tuple[datetime.date | None, str]:
    """A date written YYYY-MM-DD or DD/MM/YYYY (or a workbook's date cell), or why not.

    The reason describes the value's form (digits as N), never the value itself."""
    if isinstance(value, datetime.date):
        return value, ""
    text = (value or "").strip()
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _UK_DATE.fullmatch(text):
        day, month, year = (int(g) for g in match.groups())
    else:
        if _DATE_SHAPE.fullmatch(text):
            shape = re.sub(r"\d", "N", text)
            short_year = re.search(r"\D\d{2}$", text) and not re.search(r"\d{4}", text)
            extra = "; write the year with four digits" if short_year else ""
            return None, f"is not a date in the form {DATE_FORMS} (it is written {shape}{extra})"
        return None, f"is not a date in the form {DATE_FORMS} (it holds letters or other signs)"
    try:
        return datetime.date(year, month, day), ""
    except ValueError:
        return None, "is not a real date: the day or the month is out of range"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _list(value: Any) -> list[str]:
    """A cell of items separated by semicolons, or a list already (from a form)."""
    items = value if isinstance(value, list | tuple) else _text(value).split(";")
    return [" ".join(str(item).split()) for item in items if str(item).strip()]


def number_key(case_number: str) -> str:
    return "".join(case_number.split()).casefold()


def _name_parts(name: str) -> list[str]:
    return [p for p in re.split(r"[\s\-']+", name) if len(p) >= 3]


class Checker:
    """Checks one row at a time against what the audit and its partnership allow."""

    def __init__(self, audit: Audit) -> None:
        self.audit_date = audit.panel_date
        organisations = list(
            Organisation.objects.filter(partnership_id=audit.partnership_id, active=True)
        )
        self.agencies: dict[str, Organisation] = {word_key(o.name): o for o in organisations}
        self.agencies.update({word_key(o.short_name): o for o in organisations})
        names = sorted(o.short_name for o in organisations)
        self.agency_names = ", ".join(names) if names else "none yet"

    def check(
        self, raw: Mapping[str, Any], row: int | None
    ) -> tuple[CaseRow | None, list[Problem]]:
        problems: list[Problem] = []

        def problem(key: str, message: str) -> None:
            problems.append(Problem(row, COLUMN_BY_KEY[key].header, message, key))

        def text(key: str, limit: int, missing: str) -> str:
            value = _text(raw.get(key))
            if not value and COLUMN_BY_KEY[key].required:
                problem(key, missing)
            elif len(value) > limit:
                problem(key, f"is longer than {limit} characters")
            return value

        def date(key: str, missing: str) -> datetime.date | None:
            value = raw.get(key)
            if value in (None, ""):
                if COLUMN_BY_KEY[key].required:
                    problem(key, missing)
                return None
            parsed, why = parse_date(value)
            if parsed is None:
                problem(key, why)
            return parsed

        def word(key: str, words: Mapping[str, str], unknown: str) -> str:
            value = word_key(_text(raw.get(key)))
            if value not in words:
                problem(key, unknown)
                return ""
            return words[value]

        def agency(value: str, key: str, which: str) -> Organisation | None:
            found = self.agencies.get(word_key(value))
            if found is None:
                problem(
                    key,
                    f"{which} is not an active organisation of the partnership: use a short "
                    f"name or name (short names: {self.agency_names})",
                )
            return found

        case_number = text("case_number", 40, "The case number is missing")
        name = text("name", 200, "The child's name is missing")
        born = date("date_of_birth", "The date of birth is missing")
        age_months = 0
        if born is not None:
            age_months = age_in_months(born, self.audit_date)
            if born > self.audit_date:
                problem("date_of_birth", "is after the audit's panel date")
            elif age_months >= 26 * 12:
                problem("date_of_birth", "makes the child over 25 at the audit's panel date")
        sex = word("sex", SEX_WORDS, "is not one of: girl, female, F, boy, male, M, other, unknown")
        plan_type = ""
        if not _text(raw.get("plan_type")):
            problem("plan_type", "The plan type is missing")
        else:
            plan_type = word(
                "plan_type",
                PLAN_WORDS,
                "is not a plan type maqa knows: use child protection (CP), child in need (CIN), "
                "early help (EH) or looked after (LAC or CLA)",
            )
        category = ""
        if _text(raw.get("category")):
            category = word(
                "category",
                CATEGORY_WORDS,
                "is not a category maqa knows: use neglect, emotional abuse, physical abuse or "
                "sexual abuse",
            )
        elif plan_type == PlanType.CHILD_PROTECTION:
            problem(
                "category",
                "A child protection plan needs its category: neglect, emotional abuse, physical "
                "abuse or sexual abuse",
            )
        started = date("plan_start_date", "")
        needs = _list(raw.get("needs"))
        if len(needs) > 20 or any(len(n) > 100 for n in needs):
            problem("needs", "has more than 20 needs, or a need longer than 100 characters")
        agencies: list[Organisation] = []
        written = _list(raw.get("agencies"))
        if not written:
            problem("agencies", "No involved agency is given")
        for position, value in enumerate(written, start=1):
            found = agency(value, "agencies", _nth(position, len(written)))
            if found is not None and found not in agencies:
                agencies.append(found)
        lead = None
        if lead_text := _text(raw.get("lead_agency")):
            lead = agency(lead_text, "lead_agency", "The lead agency")
            if lead is not None and lead not in agencies:
                agencies.append(lead)
        family = text("family_group", 40, "")
        if family and name:
            lowered = family.casefold()
            if any(
                re.search(rf"(?<!\w){re.escape(part.casefold())}(?!\w)", lowered)
                for part in _name_parts(name)
            ):
                problem("family_group", "holds the child's name: use a number or code instead")
        if problems or born is None:
            return None, problems
        return CaseRow(
            source_row=row,
            case_number=case_number,
            name=name,
            date_of_birth=born,
            age_months=age_months,
            sex=sex,
            plan_type=plan_type,
            category=category,
            plan_start_date=started,
            needs=needs,
            agencies=agencies,
            lead_agency=lead,
            family_group=family,
        ), []


def _nth(position: int, count: int) -> str:
    if count == 1:
        return "The agency"
    ordinals = {1: "first", 2: "second", 3: "third"}
    return f"The {ordinals.get(position, f'{position}th')} agency in the cell"


def check_table(table: Table, checker: Checker) -> tuple[list[CaseRow], list[Problem]]:
    """Every case of the table, or every problem with it (its headings, then each row)."""
    (heading_row, headings), *body = table.rows
    positions, problems = _match_headings(heading_row, headings)
    if not positions:
        return [], problems
    letters = {key: column_letter(i + 1) for i, key in positions.items()}
    labels = {key: f"{COLUMN_BY_KEY[key].header} (column {letters[key]})" for key in letters}
    unheaded_reported: set[int] = set()
    cases: list[CaseRow] = []
    first_row_of: dict[str, int] = {}
    for number, cells in body:
        stray = [
            i
            for i, c in enumerate(cells)
            if c not in (None, "") and (i >= len(headings) or headings[i] in (None, ""))
        ]
        if stray and table.kind == "CSV" and max(stray) >= len(headings):
            problems.append(
                Problem(
                    number,
                    "",
                    "The row has more cells than there are columns (is there a comma inside a "
                    "value that is not in quotes?)",
                )
            )
            continue
        for i in stray:
            if i not in unheaded_reported:
                unheaded_reported.add(i)
                problems.append(
                    Problem(number, f"column {column_letter(i + 1)}", "has values but no heading")
                )
        raw = {key: cells[i] if i < len(cells) else None for i, key in positions.items()}
        case, found = checker.check(raw, number)
        # A missing column is one problem (with the headings), not one on every row.
        problems += [
            replace(p, column=labels.get(p.key, p.column)) for p in found if p.key in labels
        ]
        if case is None:
            continue
        key = number_key(case.case_number)
        if key in first_row_of:
            problems.append(
                Problem(
                    number,
                    labels["case_number"],
                    f"is the same case number as row {first_row_of[key]}",
                    "case_number",
                )
            )
        else:
            first_row_of[key] = number
            cases.append(case)
    return cases, problems


def _match_headings(row: int, headings: list[Cell]) -> tuple[dict[int, str], list[Problem]]:
    """Which column each heading is (by position), and the problems with the headings."""
    texts = [_text(h) for h in headings]
    found = {i: COLUMN_BY_WORD.get(word_key(t)) for i, t in enumerate(texts) if t}
    if not any(found.values()):
        whole = " ".join(texts)
        if len([t for t in texts if t]) == 1 and (";" in whole or "\t" in whole):
            message = (
                "The columns seem to be separated by semicolons or tabs. Save the file as CSV "
                "UTF-8 (comma delimited)."
            )
        else:
            message = (
                "The first row must be the column headings: "
                + ", ".join(c.header for c in COLUMNS)
                + ". Download the template to see them."
            )
        return {}, [Problem(row, "", message)]
    positions: dict[int, str] = {}
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for i, column in found.items():
        letter = column_letter(i + 1)
        if column is None:
            close = difflib.get_close_matches(word_key(texts[i]), COLUMN_BY_WORD, n=1, cutoff=0.75)
            hint = f" Did you mean {COLUMN_BY_WORD[close[0]].header}?" if close else ""
            problems.append(
                Problem(
                    row,
                    f"column {letter}",
                    f"“{texts[i][:40]}” is not a column of the case list: remove the column "
                    f"or rename it.{hint}",
                )
            )
        elif column.key in seen:
            problems.append(
                Problem(
                    row,
                    f"column {letter}",
                    f"{column.header} is a heading twice (also column {seen[column.key]})",
                )
            )
        else:
            seen[column.key] = letter
            positions[i] = column.key
    for column in COLUMNS:
        if column.key not in seen:
            problems.append(Problem(row, column.header, "The column is missing", column.key))
    return positions, problems
