"""The permission matrix: who may open each URL. Hand-written and default-deny.

Every URL pattern must have a row (tests/test_permission_matrix.py fails on a new URL without one).
A row names the method to try and, for each persona allowed, the status it gets. Everyone else is
denied: an anonymous visitor is sent to sign in; a signed-in persona gets 403 or 404.

Rows of URLs about an audit are checked at every audit state: their ``allow`` is a function of the
state. Each area of maqa keeps its rows in a module of its own (tests/permissions_*.py), joined
into MATRIX here, and may add to the sample world (WORLD_BUILDERS) that fills URL arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ANONYMOUS = "anonymous"
PERSONAS = ("admin", "police", "health", "panel", "board", "outsider")
EVERYONE = (ANONYMOUS, *PERSONAS)
SIGNED_IN = PERSONAS
STATES = ("draft", "returns_open", "panel", "reporting", "published", "closed")
OPEN_STATES = STATES[1:]  # every state after draft
PANEL_STATES = ("panel", "reporting", "published", "closed")
VIEWER_STATES = ("published", "closed")

Allow = dict[str, int]


@dataclass(frozen=True)
class Rule:
    method: str = "GET"
    # Who is allowed, with the status they get. For a URL about an audit, a function of the
    # audit's state giving that.
    allow: Allow | Callable[[str], Allow] = field(default_factory=dict)
    # Kwargs for reverse(), by the name of an object in the sample world (see sample_kwargs).
    kwargs: dict[str, str] = field(default_factory=dict)
    # A page a persona may open in a browser (for the accessibility sweep).
    page: bool = True

    @property
    def per_state(self) -> bool:
        return callable(self.allow)

    def allowed(self, state: str | None = None) -> Allow:
        if callable(self.allow):
            assert state is not None
            return self.allow(state)
        return self.allow


def everyone(status: int) -> Allow:
    return dict.fromkeys(EVERYONE, status)


def signed_in(status: int) -> Allow:
    return dict.fromkeys(SIGNED_IN, status)


def only(status: int, *personas: str) -> Allow:
    return dict.fromkeys(personas, status)


def when(states: tuple[str, ...], allow: Allow) -> Callable[[str], Allow]:
    """``allow`` in the given audit states, and default-deny in the others."""
    return lambda state: allow if state in states else {}


def merge(*parts: Callable[[str], Allow]) -> Callable[[str], Allow]:
    def allow(state: str) -> Allow:
        result: Allow = {}
        for part in parts:
            result.update(part(state))
        return result

    return allow


ADMIN_LIST = {"admin": 200, "outsider": 200}  # the outsider sees their own partnership's list
ADMIN_OBJECT = {"admin": 200}  # the outsider gets 404 for this partnership's object

FOUNDATION: dict[str, Rule] = {
    "home:home": Rule(allow=signed_in(200)),
    "home:healthz": Rule(allow=everyone(200), page=False),
    "accounts:sign-in": Rule(allow={ANONYMOUS: 200, **signed_in(302)}),
    "accounts:sign-out": Rule(method="POST", allow=everyone(302), page=False),
    "accounts:two-factor": Rule(allow=signed_in(200)),
    "accounts:two-factor-setup": Rule(allow=signed_in(200)),
    "accounts:invitation": Rule(allow=everyone(410), kwargs={"token": "token"}, page=False),
    "organisations:organisation-list": Rule(allow=ADMIN_LIST),
    "organisations:organisation-create": Rule(allow=ADMIN_LIST),
    "organisations:organisation-edit": Rule(allow=ADMIN_OBJECT, kwargs={"pk": "organisation"}),
    "organisations:person-list": Rule(allow=ADMIN_LIST),
    "organisations:person-invite": Rule(allow=ADMIN_LIST),
    "organisations:person-detail": Rule(allow=ADMIN_OBJECT, kwargs={"pk": "person"}),
    "organisations:person-deactivate": Rule(
        method="POST", allow={"admin": 302}, kwargs={"pk": "person"}, page=False
    ),
    "organisations:person-reactivate": Rule(
        method="POST", allow={"admin": 302}, kwargs={"pk": "person"}, page=False
    ),
    "organisations:resource-list": Rule(allow=ADMIN_LIST),
    "organisations:resource-create": Rule(allow=ADMIN_LIST),
    "organisations:resource-edit": Rule(allow=ADMIN_OBJECT, kwargs={"pk": "resource"}),
    "organisations:audit-trail": Rule(allow=ADMIN_LIST),
    "organisations:partnership": Rule(allow=ADMIN_LIST),
    # 404 while the partnership has no logo (as the personas' have not)
    "organisations:partnership-logo": Rule(allow=only(404, "admin", "outsider"), page=False),
}

# Who sees an audit's page: the admin always; the involved agencies' auditors (police, health)
# and the panel member named for it once it leaves draft; the board once published.
AUDIT_SEEN = merge(
    lambda state: {"admin": 200},
    when(OPEN_STATES, only(200, "police", "health", "panel")),
    when(VIEWER_STATES, only(200, "board")),
)

AUDITS: dict[str, Rule] = {
    "home:audit-list": Rule(allow=signed_in(200)),
    "audits:audit-create": Rule(allow=ADMIN_LIST),
    "home:audit-detail": Rule(allow=AUDIT_SEEN, kwargs={"pk": "audit"}),
    "audits:audit-edit": Rule(allow=lambda state: {"admin": 200}, kwargs={"pk": "audit"}),
    "lifecycle:audit-move-on": Rule(
        method="POST", allow=lambda state: {"admin": 302}, kwargs={"pk": "audit"}, page=False
    ),
    # Identifiers: the admin and the involved agencies' auditors, until the audit closes.
    "home:child-identifiers": Rule(
        method="POST",
        allow=merge(
            when(STATES[:-1], {"admin": 200}),
            when(
                ("returns_open", "panel", "reporting", "published"), only(200, "police", "health")
            ),
        ),
        kwargs={"pk": "audit", "child_pk": "child"},
        page=False,
    ),
}


def _parts() -> list[dict[str, Rule]]:
    import importlib
    import pkgutil

    import tests

    parts = []
    for module in pkgutil.iter_modules(tests.__path__):
        if module.name.startswith("permissions_"):
            parts.append(importlib.import_module(f"tests.{module.name}").MATRIX_PART)
    return parts


def _world_builders() -> list[Callable[..., dict[str, Any]]]:
    import importlib
    import pkgutil

    import tests

    builders = []
    for module in pkgutil.iter_modules(tests.__path__):
        if module.name.startswith("permissions_"):
            builder = getattr(importlib.import_module(f"tests.{module.name}"), "world", None)
            if builder is not None:
                builders.append(builder)
    return builders


MATRIX: dict[str, Rule] = {**FOUNDATION, **AUDITS}
for _part in _parts():
    _overlap = set(_part) & set(MATRIX)
    assert not _overlap, f"URL rows defined twice: {_overlap}"
    MATRIX.update(_part)

WORLD_BUILDERS = _world_builders()


def sample_kwargs(rule: Rule, world: dict[str, Any]) -> dict[str, Any]:
    """Fill a rule's kwargs from ``world``: object names mapped to primary keys or values."""
    return {key: world[name] for key, name in rule.kwargs.items()}
