from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path

import openpyxl
import pytest
from django.db import connection

from maqa.audits import crypto
from maqa.audits.caselist.checking import age_in_months
from maqa.audits.caselist.columns import COLUMNS
from maqa.audits.caselist.problems import CaseListProblems, Problem, problem_groups
from maqa.audits.caselist.reading import MAX_ROWS
from maqa.audits.caselist.template import neutralise_cell, template_csv, template_xlsx
from maqa.audits.models import Audit
from maqa.audits.sampling import case_add, caselist_clear, caselist_import
from maqa.core.errors import ApplicationError
from maqa.core.models import AuditEvent
from maqa.organisations.models import Organisation
from maqa.testing.audits import make_audit, synthetic_case_number, synthetic_name

HEADERS = [c.header for c in COLUMNS]
PANEL_DATE = datetime.date(2025, 6, 1)
DOCS = Path(__file__).resolve().parents[3] / "docs" / "case-list.md"


@pytest.fixture(autouse=True)
def keystore(settings, tmp_path):
    settings.IDENTIFIER_KEYSTORE_DIR = tmp_path / "keys"


@pytest.fixture
def audit(personas) -> Audit:
    audit = make_audit(personas, children=0)
    audit.panel_date = PANEL_DATE
    audit.save()
    return audit


def case_row(index: int, **changes: str) -> dict[str, str]:
    row = {
        "Case number": synthetic_case_number(index),
        "Name": synthetic_name(index),
        "Date of birth": "2019-05-01",
        "Sex": "Girl",
        "Plan type": "CP",
        "Category": "Neglect",
        "Plan start date": "15/01/2024",
        "Needs": "neglect; domestic abuse",
        "Involved agencies": "Police; community health",
        "Lead agency": "csc",
        "Family group": "",
    }
    row.update(changes)
    return row


def csv_bytes(rows: list[dict[str, str]], headers: list[str] = HEADERS, bom: bool = False) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(h, "") for h in headers])
    return buffer.getvalue().encode("utf-8-sig" if bom else "utf-8")


def xlsx_bytes(rows: list[list[object]], headers: list[str] = HEADERS) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def refused(personas, audit, data: bytes) -> list[Problem]:
    with pytest.raises(CaseListProblems) as raised:
        caselist_import(actor=personas.admin, ip=None, audit=audit, data=data)
    assert audit.cases.count() == 0, "a refused case list must add nothing"
    return raised.value.problems


def messages(problems: list[Problem]) -> list[tuple[int | None, str, str]]:
    return [(p.row, p.column, p.message) for p in problems]


# --- good files -----------------------------------------------------------------------------


def test_it_imports_a_good_csv(personas, audit):
    rows = [case_row(1), case_row(2, Sex="boy", **{"Plan type": "Child in need", "Category": ""})]
    rows.append(case_row(3, Sex="", **{"Plan type": "looked_after", "Family group": "FG-9"}))
    result = caselist_import(actor=personas.admin, ip=None, audit=audit, data=csv_bytes(rows))
    assert (result.kind, result.added, result.total) == ("CSV", 3, 3)
    first, second, third = audit.cases.order_by("pk")
    assert (first.sex, first.plan_type, first.category) == ("female", "child_protection", "neglect")
    assert first.plan_start_date == datetime.date(2024, 1, 15)
    assert first.needs == ["neglect", "domestic abuse"]
    assert first.lead_agency.short_name == "CSC"
    assert {a.short_name for a in first.agencies.all()} == {"Police", "Health", "CSC"}
    assert [c.source_row for c in (first, second, third)] == [2, 3, 4]
    assert (second.sex, second.plan_type, second.category) == ("male", "child_in_need", "")
    assert (third.sex, third.plan_type, third.family_group) == ("unknown", "looked_after", "FG-9")
    assert not any(c.sampled or c.reference for c in (first, second, third))


def test_it_imports_a_good_xlsx_with_date_cells_and_number_cells(personas, audit):
    row: list[object] = [
        7007,
        synthetic_name(7),
        datetime.datetime(2019, 5, 1),
        "F",
        "Child protection",
        "physical_abuse",
        datetime.date(2024, 1, 15),
        "",
        "Constabulary",
        "",
        "",
    ]
    result = caselist_import(actor=personas.admin, ip=None, audit=audit, data=xlsx_bytes([row]))
    assert (result.kind, result.added) == ("XLSX", 1)
    case = audit.cases.get()
    assert crypto.decrypt(audit, case.enc_case_number) == "7007"
    assert crypto.decrypt(audit, case.enc_dob) == "2019-05-01"
    assert (case.category, case.plan_start_date) == ("physical_abuse", datetime.date(2024, 1, 15))
    assert [a.short_name for a in case.agencies.all()] == ["Police"]


