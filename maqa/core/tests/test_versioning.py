"""Stale saves are refused and write nothing (maqa.core.versioning), on a real row."""

from __future__ import annotations

import pytest
from django.db import transaction

from maqa.core.errors import ApplicationError
from maqa.core.versioning import claim_version, locked_at_version
from maqa.organisations.models import Organisation


@pytest.fixture
def agency(personas) -> Organisation:
    return personas.police_org


def test_a_row_still_at_the_version_read_is_locked_and_returned(agency):
    with transaction.atomic():
        current = locked_at_version(Organisation.objects, agency.pk, agency.version, "stale")
    assert current.pk == agency.pk


def test_a_row_changed_since_it_was_read_is_refused_with_the_message(agency):
    Organisation.objects.filter(pk=agency.pk).update(version=agency.version + 1)
    with pytest.raises(ApplicationError, match="Someone else changed it"), transaction.atomic():
        locked_at_version(
            Organisation.objects, agency.pk, agency.version, "Someone else changed it"
        )


def test_the_refusal_can_show_the_row_as_it_is_now(agency):
    Organisation.objects.filter(pk=agency.pk).update(version=agency.version + 1)

    def stale(current: Organisation | None) -> ApplicationError:
        return ApplicationError(f"now at version {current.version if current else 'gone'}")

    with pytest.raises(ApplicationError, match=f"now at version {agency.version + 1}"):
        claim_version(Organisation.objects, agency.pk, agency.version, stale, name="Renamed")


def test_a_claim_writes_the_fields_and_the_next_version_only_when_current(agency):
    new = claim_version(Organisation.objects, agency.pk, agency.version, "stale", name="Renamed")

    agency.refresh_from_db()
    assert (agency.name, agency.version) == ("Renamed", new)
    with pytest.raises(ApplicationError, match="stale"):
        claim_version(Organisation.objects, agency.pk, new - 1, "stale", name="Lost")
    agency.refresh_from_db()
    assert agency.name == "Renamed"
