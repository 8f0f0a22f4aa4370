"""Matrix rows for recording aids: suggested themes while recording a point, accepting one for a
saved point (maqa/findings/urls_findings.py), and comparing a re-audit with the audit it follows
(maqa/audits/urls.py).

Suggestions: the findings team (the partnership admin and the audit's panel member) while the
findings may change (panel, reporting); nobody otherwise (404, as there is nothing to record).
Sent empty it answers 200 (no text: no suggestions).

Accepting a theme for a saved point changes the point: the findings team from the panel on. The
matrix sends no theme, so it redirects (302) back to the findings page with a message, as it does
once the audit is published.

The comparison page opens for whoever may open the audit's page (the grades part is shown only
to whoever may see both audits' grades: see maqa/audits/reaudit.py).
"""

from __future__ import annotations

from tests.permissions import AUDIT_SEEN, Rule
from tests.permissions_findings import EDITABLE, FINDING, MOVE, team, when

MATRIX_PART: dict[str, Rule] = {
    "findings:finding-suggest": Rule(
        method="POST", allow=when(EDITABLE, team(200)), kwargs={"pk": "audit"}, page=False
    ),
    "findings:finding-accept-theme": Rule(method="POST", allow=MOVE, kwargs=FINDING, page=False),
}
