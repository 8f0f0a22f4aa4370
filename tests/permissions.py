"""The permission matrix: who may open each URL. Hand-written and default-deny.

Every URL pattern must have a row (tests/test_permission_matrix.py fails on a new URL without one).
A row names the method to try and, for each persona allowed, the status it gets. Everyone else is
denied: an anonymous visitor is sent to sign in; a signed-in persona gets 403 or 404.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ANONYMOUS = "anonymous"
PERSONAS = ("admin", "police", "health", "panel", "board", "outsider")
EVERYONE = (ANONYMOUS, *PERSONAS)
SIGNED_IN = PERSONAS


@dataclass(frozen=True)
class Rule:
    method: str = "GET"
    allow: dict[str, int] = field(default_factory=dict)
    # Kwargs for reverse(), by the name of an object in the sample world (see sample_kwargs).
    kwargs: dict[str, str] = field(default_factory=dict)
    # A page a persona may open in a browser (for the accessibility sweep).
    page: bool = True


def _all(names: tuple[str, ...], status: int) -> dict[str, int]:
    return dict.fromkeys(names, status)


ADMIN_LIST = {"admin": 200, "outsider": 200}  # the outsider sees their own partnership's list
ADMIN_OBJECT = {"admin": 200}  # the outsider gets 404 for this partnership's object

MATRIX: dict[str, Rule] = {
    "core:home": Rule(allow=_all(SIGNED_IN, 200)),
    "core:healthz": Rule(allow=_all(EVERYONE, 200), page=False),
    "accounts:sign-in": Rule(allow={ANONYMOUS: 200, **_all(SIGNED_IN, 302)}),
    "accounts:sign-out": Rule(method="POST", allow=_all(EVERYONE, 302), page=False),
    "accounts:two-factor": Rule(allow=_all(SIGNED_IN, 200)),
    "accounts:two-factor-setup": Rule(allow=_all(SIGNED_IN, 200)),
    "accounts:invitation": Rule(allow=_all(EVERYONE, 410), kwargs={"token": "token"}, page=False),
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
}


def sample_kwargs(rule: Rule, world: dict[str, object]) -> dict[str, object]:
    """Fill a rule's kwargs from ``world``: object names mapped to primary keys or values."""
    return {key: world[name] for key, name in rule.kwargs.items()}
