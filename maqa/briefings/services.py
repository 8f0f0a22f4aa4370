"""Briefing downloads: the current briefing rendered now, or a published version's stored file; each
download is recorded as an export."""

from __future__ import annotations

import json
from dataclasses import dataclass

from maqa.accounts.models import User
from maqa.audits.models import Audit
from maqa.briefings.models import BriefingVersion
from maqa.briefings.selectors import FILES, briefing_current, render_file, sha256
from maqa.core.models import AuditEvent
from maqa.core.services import audit_record


@dataclass(frozen=True)
class Download:
    content: bytes
    content_type: str
    filename: str  # never a name: the audit's number, the version
    sha256: str


def briefing_preview_download(*, actor: User, ip: str | None, audit: Audit, kind: str) -> Download:
    """The current briefing as a file (rendered now); recorded as an export."""
    content = render_file(audit, briefing_current(audit), kind)
    audit_record(
        action=AuditEvent.Action.EXPORTED,
        actor=actor,
        ip=ip,
        obj=audit,
        summary={"export": "briefing", "version": "preview", "format": kind},
    )
    content_type, extension = FILES[kind]
    return Download(
        content, content_type, f"briefing-{audit.pk}-preview.{extension}", sha256(content)
    )


def briefing_version_download(
    *, actor: User, ip: str | None, version: BriefingVersion, kind: str
) -> Download:
    """A published version's stored file, byte for byte; recorded as an export."""
    stored: dict[str, bytes] = {
        "html": version.html.encode("utf-8"),
        "pdf": bytes(version.pdf),
        "docx": bytes(version.docx),
        "json": json.dumps(version.record, indent=2, ensure_ascii=False).encode("utf-8"),
    }
    content = stored[kind]
    audit_record(
        action=AuditEvent.Action.EXPORTED,
        actor=actor,
        ip=ip,
        obj=version.audit,
        summary={"export": "briefing", "version": version.number, "format": kind},
    )
    content_type, extension = FILES[kind]
    filename = f"briefing-{version.audit_id}-v{version.number}.{extension}"
    return Download(content, content_type, filename, sha256(content))