def test_it_reads_headings_in_any_case_and_a_byte_order_mark(personas, audit):
    headers = [h.upper().replace(" ", "_") for h in HEADERS]
    rows = [{h.upper().replace(" ", "_"): v for h, v in case_row(1).items()}]
    caselist_import(
        actor=personas.admin, ip=None, audit=audit, data=csv_bytes(rows, headers, bom=True)
    )
    assert audit.cases.count() == 1


def test_it_stores_identifiers_only_encrypted(personas, audit):
    caselist_import(actor=personas.admin, ip=None, audit=audit, data=csv_bytes([case_row(4)]))
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM audits_case")
        stored = repr(cursor.fetchall())
    for identifier in (synthetic_name(4), "Synthname04", synthetic_case_number(4), "2019-05-01"):
        assert identifier not in stored
    case = audit.cases.get()
    assert crypto.decrypt(audit, case.enc_name) == synthetic_name(4)
    assert crypto.decrypt(audit, case.enc_case_number) == synthetic_case_number(4)


def test_it_keeps_the_age_at_the_panel_date_in_whole_months(personas, audit):
    caselist_import(
        actor=personas.admin,
        ip=None,
        audit=audit,
        data=csv_bytes([case_row(1, **{"Date of birth": "02/06/2019"})]),
    )
    assert audit.cases.get().age_months == 71  # a day short of six years at 1 June 2025


@pytest.mark.parametrize(
    ("born", "on", "months"),
    [
        ("2019-05-01", "2025-06-01", 73),
        ("2019-06-02", "2025-06-01", 71),
        ("2024-01-31", "2024-02-29", 1),  # the last day of a shorter month completes it
        ("2024-01-31", "2024-02-28", 0),
        ("2025-06-01", "2025-06-01", 0),
    ],
)
def test_age_in_months_counts_whole_months(born, on, months):
    parse = datetime.date.fromisoformat
    assert age_in_months(parse(born), parse(on)) == months


@pytest.mark.parametrize(
    ("written", "plan_type"),
    [
        ("Child protection", "child_protection"),
        ("cp", "child_protection"),
        ("CIN", "child_in_need"),
        ("child in need", "child_in_need"),
        ("Early help", "early_help"),
        ("EH", "early_help"),
        ("LAC", "looked_after"),
        ("cla", "looked_after"),
        ("Looked after", "looked_after"),
    ],
)
def test_it_accepts_the_documented_words_for_a_plan_type(personas, audit, written, plan_type):
    data = csv_bytes([case_row(1, **{"Plan type": written})])
    caselist_import(actor=personas.admin, ip=None, audit=audit, data=data)
    assert audit.cases.get().plan_type == plan_type


@pytest.mark.parametrize(
    ("written", "sex"),
    [("female", "female"), ("Girl", "female"), ("F", "female"), ("male", "male"),
     ("boy", "male"), ("m", "male"), ("Other", "other"), ("unknown", "unknown"), ("", "unknown")],
)  # fmt: skip
def test_it_accepts_the_documented_words_for_sex(personas, audit, written, sex):
    data = csv_bytes([case_row(1, Sex=written)])
    caselist_import(actor=personas.admin, ip=None, audit=audit, data=data)
    assert audit.cases.get().sex == sex


def test_it_counts_the_lead_agency_as_involved(personas, audit):
    data = csv_bytes([case_row(1, **{"Involved agencies": "POLICE", "Lead agency": "Social care"})])
    caselist_import(actor=personas.admin, ip=None, audit=audit, data=data)
    case = audit.cases.get()
    assert {a.short_name for a in case.agencies.all()} == {"Police", "CSC"}


def test_it_adds_to_the_case_list_already_there(personas, audit):
    caselist_import(actor=personas.admin, ip=None, audit=audit, data=csv_bytes([case_row(1)]))
    result = caselist_import(
        actor=personas.admin, ip=None, audit=audit, data=csv_bytes([case_row(2)])
    )
    assert (result.added, result.total) == (1, 2)


