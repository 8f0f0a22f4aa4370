"""The case list as a file: its columns, reading a CSV or XLSX file, checking every row, and the
template to download. (maqa.audits.sampling adds the checked cases to an audit, all or none.)

A problem names its row and column and says what is wrong, but never quotes a cell: any cell may
hold a child's name or date of birth (a shifted column, a file without its heading row). The one
exception is a heading that is not a column of the case list, quoted when other headings match
(so the first row really is the heading row).
"""

from __future__ import annotations

import calendar
import csv
import datetime
import difflib
import io
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from maqa.audits import crypto
from maqa.audits.models import Audit, Case, CPCategory, PlanType, Sex
from maqa.core.errors import ApplicationError
from maqa.core.exports import neutralise
from maqa.organisations.models import Organisation

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5_000  # cases in one file, and in an audit's case list
MAX_COLUMNS = 60  # cells read from each row of a workbook
# A workbook is a zip file: 5 MB of it could unpack to gigabytes. 5,000 cases take a few MB.
MAX_UNPACKED = 100 * 1024 * 1024
TEMPLATE_NAME = "maqa-case-list-template"
FIXED = "The case list and the sample are fixed once returns open."
DATE_FORMS = "YYYY-MM-DD or DD/MM/YYYY"


# --- exports --------------------------------------------------------------------------------


def neutralise_cell(value: str) -> str:
    """A cell as it goes into an exported file: see maqa.core.exports.neutralise, the one rule."""
    return neutralise(value)


# --- columns --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool  # whether every row needs a value
    accepts: str  # what to write, for the upload page and the template


COLUMNS = (
    Column("case_number", "Case number", True,
           "The child's case number in the lead agency's system, up to 40 characters. "
           "Each child once."),
    Column("name", "Name", True, "The child's full name, up to 200 characters."),
    Column("date_of_birth", "Date of birth", True, f"A date: {DATE_FORMS}."),
    Column("sex", "Sex", False, "Girl, female or F; boy, male or M; other; unknown or blank."),
    Column("plan_type", "Plan type", True,
           "Child protection (CP), child in need (CIN), early help (EH), or looked after "
           "(LAC, CLA)."),
    Column("category", "Category", False,
           "For a child protection plan, where it is needed: neglect, emotional abuse, physical "
           "abuse or sexual abuse."),
    Column("plan_start_date", "Plan start date", False, f"A date: {DATE_FORMS}."),
    Column("needs", "Needs", False,
           "Separated by semicolons, for example: neglect; domestic abuse."),
    Column("agencies", "Involved agencies", True,
           "The short names or names of the partnership's organisations, separated by "
           "semicolons."),
    Column("lead_agency", "Lead agency", False,
           "One organisation's short name or name. It counts as involved too."),
    Column("family_group", "Family group", False,
           "The same number or code for brothers and sisters, up to 40 characters. "
           "Never a surname."),
)  # fmt: skip
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}


def _word(text: str) -> str:
    """Text compared without regard to case, spacing, hyphens or underscores."""
    return " ".join(text.replace("_", " ").replace("-", " ").split()).casefold()


COLUMN_BY_WORD = {_word(c.header): c for c in COLUMNS}


def _words(
    choices: Mapping[str, Sequence[str]], labels: Sequence[tuple[str, str]]
) -> dict[str, str]:
    """Accepted words for each value: the value, its label, and the extra words given."""
    words = {_word(value): value for value, _label in labels}
    words.update({_word(label): value for value, label in labels})
    for value, extra in choices.items():
        words.update({_word(w): value for w in extra})
    return words


PLAN_WORDS: dict[str, str] = _words(
    {
        PlanType.CHILD_PROTECTION: ["CP", "CPP", "child protection plan"],
        PlanType.CHILD_IN_NEED: ["CIN", "child in need plan"],
        PlanType.EARLY_HELP: ["EH"],
        PlanType.LOOKED_AFTER: ["LAC", "CLA", "looked after child", "child looked after"],
    },
    PlanType.choices,
)
CATEGORY_WORDS: dict[str, str] = _words({}, CPCategory.choices)
SEX_WORDS: dict[str, str] = _words(
    {
        Sex.FEMALE: ["F"],
        Sex.MALE: ["M"],
        Sex.UNKNOWN: ["", "not known"],
    },
    Sex.choices,
)


# --- problems -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    row: int | None  # the row of the file (the heading row is usually 1); None: the whole file
    column: str  # "" for the whole file or row
    message: str
    key: str = ""  # the column's key (a form field, for a case entered by hand)

    @property
    def sentence(self) -> str:
        """The problem on its own, as shown beside a form field (the column named first)."""
        text = self.message
        if text[:1].islower() and self.key:
            text = f"{COLUMN_BY_KEY[self.key].header} {text}"
        return text if text.endswith(".") else f"{text}."


