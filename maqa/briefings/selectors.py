"""Publishing an audit's learning briefing: the identifier check, the second admin's
confirmation, and immutable, versioned snapshots.

1. ``briefing_scan`` reads every piece of text of a briefing record for anything that could
   identify a child: the sample's names, case numbers and dates of birth, NHS numbers (valid
   check digit only), postcodes, phone numbers, email addresses and street addresses. Each hit
   says where it is and what kind of thing it is, never the thing itself.
2. ``publication_request``: a partnership admin asks to publish the current record (the scan
   must be clean; a change note is needed when a version exists).
3. ``publication_confirm``: a *different* partnership admin, having read the briefing, ticks the
   anonymisation checklist; the scan runs again, and the record, its HTML, PDF and Word files
   and their SHA-256 are stored as a new ``BriefingVersion``. Nothing ever changes a version.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from maqa.accounts.access import is_partnership_admin
from maqa.accounts.models import User
from maqa.audits.identifiers import Hit, sample_identifiers, scan_texts
from maqa.audits.models import Audit
from maqa.briefings.access import can_preview, can_read_versions
from maqa.briefings.gather import build_record, gather
from maqa.briefings.models import BriefingVersion, PublicationRequest
from maqa.briefings.types import BriefingRecord
from maqa.core.errors import ApplicationError

FILES = {
    "html": ("text/html; charset=utf-8", "html"),
    "pdf": ("application/pdf", "pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "json": ("application/json; charset=utf-8", "json"),
}


# --- who --------------------------------------------------------------------------------------


# --- the identifier check ---------------------------------------------------------------------


def record_texts(record: BriefingRecord, *, change_note: str = "") -> list[tuple[str, str]]:
    """Every piece of text a briefing shows, with where it is, in the words of the briefing."""
    texts: list[tuple[str, str]] = [("The title", record.get("title") or "")]
    theme = record.get("theme") or ""
    if theme and theme not in texts[0][1]:
        texts.append(("The theme", theme))
    texts.append(("The partnership's name", record.get("partnership") or ""))
    intro = [p for p in (record.get("intro") or "").split("\n\n") if p.strip()]
    texts += [(f"The opening paragraphs, paragraph {i}", p) for i, p in enumerate(intro, 1)]
    texts.append(("The aim", record.get("aim") or ""))
    if not intro:  # without an intro of its own, the briefing writes the needs into its opening
        texts += [
            (f"The children's needs, item {i}", n)
            for i, n in enumerate(record.get("needs") or [], 1)
        ]
    texts += [
        (f"The organisations, item {i}", o)
        for i, o in enumerate(record.get("organisations") or [], 1)
    ]
    texts += [
        (f"What we are worried about, point {i}", t)
        for i, t in enumerate(record.get("worries") or [], 1)
    ]
    texts += [
        (f"What good practice did we see, point {i}", t)
        for i, t in enumerate(record.get("good_practice") or [], 1)
    ]
    for i, theme_ in enumerate(record.get("learning") or [], 1):
        texts.append((f"Theme for learning {i}, its title", theme_.get("title") or ""))
        texts += [
            (f"Theme for learning {i}, what we found, point {j}", t)
            for j, t in enumerate(theme_.get("found") or [], 1)
        ]
        texts += [
            (f"Theme for learning {i}, what needs to happen, point {j}", t)
            for j, t in enumerate(theme_.get("actions") or [], 1)
        ]
    resources = list(record.get("resources") or [])
    texts += [(f"Resources, item {i}", t) for i, t in enumerate(resources, 1)]
    for i, link in enumerate(record.get("links") or [], 1):
        if link.get("title") and link.get("title") not in resources:
            texts.append((f"Resources, link {i}", link["title"]))
        texts.append((f"Resources, link {i}, its address", link.get("url") or ""))
    if change_note:
        texts.append(("The change note", change_note))
    return texts  # fmt: skip


def briefing_scan(audit: Audit, record: BriefingRecord, *, change_note: str = "") -> list[Hit]:
    """Everything in the briefing that could identify a child, with where it is."""
    return scan_texts(record_texts(record, change_note=change_note), sample_identifiers(audit))


class BriefingHasIdentifiers(ApplicationError):
    def __init__(self, hits: list[Hit]) -> None:
        super().__init__(
            f"The briefing cannot be published: the identifier check found {len(hits)} thing(s) "
            "that could identify a child. Change the findings (or the change note) where listed, "
            "then ask again."
        )
        self.hits = hits


def briefing_free_text(audit: Audit) -> list[tuple[str, str]]:
    """The briefing's text an audit keeps (published versions, pending requests), for the close
    scan (maqa.audits.services.FREE_TEXT_SOURCES)."""
    texts: list[tuple[str, str]] = []
    for version in audit.briefing_versions.all():
        texts += [
            (f"briefing version {version.number}: {where}", text)
            for where, text in record_texts(version.record, change_note=version.change_note)
        ]
    for pending in audit.publication_requests.filter(outcome=""):
        texts += [
            (f"briefing waiting for confirmation: {where}", text)
            for where, text in record_texts(pending.record, change_note=pending.change_note)
        ]
    return texts


# --- the current briefing ---------------------------------------------------------------------


def briefing_current(audit: Audit) -> BriefingRecord:
    """The audit's briefing record as it stands now."""
    return build_record(gather(audit))


