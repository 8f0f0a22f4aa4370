"""Matrix rows for findings and themes (maqa/findings/urls_findings.py).

Findings of an audit: the partnership admin and the panel member named for the audit, from the
panel state on; nobody before (an admin included: there is nothing to record yet). At panel and
in reporting they may change them; once published the pages that would change them send them
back to the findings page (302), and a point or theme for learning is shown read-only (200).
Agency auditors, the board (who read the published briefing instead) and the outsider: never.

The matrix posts no data, so moving a point or theme for learning redirects (302) with a message
whether or not it moved.

Themes: the partnership admin only; the outsider sees their own partnership's list and gets 404
for this partnership's theme. The rows about one theme are per state only because the sample
world's builders run only for those (as the audit tools' rows); the audit's state does not matter.
Sent empty, retiring shows the theme's page again with the problem (200).
"""

from __future__ import annotations

from typing import Any

from maqa.audits.models import Audit
from maqa.findings.models import Finding, LearningTheme, Theme
from maqa.findings.services import finding_create, learning_theme_create
from maqa.testing.personas import Personas
from tests.permissions import ADMIN_LIST, ADMIN_OBJECT, PANEL_STATES, Allow, Rule, merge, when

EDITABLE = ("panel", "reporting")
PUBLISHED = ("published", "closed")
FINDINGS_TEAM = ("admin", "panel")


def team(status: int) -> Allow:
    return dict.fromkeys(FINDINGS_TEAM, status)


READ = when(PANEL_STATES, team(200))
CHANGE_PAGE = merge(when(EDITABLE, team(200)), when(PUBLISHED, team(302)))
MOVE = when(PANEL_STATES, team(302))


def _admin_object(state: str) -> Allow:
    return ADMIN_OBJECT


AUDIT = {"pk": "audit"}
FINDING = {"pk": "audit", "finding_pk": "finding"}
LEARNING = {"pk": "audit", "theme_pk": "learning_theme"}
THEME = {"theme_pk": "theme"}

MATRIX_PART: dict[str, Rule] = {
    "findings:finding-list": Rule(allow=READ, kwargs=AUDIT),
    "findings:finding-new": Rule(allow=CHANGE_PAGE, kwargs=AUDIT),
    "findings:finding-detail": Rule(allow=READ, kwargs=FINDING),
    "findings:finding-delete": Rule(allow=CHANGE_PAGE, kwargs=FINDING),
    "findings:finding-move": Rule(method="POST", allow=MOVE, kwargs=FINDING, page=False),
    "findings:learning-new": Rule(allow=CHANGE_PAGE, kwargs=AUDIT),
    "findings:learning-detail": Rule(allow=READ, kwargs=LEARNING),
    "findings:learning-delete": Rule(allow=CHANGE_PAGE, kwargs=LEARNING),
    "findings:learning-move": Rule(method="POST", allow=MOVE, kwargs=LEARNING, page=False),
    "findings:theme-list": Rule(allow=ADMIN_LIST),
    "findings:theme-new": Rule(allow=ADMIN_LIST),
    "findings:theme-detail": Rule(allow=_admin_object, kwargs=THEME),
    "findings:theme-retire": Rule(method="POST", allow=_admin_object, kwargs=THEME, page=False),
}


def world(personas: Personas, audit: Audit) -> dict[str, Any]:
    """``learning_theme`` and ``finding`` (a point of what we found in it) of the audit: made
    through the services at panel and in reporting; once published, as the panel left them
    (written directly, since the services refuse by then); before the panel, none (999999).
    ``theme``: a theme of the personas' partnership."""
    theme = Theme.objects.filter(partnership=personas.partnership, parent__isnull=True).first()
    assert theme is not None
    if audit.state in EDITABLE:
        lt = learning_theme_create(actor=personas.admin, ip=None, audit=audit, title="Matrix")
        finding = finding_create(
            actor=personas.admin,
            ip=None,
            audit=audit,
            section=Finding.Section.FOUND,
            learning_theme=lt,
            text="Matrix point.",
            themes=[theme],
        )
        return {"learning_theme": lt.pk, "finding": finding.pk, "theme": theme.pk}
    if audit.state in PUBLISHED:
        lt = LearningTheme.objects.create(audit=audit, title="Matrix")
        finding = Finding.objects.create(
            audit=audit,
            section=Finding.Section.FOUND,
            learning_theme=lt,
            text="Matrix point.",
            polarity=Finding.Polarity.CONCERN,
        )
        finding.themes.set([theme])
        return {"learning_theme": lt.pk, "finding": finding.pk, "theme": theme.pk}
    return {"learning_theme": 999999, "finding": 999999, "theme": theme.pk}