class CaseListProblems(ApplicationError):
    def __init__(self, problems: list[Problem], message: str = "") -> None:
        count = len(problems)
        super().__init__(
            message
            or f"The case list was not imported: it has {count} problem{'s' * (count != 1)}. "
            "Nothing was added. Fix them and upload it again."
        )
        self.problems = sorted(problems, key=lambda p: p.row or 0)


@dataclass(frozen=True)
class ProblemGroup:
    rows: str  # "Whole file", "Row 3" or "Rows 2 to 5, 9"
    column: str
    message: str


def problem_groups(problems: Sequence[Problem]) -> list[ProblemGroup]:
    """The same problem in the same column on many rows, listed once with all its rows."""
    grouped: dict[tuple[str, str], list[int | None]] = {}
    for problem in problems:
        grouped.setdefault((problem.column, problem.message), []).append(problem.row)
    return [
        ProblemGroup(rows=_rows_text(rows), column=column, message=message)
        for (column, message), rows in grouped.items()
    ]


def _rows_text(rows: list[int | None]) -> str:
    numbers = sorted({r for r in rows if r is not None})
    if not numbers:
        return "Whole file"
    spans: list[list[int]] = []
    for n in numbers:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    parts = [f"{a}" if a == b else f"{a} to {b}" for a, b in spans]
    return f"Row{'s' * (len(numbers) > 1)} {', '.join(parts)}"


# --- reading a file -------------------------------------------------------------------------

Cell = str | datetime.date | None


@dataclass(frozen=True)
class Table:
    kind: str  # "CSV" or "XLSX"
    rows: list[tuple[int, list[Cell]]]  # (row number in the file, cells), blank rows left out


def _cell(value: object) -> Cell:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _file_problem(message: str) -> CaseListProblems:
    return CaseListProblems([Problem(None, "", message)])


