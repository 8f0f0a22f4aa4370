"""Every URL, as every persona and as an anonymous visitor, against tests/permissions.py.

URLs about an audit are checked at each of the audit's states, on an audit made for the test.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from maqa.testing.audits import make_audit
from maqa.testing.personas import PERSONA_NAMES, Personas, sign_in
from tests.permissions import ANONYMOUS, EVERYONE, MATRIX, STATES, WORLD_BUILDERS, sample_kwargs


def url_names(patterns: Any = None, namespace: str = "") -> list[str]:
    names = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names += url_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            assert entry.name, f"URL pattern {entry.pattern} has no name, so no matrix row"
            names.append(f"{namespace}{entry.name}")
    return names


def test_every_url_pattern_has_a_row_in_the_matrix():
    missing = sorted(set(url_names()) - set(MATRIX))
    assert not missing, f"add these URLs to tests/permissions*.py: {missing}"


def test_the_matrix_has_no_row_for_a_url_that_is_gone():
    assert not sorted(set(MATRIX) - set(url_names()))


def test_the_personas_in_the_matrix_are_the_test_personas():
    assert set(EVERYONE) == {ANONYMOUS, *PERSONA_NAMES}


def build_world(personas: Personas, state: str | None) -> dict[str, Any]:
    world: dict[str, Any] = {
        "organisation": personas.police_org.pk,
        "person": personas.police.pk,
        "resource": personas.resource.pk,
        "token": "not-a-real-invitation",
    }
    if state is not None:
        audit = make_audit(personas, state=state)
        world["audit"] = audit.pk
        world["child"] = audit.cases.get(reference="Child A").pk
        for builder in WORLD_BUILDERS:
            world.update(builder(personas, audit))
    return world


CASES = [
    (name, state)
    for name, rule in sorted(MATRIX.items())
    for state in (STATES if rule.per_state else (None,))
]


@pytest.fixture(autouse=True)
def keystore(settings, tmp_path):
    settings.IDENTIFIER_KEYSTORE_DIR = tmp_path / "keys"


@pytest.mark.parametrize(("name", "state"), CASES, ids=[f"{n}@{s}" if s else n for n, s in CASES])
def test_the_matrix_holds(personas, name, state):
    rule = MATRIX[name]
    allowed = rule.allowed(state)
    world = build_world(personas, state)
    failures = []
    for persona in EVERYONE:
        # Each persona's request is rolled back, so that a write (deactivating someone, moving the
        # audit on) does not change what the next persona sees.
        with transaction.atomic():
            client = Client()
            if persona != ANONYMOUS:
                sign_in(client, personas.get(persona))
            url = reverse(name, kwargs=sample_kwargs(rule, world))
            response = client.generic(rule.method, url)
            transaction.set_rollback(True)
        expected = allowed.get(persona)
        got = response.status_code
        if expected is not None:
            ok = got == expected
        elif persona == ANONYMOUS:
            ok = got == 302 and response["Location"].startswith("/accounts/sign-in/")
        else:
            ok = got in (403, 404)
        if not ok:
            failures.append(
                f"{persona}: {rule.method} {url} gave {got}, expected {expected or 'denied'}"
            )
    assert not failures, "\n".join(failures)
