"""Matrix rows for the trends page (maqa/trends/urls.py).

Partnership admins, panel members and viewers (the board) read their own partnership's trends;
the outsider, an admin of another partnership, reads that partnership's (its own page, empty).
Agency auditors are refused (403), as on the other role-limited pages not about one object.
"""

from __future__ import annotations

from tests.permissions import Rule, only

MATRIX_PART: dict[str, Rule] = {
    "trends:trends": Rule(allow=only(200, "admin", "panel", "board", "outsider")),
}
