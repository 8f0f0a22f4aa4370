"""Writes for organisations and the resource library. Each records an audit event."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

from django.db import IntegrityError, models, transaction

from maqa.accounts.models import User
from maqa.core.errors import ApplicationError
from maqa.core.models import AuditEvent
from maqa.core.services import audit_record, changes_between
from maqa.core.versioning import claim_version
from maqa.organisations.models import Organisation, Resource

STALE_MESSAGE = (
    "Someone else changed this {what} while you were editing. Reload the page to see their "
    "changes, then make yours again."
)


class OrganisationData(TypedDict):
    """What organisation_create and organisation_update write."""

    name: str
    short_name: str
    sector: str  # an Organisation.Sector value
    active: bool


class ResourceData(TypedDict):
    """What resource_create and resource_update write."""

    title: str
    kind: str  # a Resource.Kind value
    url: str
    description: str
    themes: list[str]  # theme slugs


def _snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


def _save_versioned(
    *, actor: User, ip: str | None, obj: Any, data: Mapping[str, Any], version: int, what: str
) -> Any:
    """Apply ``data`` to ``obj`` only if nobody saved it since ``version`` was read."""
    model = type(obj)
    with transaction.atomic():
        # Read the stored row: a bound ModelForm has already written its values onto ``obj``.
        before = _snapshot(model.objects.get(pk=obj.pk), list(data))
        claim_version(model.objects, obj.pk, version, STALE_MESSAGE.format(what=what))
        for name, value in data.items():
            setattr(obj, name, value)
        obj.version = version + 1
        try:
            with transaction.atomic():
                obj.save(update_fields=[*data, "version"])
        except IntegrityError as exc:
            raise ApplicationError(f"Another {what} already has that name.") from exc
        audit_record(
            action=AuditEvent.Action.CHANGED,
            actor=actor,
            ip=ip,
            obj=obj,
            summary=changes_between(before, data),
        )
    return obj


def _create(*, actor: User, ip: str | None, model: Any, data: Mapping[str, Any], what: str) -> Any:
    with transaction.atomic():
        try:
            with transaction.atomic():
                obj = model.objects.create(partnership=actor.partnership, **data)
        except IntegrityError as exc:
            raise ApplicationError(f"Another {what} already has that name.") from exc
        audit_record(
            action=AuditEvent.Action.CREATED,
            actor=actor,
            ip=ip,
            obj=obj,
            summary={k: v for k, v in data.items()},
        )
    return obj


def organisation_create(*, actor: User, ip: str | None, data: OrganisationData) -> Organisation:
    obj: Organisation = _create(
        actor=actor, ip=ip, model=Organisation, data=data, what="organisation"
    )
    return obj


def organisation_update(
    *, actor: User, ip: str | None, organisation: Organisation, data: OrganisationData, version: int
) -> Organisation:
    obj: Organisation = _save_versioned(
        actor=actor, ip=ip, obj=organisation, data=data, version=version, what="organisation"
    )
    return obj


def resource_create(*, actor: User, ip: str | None, data: ResourceData) -> Resource:
    obj: Resource = _create(actor=actor, ip=ip, model=Resource, data=data, what="resource")
    return obj


def resource_update(
    *, actor: User, ip: str | None, resource: Resource, data: ResourceData, version: int
) -> Resource:
    obj: Resource = _save_versioned(
        actor=actor, ip=ip, obj=resource, data=data, version=version, what="resource"
    )
    return obj


LOGO_MAX_BYTES = 1_000_000
LOGO_KINDS = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg"}


def partnership_logo_set(*, actor: User, ip: str | None, data: bytes | None) -> None:
    """Set (or, with ``data`` None, remove) the partnership's logo shown on its briefings.

    The type is told from the file's content (PNG or JPEG), never its name; the stored file is
    named after the partnership, not the upload.
    """
    from django.core.files.base import ContentFile

    partnership = actor.partnership
    if data is None:
        if partnership.logo:
            partnership.logo.delete(save=False)
        partnership.logo = ""
        with transaction.atomic():
            partnership.save(update_fields=["logo"])
            audit_record(action=AuditEvent.Action.CHANGED, actor=actor, ip=ip, obj=partnership,
                         summary={"logo": "removed"})  # fmt: skip
        return
    if len(data) > LOGO_MAX_BYTES:
        raise ApplicationError("The logo is larger than 1 MB: use a smaller image.", field="logo")
    kind = next((k for magic, k in LOGO_KINDS.items() if data.startswith(magic)), None)
    if kind is None:
        raise ApplicationError("The logo must be a PNG or JPEG image.", field="logo")
    if partnership.logo:
        partnership.logo.delete(save=False)
    partnership.logo.save(f"partnership-{partnership.pk}.{kind}", ContentFile(data), save=False)
    with transaction.atomic():
        partnership.save(update_fields=["logo"])
        audit_record(action=AuditEvent.Action.CHANGED, actor=actor, ip=ip, obj=partnership,
                     summary={"logo": f"set ({kind}, {len(data)} bytes)"})  # fmt: skip
