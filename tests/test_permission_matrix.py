"""Every URL, as every persona and as an anonymous visitor, against tests/permissions.py."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from maqa.core.testing import PERSONA_NAMES, sign_in
from tests.permissions import ANONYMOUS, EVERYONE, MATRIX, sample_kwargs


def url_names(patterns=None, namespace: str = "") -> list[str]:
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
    assert not missing, f"add these URLs to tests/permissions.py: {missing}"


def test_the_matrix_has_no_row_for_a_url_that_is_gone():
    assert not sorted(set(MATRIX) - set(url_names()))


def test_the_personas_in_the_matrix_are_the_test_personas():
    assert set(EVERYONE) == {ANONYMOUS, *PERSONA_NAMES}


@pytest.fixture
def world(personas) -> dict[str, object]:
    return {
        "organisation": personas.police_org.pk,
        "person": personas.police.pk,
        "resource": personas.resource.pk,
        "token": "not-a-real-invitation",
    }


@pytest.mark.parametrize("persona", EVERYONE)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_the_matrix_holds(client, personas, world, name, persona):
    rule = MATRIX[name]
    url = reverse(name, kwargs=sample_kwargs(rule, world))
    if persona != ANONYMOUS:
        sign_in(client, personas.get(persona))
    response = client.generic(rule.method, url)
    expected = rule.allow.get(persona)
    if expected is not None:
        assert response.status_code == expected, f"{persona} {rule.method} {url}"
    elif persona == ANONYMOUS:
        assert response.status_code == 302, f"{persona} {rule.method} {url}"
        assert response["Location"].startswith("/accounts/sign-in/")
    else:
        assert response.status_code in (403, 404), f"{persona} {rule.method} {url}"
