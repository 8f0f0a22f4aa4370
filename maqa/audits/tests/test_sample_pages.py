from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maqa.audits.caselist.columns import COLUMNS
from maqa.audits.models import Audit
from maqa.audits.sampling import caselist_import
from maqa.core.models import AuditEvent
from maqa.organisations.models import Organisation
from maqa.testing.audits import make_audit, synthetic_case_number, synthetic_name
from maqa.testing.personas import sign_in

HEADERS = [c.header for c in COLUMNS]


@pytest.fixture(autouse=True)
def keystore(settings, tmp_path):
    settings.IDENTIFIER_KEYSTORE_DIR = tmp_path / "keys"


@pytest.fixture
def audit(personas) -> Audit:
    audit = make_audit(personas, children=0)
    audit.panel_date = datetime.date(2025, 6, 1)
    audit.save()
    return audit


@pytest.fixture
def admin(client, personas):
    return sign_in(client, personas.admin)


def case_list(start: int, count: int, **changes: str) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, HEADERS)
    writer.writeheader()
    for index in range(start, start + count):
        row = {
            "Case number": synthetic_case_number(index),
            "Name": synthetic_name(index),
            "Date of birth": "2019-05-01",
            "Sex": "boy",
            "Plan type": "CP",
            "Category": "neglect",
            "Involved agencies": "Police; Health",
            "Lead agency": "CSC",
            "Needs": "neglect; parental mental health",
            "Family group": f"FG-{index // 2}",
        }
        row.update(changes)
        writer.writerow(row)
    return buffer.getvalue().encode()


def imported(personas, audit: Audit, count: int = 3, **changes: str) -> Audit:
    caselist_import(actor=personas.admin, ip=None, audit=audit, data=case_list(0, count, **changes))
    return audit


def page(client, audit: Audit, query: str = "") -> str:
    response = client.get(f"/audits/{audit.pk}/sample/{query}")
    assert response.status_code == 200
    return response.content.decode()


def no_identifiers(html: str) -> bool:
    return not any(token in html for token in ("Synthname", "Tokenfamily", "CN-SYN", "2019-05-01"))


# --- the sample page ------------------------------------------------------------------------


def test_it_shows_the_case_list_without_identifiers(admin, personas, audit):
    html = page(admin, imported(personas, audit))
    assert no_identifiers(html)
    assert 'aria-label="Case list"' in html
    assert "neglect; parental mental health" in html
    assert "<strong>CSC</strong> (lead)" in html
    assert "FG-1" in html
    assert "6 years" in html
    assert "The case list has 3 cases: 3 in scope, 0 excluded, 3 that can be sampled." in html


def test_it_records_a_view_each_time_the_page_is_opened(admin, personas, audit):
    before = AuditEvent.objects.filter(action="viewed", object_id=str(audit.pk)).count()
    page(admin, audit)
    page(admin, audit, "?show=excluded")
    events = AuditEvent.objects.filter(action="viewed", object_id=str(audit.pk))
    assert events.count() == before + 2
    assert events.latest("seq").summary == {"page": "sample", "cases": 0}


def test_it_shows_the_case_list_in_the_same_number_of_queries_however_long(admin, personas, audit):
    imported(personas, audit, 2)
    with CaptureQueriesContext(connection) as few:
        page(admin, audit)
    caselist_import(actor=personas.admin, ip=None, audit=audit, data=case_list(10, 30))
    with CaptureQueriesContext(connection) as many:
        page(admin, audit)
    assert len(many) == len(few)


def test_it_shows_the_cases_in_scope_or_excluded_on_their_own(admin, personas, audit):
    imported(personas, audit, 2)
    caselist_import(
        actor=personas.admin,
        ip=None,
        audit=audit,
        data=case_list(5, 1, **{"Plan type": "CIN", "Category": ""}),
    )
    html = page(admin, audit, "?show=in_scope")
    assert "Child in need" not in html.split('aria-label="Case list"')[1]
    assert "No: Child in need is not in scope" in page(admin, audit)
    assert "No cases to show." in page(admin, audit, "?show=excluded")


# --- uploading and adding -------------------------------------------------------------------


def test_it_uploads_a_good_csv_and_goes_back_to_the_page(admin, audit):
    upload = SimpleUploadedFile("list.csv", case_list(0, 4), content_type="text/csv")
    response = admin.post(f"/audits/{audit.pk}/sample/upload/", {"file": upload}, follow=True)
    assert response.redirect_chain == [(f"/audits/{audit.pk}/sample/", 302)]
    assert (
        "Added 4 cases from the CSV file. The case list has 4 cases." in response.content.decode()
    )
    assert audit.cases.count() == 4


def test_it_uploads_a_good_xlsx_whatever_its_name(admin, audit):
    workbook = openpyxl.Workbook()
    rows = csv.reader(io.StringIO(case_list(0, 2).decode()))
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("list.csv", buffer.getvalue())
    response = admin.post(f"/audits/{audit.pk}/sample/upload/", {"file": upload})
    assert response.status_code == 302
    assert audit.cases.count() == 2


