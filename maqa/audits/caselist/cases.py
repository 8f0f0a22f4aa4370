"""The case list of an audit, once stored: how a case is named on pages and in the audit trail,
and its ages kept to the panel date while the audit is in draft. (maqa.audits.sampling adds the
checked cases to an audit, all or none.)"""

from __future__ import annotations

import datetime

from maqa.audits import crypto
from maqa.audits.caselist.checking import age_in_months
from maqa.audits.models import Audit, Case

FIXED = "The case list and the sample are fixed once returns open."


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
