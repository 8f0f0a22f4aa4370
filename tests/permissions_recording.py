"""Matrix rows for recording aids: suggested themes while recording a point, accepting one for a
saved point (maqa/findings/urls_findings.py), and comparing a re-audit with the audit it follows
(maqa/audits/urls.py).

Suggestions: the findings team (the partnership admin and the audit's panel member) while the
findings may change (panel, reporting); nobody otherwise (404, as there is nothing to record).
Sent empty it answers 200 (no text: no suggestions).

Accepting a theme for a saved point changes the point: the findings team from the panel on. The
matrix sends no theme, so it redirects (302) back to the findings page with a message, as it does
once the audit is published.

The comparison page opens for whoever may see a part of it for this audit (see
maqa/audits/reaudit.py): the admin always, the audit's panel member from the panel on, the board
once it is published; each part then shows only if they may see it for the earlier audit too.
"""

from __future__ import annotations

from tests.permissions import PANEL_STATES, VIEWER_STATES, Rule, merge, only, when
from tests.permissions_findings import EDITABLE, FINDING, MOVE, team

# The comparison page: the admin always (it says when the audit is not a re-audit); the audit's
# panel member from the panel on; the board once published. Agency auditors never.
COMPARISON = merge(
    lambda state: {"admin": 200},
    when(PANEL_STATES, only(200, "panel")),
    when(VIEWER_STATES, only(200, "board")),
)

MATRIX_PART: dict[str, Rule] = {
    "findings:finding-suggest": Rule(
        method="POST", allow=when(EDITABLE, team(200)), kwargs={"pk": "audit"}, page=False
    ),
    "findings:finding-accept-theme": Rule(method="POST", allow=MOVE, kwargs=FINDING, page=False),
    "trends:audit-reaudit": Rule(allow=COMPARISON, kwargs={"pk": "audit"}),
}