def test_it_lists_every_problem_of_a_bad_upload_by_row_and_column(admin, audit):
    data = case_list(0, 5, **{"Date of birth": "05-01-2019", "Plan type": "Synthname99"})
    upload = SimpleUploadedFile("list.csv", data, content_type="text/csv")
    response = admin.post(f"/audits/{audit.pk}/sample/upload/", {"file": upload})
    html = response.content.decode()
    assert response.status_code == 200
    assert audit.cases.count() == 0
    assert "govuk-error-summary" in html
    assert "it has 10 problems. Nothing was added." in html
    assert 'href="#problems"' in html
    assert '<td class="govuk-table__cell">Rows 2 to 6</td>' in html
    assert "Date of birth (column C)" in html and "Plan type (column E)" in html
    assert "Synthname99" not in html and no_identifiers(html)


def test_it_asks_for_a_file(admin, audit):
    response = admin.post(f"/audits/{audit.pk}/sample/upload/", {})
    assert "Choose a case list file." in response.content.decode()


def test_the_upload_page_documents_the_columns_and_agencies(admin, audit):
    html = admin.get(f"/audits/{audit.pk}/sample/upload/").content.decode()
    for column in COLUMNS:
        assert f'<th scope="row" class="govuk-table__header">{column.header}</th>' in html
    assert "Police (Constabulary)" in html


def test_it_adds_a_case_by_hand(admin, personas, audit):
    response = admin.post(
        f"/audits/{audit.pk}/sample/add/",
        {
            "case_number": synthetic_case_number(40),
            "name": synthetic_name(40),
            "date_of_birth": "01/05/2019",
            "sex": "female",
            "plan_type": "child_protection",
            "category": "neglect",
            "agencies": ["Police", "CSC"],
            "lead_agency": "CSC",
        },
    )
    assert response.status_code == 302
    case = audit.cases.get()
    assert (case.sex, case.age_months, case.lead_agency.short_name) == ("female", 73, "CSC")