# --- bad files: refused as a whole, every problem listed ------------------------------------


def test_it_refuses_missing_misspelt_and_extra_columns_listing_each(personas, audit):
    headers = [h for h in HEADERS if h != "Sex"]
    headers[headers.index("Date of birth")] = "Date of brith"
    headers.append("Postcode")
    problems = refused(personas, audit, csv_bytes([case_row(1)], headers))
    assert messages(problems) == [
        (1, "column C", "“Date of brith” is not a column of the case list: remove the column or "
         "rename it. Did you mean Date of birth?"),
        (1, "column K", "“Postcode” is not a column of the case list: remove the column or "
         "rename it."),
        (1, "Date of birth", "The column is missing"),
        (1, "Sex", "The column is missing"),
    ]  # fmt: skip


def test_it_refuses_a_heading_given_twice(personas, audit):
    problems = refused(personas, audit, csv_bytes([case_row(1)], [*HEADERS, "NAME"]))
    assert messages(problems) == [(1, "column L", "Name is a heading twice (also column B)")]


def test_it_refuses_a_file_without_its_heading_row_without_quoting_it(personas, audit):
    buffer = io.StringIO()
    csv.writer(buffer).writerow(case_row(1).values())
    csv.writer(buffer).writerow(case_row(2).values())
    problems = refused(personas, audit, buffer.getvalue().encode())
    assert len(problems) == 1
    assert problems[0].message.startswith("The first row must be the column headings")
    assert "Synthname01" not in problems[0].message


def test_it_says_when_the_columns_are_separated_by_semicolons(personas, audit):
    data = (";".join(HEADERS) + "\n" + ";".join(case_row(1).values()) + "\n").encode()
    (problem,) = refused(personas, audit, data)
    assert "separated by semicolons" in problem.message


def test_it_refuses_a_file_that_is_not_utf8(personas, audit):
    data = csv_bytes([case_row(1, Needs="café visits")]).decode().encode("cp1252")
    problems = refused(personas, audit, data)
    assert messages(problems) == [
        (None, "", "The file is not UTF-8 text. In your spreadsheet, save it as CSV UTF-8 "
         "(comma delimited), or as an Excel Workbook (.xlsx).")
    ]  # fmt: skip


def test_it_refuses_utf16(personas, audit):
    problems = refused(personas, audit, csv_bytes([case_row(1)]).decode().encode("utf-16"))
    assert "not UTF-8 text" in problems[0].message


@pytest.mark.parametrize("data", [b"", b"\n\n  \r\n", b",,,\n,,\n"])
def test_it_refuses_an_empty_file(personas, audit, data):
    assert messages(refused(personas, audit, data)) == [(None, "", "The file is empty.")]


def test_it_refuses_a_file_with_headings_only(personas, audit):
    problems = refused(personas, audit, csv_bytes([]))
    assert messages(problems) == [(None, "", "The file has column headings but no cases.")]


def test_it_refuses_more_than_5000_cases(personas, audit):
    rows = [case_row(i) for i in range(MAX_ROWS + 1)]
    (problem,) = refused(personas, audit, csv_bytes(rows))
    assert problem.message.startswith("The file has more than 5,000 cases")


def test_it_takes_5000_cases(personas, audit):
    rows = [case_row(i) for i in range(MAX_ROWS)]
    result = caselist_import(actor=personas.admin, ip=None, audit=audit, data=csv_bytes(rows))
    assert result.added == MAX_ROWS


def test_it_refuses_a_file_over_5_mb(personas, audit):
    data = csv_bytes([case_row(1, Needs="x" * (5 * 1024 * 1024))])
    (problem,) = refused(personas, audit, data)
    assert problem.message == "The file is larger than 5 MB. Split it into smaller files."


@pytest.mark.parametrize(
    ("written", "why"),
    [
        ("05-01-2019", "is not a date in the form YYYY-MM-DD or DD/MM/YYYY (it is written "
         "NN-NN-NNNN)"),
        ("2019/05/01", "is not a date in the form YYYY-MM-DD or DD/MM/YYYY (it is written "
         "NNNN/NN/NN)"),
        ("01/05/19", "is not a date in the form YYYY-MM-DD or DD/MM/YYYY (it is written "
         "NN/NN/NN; write the year with four digits)"),
        ("1st May 2019", "is not a date in the form YYYY-MM-DD or DD/MM/YYYY (it holds letters "
         "or other signs)"),
        ("31/02/2019", "is not a real date: the day or the month is out of range"),
        ("2019-13-01", "is not a real date: the day or the month is out of range"),
    ],
)  # fmt: skip
def test_it_refuses_a_date_in_another_form_describing_the_form_not_the_value(
    personas, audit, written, why
):
    problems = refused(personas, audit, csv_bytes([case_row(1, **{"Date of birth": written})]))
    assert messages(problems) == [(2, "Date of birth (column C)", why)]


