"""Who may open an audit's briefing: the current (unpublished) record, and published versions."""

from __future__ import annotations

from django.http import Http404

from maqa.accounts.access import AnyUser, is_partnership_admin, roles_of
from maqa.accounts.models import Role
from maqa.audits.access import OpenAudits, Seated, access_audit, holds
from maqa.audits.models import Audit
from maqa.briefings.models import BriefingVersion

# The rules are AuditRules (maqa.audits.access): written once, asked of one audit by the
# predicates below (holds) and of all the person's audits by the set forms (OpenAudits).


def previews(user: AnyUser, state: str, seated: Seated) -> bool:
    """The current (unpublished) briefing: admins always; the audit's panel members while it is
    in reporting or published."""
    if is_partnership_admin(user):
        return True
    return state in Audit.State.publishable() and seated()


def reads_versions(user: AnyUser, state: str, seated: Seated) -> bool:
    """Published versions: admins; the audit's panel members and viewers once it is published."""
    if is_partnership_admin(user):
        return True
    if state not in Audit.State.published():
        return False
    return Role.VIEWER in roles_of(user) or seated()


def can_preview(user: AnyUser, audit: Audit) -> bool:
    """Whether the person may preview this audit's current briefing (previews)."""
    return holds(previews, user, audit)


def can_read_versions(user: AnyUser, audit: Audit) -> bool:
    """Whether the person may read this audit's published versions (reads_versions)."""
    return holds(reads_versions, user, audit)


def reads_published_briefing(user: AnyUser, state: str, seated: Seated) -> bool:
    """The briefing as published (the audit published or closed) and read through its versions:
    where viewers read an audit's findings."""
    return state in Audit.State.published() and reads_versions(user, state, seated)


def version_reader_audit_ids(audits: OpenAudits) -> set[int]:
    """The set form of can_read_versions: of the audits the person may open
    (``OpenAudits(user, narrow)``), the ids whose published versions they read."""
    return audits.ids_where(reads_versions)


def published_briefing_ids(audits: OpenAudits) -> set[int]:
    """The set form of reads_published_briefing: of the audits the person may open, the ids
    of those published or closed whose versions they read."""
    return audits.ids_where(reads_published_briefing)


def can_open_briefing(user: AnyUser, audit: Audit) -> bool:
    """Whether the audit's Briefing page opens for this person (for a link to it)."""
    return can_preview(user, audit) or can_read_versions(user, audit)


def access_briefing_audit(user: AnyUser, pk: int) -> Audit:
    """An audit whose briefing the person may open in some form; anyone else gets 404."""
    audit = access_audit(user, pk)
    if not can_open_briefing(user, audit):
        raise Http404
    return audit


def access_version(user: AnyUser, audit: Audit, number: int) -> BriefingVersion:
    if not can_read_versions(user, audit):
        raise Http404
    try:
        return audit.briefing_versions.select_related("prepared_by", "confirmed_by").get(
            number=number
        )
    except BriefingVersion.DoesNotExist as exc:
        raise Http404 from exc
