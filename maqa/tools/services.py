"""Writes for audit tools: load the defaults, copy a tool, save a new version of a copy."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify

from maqa.accounts.models import User
from maqa.core.errors import ApplicationError
from maqa.core.models import AuditEvent
from maqa.core.services import audit_record
from maqa.organisations.models import Partnership
from maqa.tools.definition import (
    ToolDefinition,
    ToolProblems,
    default_tool_files,
    source_label,
    tool_definition,
)
from maqa.tools.models import AuditTool, AuditToolVersion


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
                first = latest is None
                latest = AuditToolVersion.objects.create(
                    tool=tool,
                    number=1 if latest is None else latest.number + 1,
                    definition=definition,
                    source=source_label(path),
                )
                if tool.name != definition["name"]:
                    tool.name = definition["name"]
                    tool.save(update_fields=["name"])
                audit_record(
                    action=AuditEvent.Action.CREATED if first else AuditEvent.Action.CHANGED,
                    actor=None,
                    partnership=partnership,
                    obj=tool,
                    summary={"version": latest.number, "source": latest.source},
                )
            versions.append(latest)
    return versions


def tool_copy(*, actor: User, ip: str | None, version: AuditToolVersion, name: str) -> AuditTool:
    if version.tool.partnership_id != actor.partnership_id:
        raise ApplicationError("Only a tool of your own partnership can be copied.")
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
        definition: ToolDefinition = {**version.definition, "name": name, "slug": slug}
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
    if tool.partnership_id != actor.partnership_id:
        raise ApplicationError("Only a tool of your own partnership can be edited.")
    if tool.copied_from_id is None:
        raise ApplicationError("Shipped tools cannot be edited: copy the tool, then edit the copy.")
    definition = tool_definition(text)
    if definition["slug"] not in ("", tool.slug):
        raise ToolProblems([f"slug: this tool's slug is {tool.slug!r} and cannot change"])
    definition["slug"] = tool.slug
    if (
        AuditTool.objects.filter(partnership_id=tool.partnership_id, name=definition["name"])
        .exclude(pk=tool.pk)
        .exists()
    ):
        raise ToolProblems(["name: another tool of the partnership already has that name"])
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