def test_it_refuses_a_date_of_birth_after_the_panel_or_over_25_years_before(personas, audit):
    rows = [
        case_row(1, **{"Date of birth": "2025-06-02"}),
        case_row(2, **{"Date of birth": "1999-01-01"}),
    ]
    assert messages(refused(personas, audit, csv_bytes(rows))) == [
        (2, "Date of birth (column C)", "is after the audit's panel date"),
        (3, "Date of birth (column C)", "makes the child over 25 at the audit's panel date"),
    ]


def test_it_refuses_an_unknown_agency_naming_the_one_in_the_cell(personas, audit):
    rows = [
        case_row(1, **{"Involved agencies": "Police; Constabulary HQ", "Lead agency": "Nobody"})
    ]
    problems = refused(personas, audit, csv_bytes(rows))
    short_names = "CSC, Health, Police, Unit"
    assert messages(problems) == [
        (2, "Involved agencies (column I)", "The second agency in the cell is not an active "
         f"organisation of the partnership: use a short name or name (short names: {short_names})"),
        (2, "Lead agency (column J)", "The lead agency is not an active organisation of the "
         f"partnership: use a short name or name (short names: {short_names})"),
    ]  # fmt: skip


def test_it_refuses_an_inactive_agency(personas, audit):
    Organisation.objects.filter(pk=personas.health_org.pk).update(active=False)
    problems = refused(personas, audit, csv_bytes([case_row(1)]))
    assert [p.column for p in problems] == ["Involved agencies (column I)"]


def test_it_refuses_an_unknown_plan_type_and_category(personas, audit):
    rows = [case_row(1, **{"Plan type": "CP plan", "Category": "Neglectful"})]
    assert messages(refused(personas, audit, csv_bytes(rows))) == [
        (2, "Plan type (column E)", "is not a plan type maqa knows: use child protection (CP), "
         "child in need (CIN), early help (EH) or looked after (LAC or CLA)"),
        (2, "Category (column F)", "is not a category maqa knows: use neglect, emotional abuse, "
         "physical abuse or sexual abuse"),
    ]  # fmt: skip


def test_it_refuses_a_child_protection_plan_without_its_category(personas, audit):
    problems = refused(personas, audit, csv_bytes([case_row(1, Category="")]))
    assert [(p.row, p.column) for p in problems] == [(2, "Category (column F)")]


def test_it_lists_every_problem_of_every_row_and_adds_nothing(personas, audit):
    rows = [
        case_row(1),
        case_row(2, **{"Case number": "", "Name": ""}),
        case_row(3, Sex="girlish", **{"Involved agencies": ""}),
        case_row(4),
    ]
    assert [(p.row, p.column) for p in refused(personas, audit, csv_bytes(rows))] == [
        (3, "Case number (column A)"),
        (3, "Name (column B)"),
        (4, "Sex (column D)"),
        (4, "Involved agencies (column I)"),
    ]


def test_it_refuses_a_case_number_twice_in_the_file_or_already_in_the_list(personas, audit):
    caselist_import(actor=personas.admin, ip=None, audit=audit, data=csv_bytes([case_row(1)]))
    rows = [case_row(2), case_row(3), case_row(4, **{"Case number": " cn-syn-00003 "})]
    rows.append(case_row(5, **{"Case number": synthetic_case_number(1)}))
    with pytest.raises(CaseListProblems) as raised:
        caselist_import(actor=personas.admin, ip=None, audit=audit, data=csv_bytes(rows))
    assert messages(raised.value.problems) == [
        (4, "Case number (column A)", "is the same case number as row 3"),
        (5, "Case number", "A case with this case number is already in the audit's case list"),
    ]
    assert audit.cases.count() == 1