def test_it_shows_the_problems_of_a_case_by_hand_beside_its_fields(admin, audit):
    response = admin.post(
        f"/audits/{audit.pk}/sample/add/",
        {
            "case_number": "CN-SYN-00041",
            "name": synthetic_name(41),
            "date_of_birth": "2019-02-31",
            "sex": "unknown",
            "plan_type": "child_protection",
            "agencies": ["Police"],
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_date_of_birth">Date of birth is not a real date' in html
    assert '<a href="#id_category">A child protection plan needs its category' in html
    assert audit.cases.count() == 0


# --- drawing, picking, excluding ------------------------------------------------------------


def test_it_draws_a_sample_from_the_page(admin, personas, audit):
    imported(personas, audit, 6)
    response = admin.post(
        f"/audits/{audit.pk}/sample/draw/",
        {"draw-count": "3", "draw-seed": "page-seed", "draw-version": audit.version},
        follow=True,
    )
    html = response.content.decode()
    assert "Drew 3 children from 6 cases with the seed page-seed." in html
    assert "Drawn at random with the seed <strong>page-seed</strong>." in html
    assert '<th scope="row" class="govuk-table__header">Child C</th>' in html
    assert no_identifiers(html)


def test_it_shows_why_a_draw_was_refused_beside_the_number(admin, personas, audit):
    imported(personas, audit, 2)
    response = admin.post(
        f"/audits/{audit.pk}/sample/draw/",
        {"draw-count": "5", "draw-version": audit.version},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_draw-count">Only 2 cases are in scope and not excluded' in html
    assert not audit.cases.filter(sampled=True).exists()


def test_it_keeps_siblings_together_from_the_page(admin, personas, audit):
    imported(personas, audit, 8)  # families of two: FG-0 ... FG-3
    admin.post(
        f"/audits/{audit.pk}/sample/draw/",
        {"draw-count": "4", "draw-siblings": "on", "draw-version": audit.version},
    )
    families = list(audit.cases.filter(sampled=True).values_list("family_group", flat=True))
    assert len(families) == 4 and len(set(families)) == 2


def test_it_picks_cases_from_the_page(admin, personas, audit):
    imported(personas, audit, 4)
    first, _, third, _ = audit.cases.order_by("pk")
    response = admin.post(
        f"/audits/{audit.pk}/sample/pick/",
        {"pick-cases": [str(third.pk), str(first.pk)], "pick-version": audit.version},
    )
    assert response.status_code == 302
    assert list(
        audit.cases.filter(sampled=True).order_by("sample_order").values_list("pk", "reference")
    ) == [(first.pk, "Child A"), (third.pk, "Child B")]
    html = page(admin, audit)
    assert "Picked by hand." in html
    assert f'value="{third.pk}" form="pick-form" checked' in html


def test_it_refuses_a_pick_of_nothing_on_the_page(admin, personas, audit):
    imported(personas, audit, 2)
    response = admin.post(f"/audits/{audit.pk}/sample/pick/", {"pick-version": audit.version})
    assert '<a href="#pool">Choose at least one case.</a>' in response.content.decode()


def test_it_refuses_a_pick_of_a_case_of_another_audit(admin, personas, audit):
    other = imported(personas, make_audit(personas, children=0, theme="Other"), 1)
    imported(personas, audit, 1)
    response = admin.post(
        f"/audits/{audit.pk}/sample/pick/",
        {"pick-cases": [str(other.cases.get().pk)], "pick-version": audit.version},
    )
    assert "The case list has changed" in response.content.decode()
    assert not other.cases.filter(sampled=True).exists()


def test_it_excludes_and_includes_a_case_from_the_page(admin, personas, audit):
    case = imported(personas, audit, 1).cases.get()
    url = f"/audits/{audit.pk}/sample/cases/{case.pk}/exclude/"
    assert "Exclude case-list row 2 from the sample" in admin.get(url).content.decode()
    response = admin.post(url, {"reason": "other", "detail": ""})
    assert '<a href="#id_detail">Say why the case is excluded.</a>' in response.content.decode()
    assert admin.post(url, {"reason": "practice_review"}).status_code == 302
    case.refresh_from_db()
    assert case.excluded_reason == "A live practice review"
    assert "A live practice review" in page(admin, audit, "?show=excluded")
    admin.post(f"/audits/{audit.pk}/sample/cases/{case.pk}/include/")
    case.refresh_from_db()
    assert case.excluded_reason == ""


def test_it_clears_the_sample_and_then_the_case_list_from_the_page(admin, personas, audit):
    imported(personas, audit, 3)
    admin.post(f"/audits/{audit.pk}/sample/draw/", {"draw-count": "2", "draw-version": 1})
    admin.post(f"/audits/{audit.pk}/sample/clear-list/")
    assert audit.cases.count() == 3  # refused while sampled
    audit.refresh_from_db()
    admin.post(f"/audits/{audit.pk}/sample/clear/", {"version": audit.version})
    assert not audit.cases.filter(sampled=True).exists()
    admin.post(f"/audits/{audit.pk}/sample/clear-list/")
    assert audit.cases.count() == 0


# --- the template ---------------------------------------------------------------------------


def test_the_csv_template_downloads_with_a_plain_name_and_neutralised_cells(admin, personas, audit):
    Organisation.objects.create(
        partnership=personas.partnership, name="At risk", short_name="=cmd", sector="education"
    )
    response = admin.get(f"/audits/{audit.pk}/sample/template.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == ('attachment; filename="maqa-case-list-template.csv"')
    headings, example = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    assert headings == HEADERS
    assert example[HEADERS.index("Involved agencies")].startswith("'=cmd; ")
    event = AuditEvent.objects.filter(action="exported").latest("seq")
    assert event.summary == {"file": "case list template", "format": "csv"}


def test_the_xlsx_template_downloads_with_a_plain_name(admin, audit):
    response = admin.get(f"/audits/{audit.pk}/sample/template.xlsx")
    assert response["Content-Disposition"] == (
        'attachment; filename="maqa-case-list-template.xlsx"'
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [c.value for c in next(workbook.worksheets[0].iter_rows())] == HEADERS


# --- who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["police", "health", "panel", "board", "outsider"])
def test_no_one_but_the_partnership_admin_opens_the_sample_pages(client, personas, persona):
    audit = imported(personas, make_audit(personas, children=0), 1)
    case = audit.cases.get()
    sign_in(client, personas.get(persona))
    for url in ("", "upload/", "add/", "template.csv", f"cases/{case.pk}/exclude/"):
        assert client.get(f"/audits/{audit.pk}/sample/{url}").status_code == 404, url
    data = case_list(50, 1)
    response = client.post(
        f"/audits/{audit.pk}/sample/upload/", {"file": SimpleUploadedFile("l.csv", data)}
    )
    assert response.status_code == 404
    response = client.post(
        f"/audits/{audit.pk}/sample/draw/", {"draw-count": "1", "draw-version": audit.version}
    )
    assert response.status_code == 404
    assert audit.cases.count() == 1 and not audit.cases.filter(sampled=True).exists()


def test_someone_signed_out_is_sent_to_sign_in(client, personas, audit):
    response = client.get(f"/audits/{audit.pk}/sample/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


def test_once_returns_open_the_page_shows_the_sample_read_only(admin, personas):
    audit = make_audit(personas, state="returns_open", children=2)
    html = page(admin, audit)
    assert "The case list and the sample are fixed once returns open." in html
    assert '<th scope="row" class="govuk-table__header">Child B</th>' in html
    assert "<form" not in html.split('id="main-content"')[1]
    response = admin.get(f"/audits/{audit.pk}/sample/upload/", follow=True)
    assert response.redirect_chain == [(f"/audits/{audit.pk}/sample/", 302)]
    assert "fixed once returns open" in response.content.decode()
    response = admin.post(
        f"/audits/{audit.pk}/sample/draw/", {"draw-count": "1", "draw-version": audit.version}
    )
    assert "fixed once returns open" in response.content.decode()
