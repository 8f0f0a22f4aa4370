"""Matrix rows for the import pages (maqa/importers/urls.py, at /imports/): partnership admins
only. The outsider (admin of another partnership) sees their own list but gets 404 for this
partnership's uploads and documents.

The rows about one upload or document are per-state only so that the sample world's builder
(``world``) runs for them; the audit's state does not matter to them.

Until config/urls.py mounts maqa.importers.urls, the rows are left out (a row for a URL that is
not there fails tests/test_permission_matrix.py); once it does, ``_mounted`` can go.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.urls import NoReverseMatch, reverse

from maqa.audits.models import Audit
from maqa.briefings.types import BriefingRecord
from maqa.importers.models import ImportBatch, ImportedDocument
from maqa.testing.personas import Personas
from tests.permissions import ADMIN_LIST, ADMIN_OBJECT, Rule


def _admin_object(state: str) -> dict[str, int]:
    return ADMIN_OBJECT


def _admin_redirect(state: str) -> dict[str, int]:
    return {"admin": 302}


ROWS: dict[str, Rule] = {
    "importers:import-list": Rule(allow=ADMIN_LIST),
    "importers:import-upload": Rule(allow=ADMIN_LIST),
    "importers:batch-detail": Rule(allow=_admin_object, kwargs={"pk": "import_batch"}),
    # Reads the next file; without htmx it redirects to the progress page.
    "importers:batch-step": Rule(
        method="POST", allow=_admin_redirect, kwargs={"pk": "import_batch"}, page=False
    ),
    "importers:document-review": Rule(allow=_admin_object, kwargs={"pk": "imported_document"}),
    "importers:document-skip": Rule(
        method="POST", allow=_admin_redirect, kwargs={"pk": "imported_document"}, page=False
    ),
}


def _mounted() -> bool:
    try:
        reverse("importers:import-list")
    except NoReverseMatch:
        return False
    return True


MATRIX_PART: dict[str, Rule] = ROWS if _mounted() else {}

RECORD: BriefingRecord = {
    "title": "Multi-Agency Case File Audit: Matrix",
    "theme": "Matrix",
    "audit_date": "2020-01",
    "children": {"count": 3, "plan_types": []},
    "worries": ["A worry"],
    "good_practice": [],
    "learning": [],
}


def world(personas: Personas, audit: Audit) -> dict[str, Any]:
    batch = ImportBatch.objects.create(partnership=personas.partnership, uploaded_by=personas.admin)
    data = b"Multi-Agency Case File Audit: Matrix\n\nIn January 2020 we audited 3 children.\n"
    document = ImportedDocument.objects.create(
        partnership=personas.partnership,
        batch=batch,
        filename="matrix.txt",
        sha256=hashlib.sha256(data).hexdigest(),
        format="text",
        size=len(data),
        content=data,
        record=RECORD,
        status=ImportedDocument.Status.PARSED,
        uploaded_by=personas.admin,
    )
    return {"import_batch": batch.pk, "imported_document": document.pk}