def test_it_refuses_a_row_with_more_cells_than_columns(personas, audit):
    data = csv_bytes([case_row(1)]) + (",".join([*case_row(2).values(), "extra"]) + "\n").encode()
    problems = refused(personas, audit, data)
    assert [(p.row, p.column) for p in problems] == [(3, "")]
    assert "more cells than there are columns" in problems[0].message


def test_it_refuses_values_in_a_column_without_a_heading(personas, audit):
    data = xlsx_bytes([[*case_row(1).values(), "stray"], [*case_row(2).values(), "stray"]])
    problems = refused(personas, audit, data)
    assert messages(problems) == [(2, "column L", "has values but no heading")]


def test_it_refuses_a_family_group_holding_the_childs_name(personas, audit):
    rows = [case_row(1, **{"Family group": "tokenfamily01 siblings"})]
    problems = refused(personas, audit, csv_bytes(rows))
    assert messages(problems) == [
        (2, "Family group (column K)", "holds the child's name: use a number or code instead")
    ]


def test_it_never_quotes_a_cell_in_a_problem(personas, audit):
    name = synthetic_name(8)
    rows = [
        case_row(8, **{"Plan type": name, "Date of birth": name, "Involved agencies": name,
                       "Sex": name, "Category": name, "Lead agency": name})
    ]  # fmt: skip
    problems = refused(personas, audit, csv_bytes(rows))
    assert len(problems) == 6
    for problem in problems:
        assert "Synthname08" not in problem.message and "Tokenfamily08" not in problem.message


def test_it_refuses_an_old_xls_and_a_damaged_workbook(personas, audit):
    (old,) = refused(personas, audit, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    assert "old Excel workbook (.xls)" in old.message
    (damaged,) = refused(personas, audit, b"PK\x03\x04 not really a workbook")
    assert "cannot be read as an Excel workbook" in damaged.message


def test_it_refuses_a_workbook_too_large_once_unpacked(personas, audit, monkeypatch):
    monkeypatch.setattr("maqa.audits.caselist.reading.MAX_UNPACKED", 1000)
    (problem,) = refused(personas, audit, xlsx_bytes([list(case_row(1).values())]))
    assert "too large once unpacked" in problem.message


def test_it_refuses_an_import_once_returns_open(personas):
    audit = make_audit(personas, state="returns_open")
    with pytest.raises(ApplicationError, match="fixed once returns open"):
        caselist_import(actor=personas.admin, ip=None, audit=audit, data=csv_bytes([case_row(9)]))


def test_it_records_the_import_with_counts_and_no_identifiers(personas, audit):
    data = csv_bytes([case_row(1), case_row(2)])
    caselist_import(actor=personas.admin, ip="192.0.2.9", audit=audit, data=data)
    event = AuditEvent.objects.filter(action="created", object_id=str(audit.pk)).latest("seq")
    assert event.summary == {
        "case_list": "imported",
        "format": "CSV",
        "cases_added": 2,
        "cases_in_list": 2,
    }
    recorded = f"{event.summary}{event.object_label}"
    assert "Synthname" not in recorded and "CN-SYN" not in recorded


def test_it_groups_the_same_problem_on_many_rows():
    problems = [Problem(r, "Sex (column D)", "is wrong") for r in (2, 3, 4, 7)]
    problems.append(Problem(None, "", "whole"))
    problems.append(Problem(5, "Name (column B)", "missing"))
    assert [(g.rows, g.column, g.message) for g in problem_groups(problems)] == [
        ("Rows 2 to 4, 7", "Sex (column D)", "is wrong"),
        ("Whole file", "", "whole"),
        ("Row 5", "Name (column B)", "missing"),
    ]


# --- by hand, and clearing ------------------------------------------------------------------


def hand_values(**changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "case_number": synthetic_case_number(11),
        "name": synthetic_name(11),
        "date_of_birth": "2019-05-01",
        "sex": "male",
        "plan_type": "child_protection",
        "category": "emotional_abuse",
        "plan_start_date": "",
        "needs": "",
        "agencies": ["Police"],
        "lead_agency": "",
        "family_group": "",
    }
    values.update(changes)
    return values


def test_it_adds_a_case_by_hand(personas, audit):
    case = case_add(actor=personas.admin, ip=None, audit=audit, values=hand_values())
    assert (case.plan_type, case.category, case.age_months) == (
        "child_protection",
        "emotional_abuse",
        73,
    )
    assert case.source_row is None
    assert crypto.decrypt(audit, case.enc_name) == synthetic_name(11)
    event = AuditEvent.objects.filter(action="created", object_type="audits.case").latest("seq")
    assert event.object_label == f"case {case.pk} (entered by hand) (Engagement with fathers)"
    assert "Synthname" not in str(event.summary)


def test_a_case_by_hand_has_the_same_checks_as_a_row(personas, audit):
    case_add(actor=personas.admin, ip=None, audit=audit, values=hand_values())
    values = hand_values(date_of_birth="1/5/19", agencies=["Nobody"], category="")
    with pytest.raises(CaseListProblems) as raised:
        case_add(actor=personas.admin, ip=None, audit=audit, values=values)
    assert [(p.key, p.sentence[:40]) for p in raised.value.problems] == [
        ("date_of_birth", "Date of birth is not a date in the form "),
        ("category", "A child protection plan needs its catego"),
        ("agencies", "The agency is not an active organisation"),
    ]
    with pytest.raises(CaseListProblems, match="not added") as raised:
        case_add(actor=personas.admin, ip=None, audit=audit, values=hand_values())
    assert raised.value.problems[0].key == "case_number"
    assert audit.cases.count() == 1


def test_it_clears_the_case_list_only_while_nothing_is_sampled(personas, audit):
    caselist_import(actor=personas.admin, ip=None, audit=audit, data=csv_bytes([case_row(1)]))
    assert caselist_clear(actor=personas.admin, ip=None, audit=audit) == 1
    assert audit.cases.count() == 0
    sampled = make_audit(personas, children=2)
    with pytest.raises(ApplicationError, match="clear the sample first"):
        caselist_clear(actor=personas.admin, ip=None, audit=sampled)
    assert sampled.cases.count() == 2


# --- exports --------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["=1+2", "+44 7700", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_neutralise_cell_quotes_what_a_spreadsheet_could_run(text):
    assert neutralise_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["", "Police", "CN-SYN-00007", "2019-05-01", " =1"])