def read_case_list(data: bytes) -> Table:
    """The rows of a CSV (UTF-8) or XLSX file, told apart by their first bytes, not their name.

    Raises CaseListProblems for a problem with the whole file: too big, empty, not readable,
    no cases or too many."""
    if len(data) > MAX_BYTES:
        raise _file_problem("The file is larger than 5 MB. Split it into smaller files.")
    if not data.strip():
        raise _file_problem("The file is empty.")
    if data.startswith(b"PK\x03\x04"):
        kind, lines = "XLSX", _xlsx_rows(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _file_problem(
            "The file is an old Excel workbook (.xls). Save it as an Excel Workbook (.xlsx) "
            "or as CSV UTF-8."
        )
    else:
        kind, lines = "CSV", _csv_rows(data)
    rows: list[tuple[int, list[Cell]]] = []
    for number, cells in enumerate(lines, start=1):
        if any(c not in (None, "") for c in cells):
            rows.append((number, cells))
            if len(rows) > MAX_ROWS + 1:  # the heading row and one case too many
                raise _file_problem(
                    f"The file has more than {MAX_ROWS:,} cases. Split it into files of up to "
                    f"{MAX_ROWS:,} cases and upload each."
                )
    if not rows:
        raise _file_problem("The file is empty.")
    if len(rows) == 1:
        raise _file_problem("The file has column headings but no cases.")
    return Table(kind=kind, rows=rows)


def _csv_rows(data: bytes) -> Iterator[list[Cell]]:
    try:
        text = data.decode("utf-8-sig")  # with or without a byte order mark
    except UnicodeDecodeError:
        text = ""
    if not text or "\x00" in text:
        raise _file_problem(
            "The file is not UTF-8 text. In your spreadsheet, save it as CSV UTF-8 "
            "(comma delimited), or as an Excel Workbook (.xlsx)."
        )
    try:
        for cells in csv.reader(io.StringIO(text, newline="")):
            yield [c.strip() for c in cells]
    except csv.Error as exc:
        raise _file_problem(
            "The file cannot be read as CSV (for example a quote mark is not closed). "
            "Save it again from your spreadsheet as CSV UTF-8."
        ) from exc


def _xlsx_rows(data: bytes) -> Iterator[list[Cell]]:
    unreadable = _file_problem(
        "The file cannot be read as an Excel workbook (.xlsx). Save it again from your "
        "spreadsheet as an Excel Workbook or as CSV UTF-8."
    )
    try:
        # zipfile never reads past a member's stated size, so the stated sizes are a true limit.
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise unreadable from exc
    if unpacked > MAX_UNPACKED:
        raise _file_problem(
            "The workbook is too large once unpacked (over 100 MB). Save it as CSV UTF-8, or "
            "split it into smaller files."
        )
    import openpyxl  # here, not at the top: it costs start-up time (and loads numpy)

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise unreadable from exc
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            yield [_cell(v) for v in values]
    except CaseListProblems:
        raise
    except Exception as exc:
        raise unreadable from exc
    finally:
        workbook.close()


# --- checking rows --------------------------------------------------------------------------


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
        self.agencies: dict[str, Organisation] = {_word(o.name): o for o in organisations}
        self.agencies.update({_word(o.short_name): o for o in organisations})
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
            value = _word(_text(raw.get(key)))
            if value not in words:
                problem(key, unknown)
                return ""
            return words[value]

        def agency(value: str, key: str, which: str) -> Organisation | None:
            found = self.agencies.get(_word(value))
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
    from openpyxl.utils import get_column_letter

    (heading_row, headings), *body = table.rows
    positions, problems = _match_headings(heading_row, headings)
    if not positions:
        return [], problems
    letters = {key: get_column_letter(i + 1) for i, key in positions.items()}
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
                    Problem(
                        number, f"column {get_column_letter(i + 1)}", "has values but no heading"
                    )
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
    from openpyxl.utils import get_column_letter

    texts = [_text(h) for h in headings]
    found = {i: COLUMN_BY_WORD.get(_word(t)) for i, t in enumerate(texts) if t}
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
        letter = get_column_letter(i + 1)
        if column is None:
            close = difflib.get_close_matches(_word(texts[i]), COLUMN_BY_WORD, n=1, cutoff=0.75)
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


# --- the case list of an audit --------------------------------------------------------------------------------


def case_label(case: Case) -> str:
    """How pages and the audit trail name a case of the case list: never an identifier."""
    if case.reference:
        return case.reference
    if case.source_row:
        return f"case-list row {case.source_row}"
    return f"case {case.pk} (entered by hand)"


def pool_ages_refresh(*, audit: Audit) -> int:
    """Recompute each case's age at the audit's panel date from its date of birth, after the
    panel date changed in draft. Returns how many ages changed."""
    changed = []
    for case in audit.cases.exclude(enc_dob=""):
        born = datetime.date.fromisoformat(crypto.decrypt(audit, case.enc_dob))
        age = age_in_months(born, audit.panel_date)
        if age != case.age_months:
            case.age_months = max(age, 0)
            changed.append(case)
    Case.objects.bulk_update(changed, ["age_months"])
    return len(changed)


# --- the template ---------------------------------------------------------------------------


def template_rows(audit: Audit) -> list[list[str]]:
    """The headings and one example row (synthetic), with the partnership's own agencies."""
    organisations = list(
        Organisation.objects.filter(partnership_id=audit.partnership_id, active=True).order_by(
            "short_name"
        )
    )
    agencies = [o for o in organisations if o.sector != Organisation.Sector.OTHER] or organisations
    lead = next(
        (o for o in agencies if o.sector == Organisation.Sector.LOCAL_AUTHORITY),
        agencies[0] if agencies else None,
    )
    example = {
        "case_number": "CN-SYN-00007",
        "name": "Synthname07 Tokenfamily07",
        "date_of_birth": "2019-05-01",
        "sex": "Girl",
        "plan_type": "Child protection",
        "category": "Neglect",
        "plan_start_date": "2024-01-15",
        "needs": "neglect; domestic abuse",
        "agencies": "; ".join(o.short_name for o in agencies[:3]),
        "lead_agency": lead.short_name if lead else "",
        "family_group": "FG-SYN-03",
    }
    return [[c.header for c in COLUMNS], [example[c.key] for c in COLUMNS]]


def template_csv(audit: Audit) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    for row in template_rows(audit):
        writer.writerow([neutralise_cell(cell) for cell in row])
    # With a byte order mark, Excel opens the file as UTF-8.
    return buffer.getvalue().encode("utf-8-sig")


def template_xlsx(audit: Audit) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Case list"
    for row in template_rows(audit):
        sheet.append([neutralise_cell(cell) for cell in row])
    guide = workbook.create_sheet("How to fill it in")
    rows = [["Column", "Needed", "What to write"]]
    rows += [[c.header, "Yes" if c.required else "No", c.accepts] for c in COLUMNS]
    rows += [[], ["Organisations", "Short name", "Name"]]
    rows += [
        ["", o.short_name, o.name]
        for o in Organisation.objects.filter(
            partnership_id=audit.partnership_id, active=True
        ).order_by("short_name")
    ]
    rows += [[], ["Only the first sheet is read. Its first row must be the column headings."]]
    for row in rows:
        guide.append([neutralise_cell(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
