"""Writes for audit tools: load the defaults, copy a tool, save a new version of a copy."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify

from maqa.accounts.models import User
from maqa.core.errors import ApplicationError
from maqa.core.models import AuditEvent
from maqa.core.services import audit_record
from maqa.organisations.models import Partnership
from maqa.returns.models import AuditTool, AuditToolVersion
from maqa.returns.tools import default_tool_files, source_label, tool_definition


def tools_load_defaults(*, partnership: Partnership) -> list[AuditToolVersion]:
    """Make sure the partnership has each shipped tool at its shipped content (idempotent).

    A shipped tool whose file changed gets a new version; versions already answered stay.
    """
    versions = []
    with transaction.atomic():
        for path in default_tool_files():
            definition = tool_definition(path.read_text())
            slug = definition["slug"] or path.stem
            tool, _ = AuditTool.objects.get_or_create(
                partnership=partnership, slug=slug, defaults={"name": definition["name"]}
            )
            latest = tool.latest
            if latest is None or latest.definition != definition:
                latest = AuditToolVersion.objects.create(
                    tool=tool,
                    number=(latest.number + 1) if latest else 1,
                    definition=definition,
                    source=source_label(path),
                )
            versions.append(latest)
    return versions


def tool_copy(*, actor: User, ip: str | None, version: AuditToolVersion, name: str) -> AuditTool:
    name = name.strip()
    if not name:
        raise ApplicationError("Give the copy a name.", field="name")
    slug = slugify(name)[:80] or "tool"
    if AuditTool.objects.filter(partnership=actor.partnership, slug=slug).exists():
        raise ApplicationError("A tool with that name already exists.", field="name")
    with transaction.atomic():
        tool = AuditTool.objects.create(
            partnership=actor.partnership, name=name, slug=slug, copied_from=version
        )
        definition = {**version.definition, "name": name, "slug": slug}
        AuditToolVersion.objects.create(
            tool=tool,
            number=1,
            definition=definition,
            created_by=actor,
            source=f"copy of {version}",
        )
        audit_record(
            action=AuditEvent.Action.CREATED,
            actor=actor,
            ip=ip,
            obj=tool,
            summary={"copied_from": str(version)},
        )
    return tool


def tool_save_version(
    *, actor: User, ip: str | None, tool: AuditTool, text: str, based_on: int
) -> AuditToolVersion:
    """Save edited YAML as the next version of a copied tool (shipped tools are not edited)."""
    if tool.copied_from_id is None:
        raise ApplicationError("Shipped tools cannot be edited: copy the tool, then edit the copy.")
    definition = tool_definition(text)
    definition["slug"] = tool.slug
    with transaction.atomic():
        latest = (
            AuditToolVersion.objects.select_for_update()
            .filter(tool=tool)
            .order_by("-number")
            .first()
        )
        assert latest is not None
        if latest.number != based_on:
            raise ApplicationError(
                f"Someone saved version {latest.number} of this tool while you were editing "
                f"version {based_on}. Reload it and make your changes again."
            )
        if latest.definition == definition:
            raise ApplicationError("Nothing changed: the tool is the same as its latest version.")
        version = AuditToolVersion.objects.create(
            tool=tool,
            number=latest.number + 1,
            definition=definition,
            created_by=actor,
            source="edited in maqa",
        )
        if definition["name"] != tool.name:
            tool.name = definition["name"]
            tool.save(update_fields=["name"])
        audit_record(
            action=AuditEvent.Action.CHANGED,
            actor=actor,
            ip=ip,
            obj=tool,
            summary={"version": [latest.number, version.number]},
        )
    return version