def test_neutralise_cell_leaves_other_text_alone(text):
    assert neutralise_cell(text) == text


@pytest.fixture
def risky_agencies(personas):
    Organisation.objects.create(
        partnership=personas.partnership,
        name="=HYPERLINK(x)",
        short_name="+Risky",
        sector=Organisation.Sector.POLICE,
    )
    Organisation.objects.create(
        partnership=personas.partnership,
        name="@Lead",
        short_name="-Lead",
        sector=Organisation.Sector.LOCAL_AUTHORITY,
    )


def test_the_csv_template_neutralises_cells(audit, risky_agencies):
    headings, example = csv.reader(io.StringIO(template_csv(audit).decode("utf-8-sig")))
    assert headings == HEADERS
    assert example[HEADERS.index("Name")] == "Synthname07 Tokenfamily07"
    assert example[HEADERS.index("Involved agencies")] == "'+Risky; -Lead; CSC"
    assert example[HEADERS.index("Lead agency")] == "'-Lead"


def test_the_xlsx_template_neutralises_cells_on_every_sheet(audit, risky_agencies):
    workbook = openpyxl.load_workbook(io.BytesIO(template_xlsx(audit)))
    sheet, guide = workbook.worksheets
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == HEADERS
    assert rows[1][HEADERS.index("Lead agency")] == "'-Lead"
    cells = [c for row in guide.iter_rows() for c in row if c.value is not None]
    assert {c.value for c in cells} >= {"'+Risky", "'=HYPERLINK(x)", "'@Lead", "'-Lead"}
    assert all(c.data_type != "f" for row in (*sheet.iter_rows(), *guide.iter_rows()) for c in row)


@pytest.mark.parametrize("build", [template_csv, template_xlsx])
def test_the_template_imports_as_it_is(personas, audit, build):
    result = caselist_import(actor=personas.admin, ip=None, audit=audit, data=build(audit))
    assert result.added == 1
    case = audit.cases.get()
    assert (case.plan_type, case.lead_agency.short_name) == ("child_protection", "CSC")


def test_the_docs_describe_every_column_and_limit():
    docs = DOCS.read_text()
    for column in COLUMNS:
        assert f"| {column.header} |" in docs, column.header
    for words in ("5 MB", "5,000", "YYYY-MM-DD", "DD/MM/YYYY", "seed", "family group"):
        assert words in docs, words
