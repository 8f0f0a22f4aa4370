"""Publishing an audit's learning briefing: a partnership admin asks, a second admin confirms.

1. ``publication_request``: a partnership admin asks to publish the current record (the identifier
   check must be clean; a change note is needed when a version exists).
2. ``publication_confirm``: a *different* partnership admin, having read the briefing, ticks the
   anonymisation checklist; the check runs again, and the record, its HTML, PDF and Word files
   and their SHA-256 are stored as a new ``BriefingVersion``. Nothing ever changes a version.
   The audit moves from reporting to published."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from maqa.accounts.access import check_admin_of
from maqa.accounts.models import User
from maqa.audits.models import Audit
from maqa.briefings.models import BriefingVersion, PublicationRequest
from maqa.briefings.selectors import (
    BriefingHasIdentifiers,
    briefing_current,
    briefing_scan,
    render_file,
    sha256,
)
from maqa.core.errors import ApplicationError
from maqa.core.models import AuditEvent
from maqa.core.services import audit_record
from maqa.lifecycle.services import audit_move_on

# States in which a briefing can be asked for and confirmed: written in reporting, and
# republished (a new version) while published. A closed audit's identifiers are gone, so its
# briefing can no longer be checked against them.


CHECKLIST: tuple[tuple[str, str], ...] = (
    (
        "no_names",
        "There are no names of children, parents, carers, brothers and sisters or other family "
        "members, and no nicknames.",
    ),
    (
        "no_dates",
        "There are no dates of birth, and no ages or dates that single out a child when read "
        "with the rest of the briefing.",
    ),
    (
        "no_places",
        "There are no addresses, schools, nurseries, surgeries or other places that identify a "
        "family.",
    ),
    (
        "no_rare_events",
        "There are no rare events or details that people living locally would recognise.",
    ),
    (
        "no_quotes",
        "No quote can be traced to a child, a family member or a named practitioner.",
    ),
    ("read_all", "I have read the whole briefing, including its resources and their links."),
)


OWN_REQUEST = (
    "You asked for this briefing to be published, so you cannot confirm it yourself: another "
    "partnership admin must read it and confirm the anonymisation."
)


ALREADY_DECIDED = (
    "This request has already been dealt with (confirmed, or replaced by a newer one): reload "
    "the page to see the briefing as it is now."
)


NOT_PUBLISHABLE = "A briefing can be published only while the audit is in reporting or published."


def publication_request(
    *, actor: User, ip: str | None, audit: Audit, change_note: str = ""
) -> PublicationRequest:
    """Ask for the audit's briefing, as it stands now, to be published.

    Refused while the identifier check finds anything (BriefingHasIdentifiers). A briefing
    already published needs a change note. A request still waiting is superseded by this one.
    """
    check_admin_of(actor, audit.partnership_id, "Only a partnership admin can publish a briefing.")
    if audit.state not in Audit.State.publishable():
        raise ApplicationError(NOT_PUBLISHABLE)
    change_note = change_note.strip()
    if audit.briefing_versions.exists() and not change_note:
        raise ApplicationError(
            "Say what has changed since the last version: the change note is published with it.",
            field="change_note",
        )
    record = briefing_current(audit)
    hits = briefing_scan(audit, record, change_note=change_note)
    if hits:
        raise BriefingHasIdentifiers(hits)
    with transaction.atomic():
        superseded = list(
            audit.publication_requests.select_for_update()
            .filter(outcome="")
            .values_list("pk", flat=True)
        )
        audit.publication_requests.filter(pk__in=superseded).update(
            outcome="superseded", decided_at=timezone.now(), decided_by=actor
        )
        request = PublicationRequest.objects.create(
            audit=audit, record=record, change_note=change_note, requested_by=actor
        )
        audit_record(
            action=AuditEvent.Action.CREATED,
            actor=actor,
            ip=ip,
            obj=request,
            summary={"audit": audit.pk, "change_note": change_note, "superseded": superseded},
        )
    return request


def publication_confirm(
    *,
    actor: User,
    ip: str | None,
    request: PublicationRequest,
    checklist: Iterable[str],
) -> BriefingVersion:
    """A second partnership admin confirms the anonymisation: publish a new version.

    Refused for the admin who asked, with any checklist item unticked, when the briefing has
    changed since it was asked for, or when the identifier check now finds anything. The audit
    moves from reporting to published.
    """
    audit = request.audit
    check_admin_of(actor, audit.partnership_id, "Only a partnership admin can publish a briefing.")
    if request.requested_by_id == actor.pk:
        raise ApplicationError(OWN_REQUEST)
    if request.outcome:
        raise ApplicationError(ALREADY_DECIDED)
    if audit.state not in Audit.State.publishable():
        raise ApplicationError(NOT_PUBLISHABLE)
    ticked = set(checklist)
    missing = [text for key, text in CHECKLIST if key not in ticked]
    if missing:
        raise ApplicationError(
            "Confirm every point of the checklist: " + " ".join(missing), field="checklist"
        )
    if briefing_current(audit) != request.record:
        raise ApplicationError(
            "The briefing has changed since publication was asked for, so what you read is not "
            "what would be published. Ask for publication again, then confirm the new request."
        )
    hits = briefing_scan(audit, request.record, change_note=request.change_note)
    if hits:
        raise BriefingHasIdentifiers(hits)

    # Rendered before the transaction: a PDF takes a moment, and the write lock should not wait.
    files = {kind: render_file(audit, request.record, kind) for kind in ("html", "pdf", "docx")}
    with transaction.atomic():
        current = PublicationRequest.objects.select_for_update().get(pk=request.pk)
        if current.outcome:
            raise ApplicationError(ALREADY_DECIDED)
        number = (audit.briefing_versions.aggregate(n=Max("number"))["n"] or 0) + 1
        now = timezone.now()
        try:
            with transaction.atomic():
                version = BriefingVersion.objects.create(
                    audit=audit,
                    number=number,
                    record=request.record,
                    html=files["html"].decode("utf-8"),
                    pdf=files["pdf"],
                    docx=files["docx"],
                    html_sha256=sha256(files["html"]),
                    pdf_sha256=sha256(files["pdf"]),
                    docx_sha256=sha256(files["docx"]),
                    change_note=request.change_note,
                    prepared_by_id=request.requested_by_id,
                    confirmed_by=actor,
                    checklist=dict(CHECKLIST),
                    published_at=now,
                )
        except IntegrityError as exc:
            raise ApplicationError("Someone else has just published a version: reload.") from exc
        current.outcome, current.decided_at, current.decided_by = "confirmed", now, actor
        current.save(update_fields=["outcome", "decided_at", "decided_by"])
        audit_record(
            action=AuditEvent.Action.CREATED,
            actor=actor,
            ip=ip,
            obj=version,
            summary={
                "audit": audit.pk,
                "number": number,
                "request": request.pk,
                "prepared_by": request.requested_by.email,
                "confirmed_by": actor.email,
                "checklist": [key for key, _ in CHECKLIST],
                "sha256": {k: getattr(version, f"{k}_sha256") for k in ("html", "pdf", "docx")},
            },
        )
        locked = Audit.objects.select_for_update().get(pk=audit.pk)
        if locked.state == Audit.State.REPORTING:
            audit_move_on(actor=actor, ip=ip, audit=locked, version=locked.version)
    return version
