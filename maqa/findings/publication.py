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
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone

from maqa.accounts.access import AnyUser, is_partnership_admin, roles_of
from maqa.accounts.models import Role, User
from maqa.audits import crypto
from maqa.audits.access import access_audit
from maqa.audits.models import Audit
from maqa.audits.services import audit_move_on, name_patterns
from maqa.core.errors import ApplicationError
from maqa.core.models import AuditEvent
from maqa.core.services import audit_record
from maqa.findings.models import BriefingVersion, PublicationRequest
from maqa.findings.record import build_record, gather

# States in which a briefing can be asked for and confirmed: written in reporting, and
# republished (a new version) while published. A closed audit's identifiers are gone, so its
# briefing can no longer be checked against them.
PUBLISHABLE = (Audit.State.REPORTING, Audit.State.PUBLISHED)
PREVIEW_STATES_FOR_PANEL = (Audit.State.REPORTING, Audit.State.PUBLISHED)
VERSION_STATES = (Audit.State.PUBLISHED, Audit.State.CLOSED)

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

FILES = {
    "html": ("text/html; charset=utf-8", "html"),
    "pdf": ("application/pdf", "pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "json": ("application/json; charset=utf-8", "json"),
}


# --- who --------------------------------------------------------------------------------------


def _is_panel_member_of(user: AnyUser, audit: Audit) -> bool:
    return Role.PANEL_MEMBER in roles_of(user) and audit.panel_members.filter(pk=user.pk).exists()


def can_preview(user: AnyUser, audit: Audit) -> bool:
    """The current (unpublished) briefing: admins always; the audit's panel members while it is
    in reporting or published."""
    if is_partnership_admin(user):
        return True
    return audit.state in PREVIEW_STATES_FOR_PANEL and _is_panel_member_of(user, audit)


def can_read_versions(user: AnyUser, audit: Audit) -> bool:
    """Published versions: admins; the audit's panel members and viewers once it is published."""
    if is_partnership_admin(user):
        return True
    if audit.state not in VERSION_STATES:
        return False
    return Role.VIEWER in roles_of(user) or _is_panel_member_of(user, audit)


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


# --- the identifier check ---------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    where: str  # "What we are worried about, point 3"
    kind: str  # "an NHS number"
    excerpt: str = ""  # the text around it, with everything found masked


NAME, CASE_NUMBER, DATE_OF_BIRTH = "a child's name", "a child's case number", "a date of birth"
NHS_NUMBER, POSTCODE, PHONE = "an NHS number", "a postcode", "a phone number"
EMAIL, STREET_ADDRESS = "an email address", "a street address"

NHS_CANDIDATE = re.compile(r"(?<![\w.])(\d{3})[ \-]?(\d{3})[ \-]?(\d{4})(?![\w])")
POSTCODE_PATTERN = re.compile(
    r"(?<![A-Za-z0-9])(?:GIR ?0AA|[A-PR-UWYZ](?:[0-9][0-9A-HJKPSTUW]?|[A-HK-Y][0-9][0-9ABEHMNPRVWXY]?)"
    r" ?[0-9][ABD-HJLNP-UW-Z]{2})(?![A-Za-z0-9])",
    re.IGNORECASE,
)
# 01, 02, 03 and 07 numbers: 0 and 9 or 10 more digits, spaces, dashes and brackets allowed;
# or the same after +44, with or without (0).
PHONE_PATTERN = re.compile(
    r"(?<![\w+])(?:\+44[ \-]?(?:\(0\)[ \-]?)?|\(?0)[1237](?:[ \-)]{0,2}\d){8,9}(?!\d)"
)
EMAIL_PATTERN = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
STREET_WORDS = (
    "Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Close|Drive|Dr|Way|Crescent|Cres|Court|Ct|Place|Pl|"
    "Grove|Gardens|Gdns|Terrace|Tce|Walk|Square|Sq|Mews|Row|Parade|Hill|Rise|View|Park|Green"
)
# A house number, one to three capitalised words, a street word: "12 Acacia Avenue",
# "4a Mill Lane", "Flat 2, 17 Old Station Rd".
STREET_PATTERN = re.compile(
    r"(?<![\w/.,\-])\d{1,4}[A-Za-z]?,?[ \t]+((?:[A-Z][A-Za-z'\u2019\-]*\.?[ \t]+){1,3})"
    rf"(?i:{STREET_WORDS})\b\.?"
)
# "the Family Court", "a Crown Court hearing": courts, not streets.
NOT_STREET_COURTS = {"family", "crown", "youth", "magistrates", "magistrates'", "county", "high"}

MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


def nhs_number_valid(digits: str) -> bool:
    """Whether ten digits are an NHS number: the modulus 11 check digit matches."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def date_of_birth_patterns(born: date) -> list[re.Pattern[str]]:
    """A date in the common ways of writing it: 01/05/2019, 1.5.19, 2019-05-01, 1 May 2019,
    1st of May 2019, May 1st, 2019 (and the month first, as in American dates)."""
    d, m, y = born.day, born.month, born.year
    day, month, year = rf"0?{d}", rf"0?{m}", rf"(?:{y}|{y % 100:02d})"
    sep = r"\s?[/.\-]\s?"
    name = MONTHS[m - 1]
    month_name = rf"(?:{name}|{name[:3]}{'|Sept' if m == 9 else ''})\.?"
    ordinal = r"(?:st|nd|rd|th)?"
    forms = [
        rf"{day}{sep}{month}{sep}{year}",
        rf"{month}{sep}{day}{sep}{year}",
        rf"{y}{sep}{month}{sep}{day}",
        rf"{day}{ordinal}\s+(?:of\s+)?{month_name},?\s+{year}",
        rf"{month_name}\s+{day}{ordinal},?\s+{year}",
    ]
    return [re.compile(rf"(?<![\w/.\-]){f}(?![\w/])", re.IGNORECASE) for f in forms]


def case_number_pattern(number: str) -> re.Pattern[str]:
    """The case number as a whole word, its separators optional: CN-123 / CN 123 / CN123."""
    chars = [c for c in number if c.isalnum()]
    body = r"[\s\-/.]?".join(re.escape(c) for c in chars)
    return re.compile(rf"(?<![A-Za-z0-9]){body}(?![A-Za-z0-9])", re.IGNORECASE)


@dataclass(frozen=True)
class SampleIdentifiers:
    """The sample's identifiers, compiled: what the scan looks for beyond the general kinds."""

    patterns: tuple[tuple[str, re.Pattern[str]], ...] = ()


def sample_identifiers(audit: Audit) -> SampleIdentifiers:
    """Decrypt the sampled children's names, dates of birth and case numbers into patterns.

    (After the audit closes they are gone, and only the general kinds are looked for.)"""
    patterns: list[tuple[str, re.Pattern[str]]] = []
    for child in audit.cases.filter(sampled=True):
        name = crypto.decrypt(audit, child.enc_name)
        number = crypto.decrypt(audit, child.enc_case_number)
        born = crypto.decrypt(audit, child.enc_dob)
        if name.strip():
            patterns += [(NAME, p) for p in name_patterns(name)]
        if number.strip():
            patterns.append((CASE_NUMBER, case_number_pattern(number)))
        if born.strip():
            try:
                patterns += [
                    (DATE_OF_BIRTH, p) for p in date_of_birth_patterns(date.fromisoformat(born))
                ]
            except ValueError:
                patterns.append((DATE_OF_BIRTH, re.compile(re.escape(born.strip()), re.IGNORECASE)))
    return SampleIdentifiers(patterns=tuple(patterns))


def _general_spans(text: str) -> list[tuple[str, int, int]]:
    spans: list[tuple[str, int, int]] = []
    for match in NHS_CANDIDATE.finditer(text):
        if nhs_number_valid("".join(match.groups())):
            spans.append((NHS_NUMBER, *match.span()))
    spans += [(POSTCODE, *m.span()) for m in POSTCODE_PATTERN.finditer(text)]
    spans += [(PHONE, *m.span()) for m in PHONE_PATTERN.finditer(text)]
    spans += [(EMAIL, *m.span()) for m in EMAIL_PATTERN.finditer(text)]
    for match in STREET_PATTERN.finditer(text):
        words = match.group(1).split()
        street = match.group(0).rstrip(".").split()[-1].lower()
        if street == "court" and words[-1].lower() in NOT_STREET_COURTS:
            continue
        spans.append((STREET_ADDRESS, *match.span()))
    return spans


def text_spans(text: str, sample: SampleIdentifiers) -> list[tuple[str, int, int]]:
    """Every (kind, start, end) found in ``text``."""
    spans = [(kind, *m.span()) for kind, p in sample.patterns for m in p.finditer(text)]
    return spans + _general_spans(text)


def _masked(text: str, spans: list[tuple[str, int, int]]) -> str:
    """``text`` with every character found replaced, but the first of each: "S•••••••••"."""
    chars = list(text)
    for _, start, end in spans:
        for i in range(start + 1, end):
            if chars[i].isalnum():
                chars[i] = "•"
    return "".join(chars)


def _excerpt(masked: str, start: int, end: int, width: int = 30) -> str:
    left, right = max(0, start - width), min(len(masked), end + width)
    piece = " ".join(masked[left:right].split())
    return f"{'…' if left else ''}{piece}{'…' if right < len(masked) else ''}"


def scan_texts(texts: Iterable[tuple[str, str]], sample: SampleIdentifiers) -> list[Hit]:
    """One hit per kind of thing found in each place, with a masked excerpt."""
    hits: list[Hit] = []
    for where, text in texts:
        if not text:
            continue
        spans = sorted(text_spans(text, sample), key=lambda s: (s[1], s[2]))
        if not spans:
            continue
        masked = _masked(text, spans)
        reported: set[str] = set()
        for kind, start, end in spans:
            if kind not in reported:
                reported.add(kind)
                hits.append(Hit(where=where, kind=kind, excerpt=_excerpt(masked, start, end)))
    return hits


def record_texts(record: dict[str, Any], *, change_note: str = "") -> list[tuple[str, str]]:
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


def briefing_scan(audit: Audit, record: dict[str, Any], *, change_note: str = "") -> list[Hit]:
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


def briefing_current(audit: Audit) -> dict[str, Any]:
    """The audit's briefing record as it stands now."""
    return build_record(gather(audit))


def partnership_logo_path(audit: Audit) -> Path | None:
    """The partnership's uploaded logo file, if it has one on disk."""
    logo = audit.partnership.logo
    if not logo:
        return None
    path = Path(logo.path)
    return path if path.is_file() else None


def render_fragment(audit: Audit, record: dict[str, Any], *, top_heading: int = 3) -> str:
    """The briefing as a fragment for an app page (the partnership's logo embedded)."""
    from maqa.briefings.render_html import render_html

    logo = partnership_logo_path(audit)
    return render_html(
        record,
        standalone=False,
        top_heading=top_heading,
        logo=logo.read_bytes() if logo else None,
    )


def render_file(audit: Audit, record: dict[str, Any], kind: str) -> bytes:
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


# --- asking to publish, and confirming ----------------------------------------------------------


def _check_admin(actor: User, audit: Audit) -> None:
    if not is_partnership_admin(actor) or actor.partnership_id != audit.partnership_id:
        raise ApplicationError("Only a partnership admin can publish a briefing.")


def publication_request(
    *, actor: User, ip: str | None, audit: Audit, change_note: str = ""
) -> PublicationRequest:
    """Ask for the audit's briefing, as it stands now, to be published.

    Refused while the identifier check finds anything (BriefingHasIdentifiers). A briefing
    already published needs a change note. A request still waiting is superseded by this one.
    """
    _check_admin(actor, audit)
    if audit.state not in PUBLISHABLE:
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
    _check_admin(actor, audit)
    if request.requested_by_id == actor.pk:
        raise ApplicationError(OWN_REQUEST)
    if request.outcome:
        raise ApplicationError(ALREADY_DECIDED)
    if audit.state not in PUBLISHABLE:
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


# --- what the briefing page shows -------------------------------------------------------------


@dataclass
class BriefingOverview:
    audit: Audit
    is_admin: bool
    can_preview: bool
    record: dict[str, Any] | None  # the current record, for those who may preview it
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
    publishable = is_admin and audit.state in PUBLISHABLE
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