def partnership_logo_path(audit: Audit) -> Path | None:
    """The partnership's uploaded logo file, if it has one on disk."""
    logo = audit.partnership.logo
    if not logo:
        return None
    path = Path(logo.path)
    return path if path.is_file() else None


def render_fragment(audit: Audit, record: BriefingRecord, *, top_heading: int = 3) -> str:
    """The briefing as a fragment for an app page (the partnership's logo embedded)."""
    from maqa.briefings.render_html import render_html

    logo = partnership_logo_path(audit)
    return render_html(
        record,
        standalone=False,
        top_heading=top_heading,
        logo=logo.read_bytes() if logo else None,
    )


def render_file(audit: Audit, record: BriefingRecord, kind: str) -> bytes:
    """One downloadable file of the briefing: html (a standalone page), pdf, docx or json."""
    logo = partnership_logo_path(audit)
    if kind == "html":
        from maqa.briefings.render_html import render_html

        return render_html(record, logo=logo.read_bytes() if logo else None).encode("utf-8")
    if kind == "pdf":
        from maqa.briefings.render_pdf import render_pdf

        return render_pdf(record, logo_path=logo)
    if kind == "docx":
        from maqa.briefings.render_docx import render_docx

        return render_docx(record, logo_path=logo)
    if kind == "json":
        return json.dumps(record, indent=2, ensure_ascii=False).encode("utf-8")
    raise ValueError(f"no such briefing file: {kind}")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pending_request(audit: Audit) -> PublicationRequest | None:
    return (
        audit.publication_requests.filter(outcome="")
        .select_related("requested_by")
        .order_by("-requested_at", "-pk")
        .first()
    )


# --- downloads --------------------------------------------------------------------------------


# --- asking to publish, and confirming ----------------------------------------------------------


# --- what the briefing page shows -------------------------------------------------------------


@dataclass
class BriefingOverview:
    audit: Audit
    is_admin: bool
    can_preview: bool
    record: BriefingRecord | None  # the current record, for those who may preview it
    shown_html: str  # the current briefing, or the latest version for those who may not
    hits: list[Hit]
    versions: list[BriefingVersion]
    pending: PublicationRequest | None
    can_publish: bool
    can_confirm: bool


def briefing_overview(*, user: User, audit: Audit) -> BriefingOverview:
    """The briefing page: the current briefing and its identifier check (admins), or the latest
    published version; the versions; the request waiting for confirmation."""
    is_admin = is_partnership_admin(user)
    preview = can_preview(user, audit)
    versions = list(audit.briefing_versions.select_related("prepared_by", "confirmed_by"))
    if not can_read_versions(user, audit):
        versions = []
    record = briefing_current(audit) if preview else None
    if record is not None:
        shown = render_fragment(audit, record)
    elif versions:
        shown = render_fragment(audit, versions[0].record)
    else:
        shown = ""
    publishable = is_admin and audit.state in Audit.State.publishable()
    pending = pending_request(audit) if publishable else None
    hits = briefing_scan(audit, record) if publishable and record is not None else []
    return BriefingOverview(
        audit=audit,
        is_admin=is_admin,
        can_preview=preview,
        record=record,
        shown_html=shown,
        hits=hits,
        versions=versions,
        pending=pending,
        can_publish=publishable,
        can_confirm=pending is not None and pending.requested_by_id != user.pk,
    )
