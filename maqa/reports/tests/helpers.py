"""Test data for the reports: published audits with findings, agreed grades and actions.

Made directly through the models (a published audit's findings can no longer change through
the services); the audits themselves are moved on through the real services by make_audit.
"""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import openpyxl

from maqa.actions.models import Action
from maqa.audits.models import Audit
from maqa.findings.models import Finding, LearningTheme, Theme
from maqa.organisations.models import Organisation
from maqa.panel.models import PanelGrade
from maqa.testing.audits import make_audit
from maqa.testing.personas import Personas

S, P = Finding.Section, Finding.Polarity


def theme(personas: Personas, slug: str) -> Theme:
    return Theme.objects.get(partnership=personas.partnership, slug=slug)


def published(personas: Personas, theme_name: str, panel_date: datetime.date, **kw: Any) -> Audit:
    audit = make_audit(personas, state="published", theme=theme_name, **kw)
    Audit.objects.filter(pk=audit.pk).update(panel_date=panel_date, returns_due=panel_date)
    audit.refresh_from_db()
    return audit


def point(
    audit: Audit,
    section: str,
    polarity: str,
    text: str,
    *,
    themes: tuple[Theme, ...] = (),
    learning: LearningTheme | None = None,
    position: int = 0,
) -> Finding:
    finding = Finding.objects.create(
        audit=audit, section=section, polarity=polarity, text=text, learning_theme=learning,
        position=position,
    )  # fmt: skip
    finding.themes.set(themes)
    return finding


def grade(audit: Audit, reference: str, domain: str, value: str, rationale: str) -> PanelGrade:
    return PanelGrade.objects.create(
        audit=audit,
        child=audit.cases.get(reference=reference),
        domain=domain,
        grade=value,
        rationale=rationale,
    )


def action(
    personas: Personas,
    description: str,
    *,
    org: Organisation,
    due: datetime.date,
    audit: Audit | None = None,
    status: str = Action.Status.NOT_STARTED,
    themes: tuple[Theme, ...] = (),
    **kw: Any,
) -> Action:
    made = Action.objects.create(
        partnership=personas.partnership, audit=audit, description=description,
        owner_organisation=org, due_date=due, measure_of_success=kw.pop("measure", "Audit shows it"),
        status=status, **kw,
    )  # fmt: skip
    made.themes.set(themes)
    return made


def csv_rows(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff"), "the CSV starts with a byte order mark for Excel"
    return list(csv.reader(io.StringIO(text[1:])))


def xlsx_sheet(content: bytes) -> Any:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return workbook.active


def xlsx_rows(content: bytes) -> list[list[Any]]:
    return [list(row) for row in xlsx_sheet(content).iter_rows(values_only=True)]
