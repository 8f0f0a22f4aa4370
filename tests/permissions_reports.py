"""Matrix rows for the reports (maqa/reports/urls.py, at /reports/).

- The page: everyone signed in who has an export (everyone: an agency auditor has the actions
  export); the outsider sees their own partnership's page.
- Findings and the board report: partnership admins, panel members and viewers (the findings of
  published audits only, for the last two); agency auditors get 403.
- Agreed grades (case-level): partnership admins and panel members (of their own panels' audits
  only); viewers and agency auditors get 403.
- Actions: everyone signed in; an agency auditor's file holds only their own agency's actions.

The outsider (admin of another partnership) downloads their own partnership's files, which hold
nothing of this one (maqa/reports/tests/test_access.py checks the contents).
"""

from __future__ import annotations

from tests.permissions import Rule, only, signed_in

READERS = ("admin", "panel", "board", "outsider")

MATRIX_PART: dict[str, Rule] = {
    "reports:index": Rule(allow=signed_in(200)),
    "reports:findings": Rule(allow=only(200, *READERS), page=False),
    "reports:grades": Rule(allow=only(200, "admin", "panel", "outsider"), page=False),
    "reports:actions": Rule(allow=signed_in(200), page=False),
    "reports:board-report": Rule(allow=only(200, *READERS), page=False),
}
