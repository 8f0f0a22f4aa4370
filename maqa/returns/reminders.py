"""Reminders about agency returns: "due soon" and "overdue" (``maqa send-reminders``), and the
partnership admin's "chase" from the completion dashboard.

No email carries case details or identifiers: it says what needs doing, for which audit, and links
to maqa. Each reminder is recorded (ReminderSent) in the transaction that decides it, and the
emails go once that transaction has committed. The unique constraint on (return, kind, due date)
means a reminder is never sent twice; an extension gives the return a new due date, which re-arms
both reminders. A reminder whose every email failed is forgotten again, so the next run retries it.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from maqa.accounts.models import User
from maqa.audits.models import Audit
from maqa.core.errors import ApplicationError
from maqa.core.models import AuditEvent
from maqa.core.services import audit_record
from maqa.core.words import long_date
from maqa.notify.email import Email, emails_send, site_link
from maqa.notify.people import agency_auditors
from maqa.organisations.models import Organisation, Partnership
from maqa.returns.models import AgencyDeadline, ReminderSent, Return

logger = logging.getLogger(__name__)

DEFAULT_DAYS_BEFORE = 3
MY_RETURNS_URL = "returns:return-list"
REMINDERS_OBJECT = "returns.reminders"


# --- email ----------------------------------------------------------------------------------


# --- who is reminded ------------------------------------------------------------------------


def recipients_for(ret: Return, auditors: dict[int, list[User]]) -> list[User]:
    """The return's assignee while they are an active auditor of its agency, else all of them."""
    agency = auditors.get(ret.organisation_id, [])
    for user in agency:
        if user.pk == ret.assignee_id:
            return [user]
    return agency


def due_dates_of(audits: Iterable[int]) -> dict[tuple[int, int], date]:
    """Extended deadlines, by (audit id, organisation id)."""
    return {
        (d.audit_id, d.organisation_id): d.due_date
        for d in AgencyDeadline.objects.filter(audit_id__in=set(audits))
    }


def due_date_of(ret: Return, extensions: dict[tuple[int, int], date]) -> date:
    return extensions.get((ret.audit_id, ret.organisation_id), ret.audit.returns_due)


# --- the scheduled run ----------------------------------------------------------------------


@dataclass
class Planned:
    ret: Return
    kind: str
    due_date: date
    recipients: list[User]
    reminder_pk: int | None = None


@dataclass
class ReminderRun:
    """What one run of ``maqa send-reminders`` decided and sent."""

    today: date
    days_before: int
    dry_run: bool
    due_soon: int = 0
    overdue: int = 0
    already_sent: int = 0
    nobody_to_email: int = 0
    emails: list[Email] = field(default_factory=list)
    failed: int = 0


def reminders_send(
    *, days_before: int = DEFAULT_DAYS_BEFORE, dry_run: bool = False, today: date | None = None
) -> ReminderRun:
    """Remind agency auditors of returns due within ``days_before`` days, and of overdue ones.

    Only audits with returns open; only returns not yet submitted (or marked not known). A return
    is due on its agency's extended deadline if it has one, else on the audit's returns date.
    Each person gets one email a run, listing counts per audit and due date, never children.
    """
    if days_before < 0:
        raise ApplicationError("The number of days before the due date cannot be negative.")
    today = today or timezone.localdate()
    run = ReminderRun(today=today, days_before=days_before, dry_run=dry_run)
    with transaction.atomic():
        planned = _plan(run)
        run.emails = _compose(planned)
        if dry_run:
            return run
        _record_runs(run, planned)
        transaction.on_commit(lambda: _deliver(run))
    return run


def _plan(run: ReminderRun) -> list[Planned]:
    returns = list(
        Return.objects.filter(audit__state=Audit.State.RETURNS_OPEN)
        .exclude(state__in=Return.State.done())
        .select_related("audit__partnership", "organisation")
        .order_by("audit_id", "organisation_id", "pk")
    )
    extensions = due_dates_of(r.audit_id for r in returns)
    sent = set(
        ReminderSent.objects.filter(
            return_obj__in=[r.pk for r in returns],
            kind__in=[ReminderSent.Kind.DUE_SOON, ReminderSent.Kind.OVERDUE],
        ).values_list("return_obj_id", "kind", "due_date")
    )
    auditors = agency_auditors(r.organisation_id for r in returns)
    planned: list[Planned] = []
    for ret in returns:
        due_date = due_date_of(ret, extensions)
        days_left = (due_date - run.today).days
        if days_left < 0:
            kind = ReminderSent.Kind.OVERDUE
        elif days_left <= run.days_before:
            kind = ReminderSent.Kind.DUE_SOON
        else:
            continue
        if (ret.pk, kind, due_date) in sent:
            run.already_sent += 1
            continue
        people = recipients_for(ret, auditors)
        if not people:
            # Not recorded: once the agency has an auditor, the next run reminds them.
            run.nobody_to_email += 1
            continue
        item = Planned(ret=ret, kind=kind, due_date=due_date, recipients=people)
        if not run.dry_run:
            try:
                with transaction.atomic():
                    item.reminder_pk = ReminderSent.objects.create(
                        return_obj=ret, kind=kind, due_date=due_date, recipients=len(people)
                    ).pk
            except IntegrityError:  # a run at the same moment recorded it first
                run.already_sent += 1
                continue
        planned.append(item)
        if kind == ReminderSent.Kind.OVERDUE:
            run.overdue += 1
        else:
            run.due_soon += 1
    return planned


def _compose(planned: list[Planned]) -> list[Email]:
    """One email per person: counts by audit, kind and due date."""
    people: dict[int, User] = {}
    lines: dict[int, dict[tuple[str, int, str, date], int]] = defaultdict(lambda: defaultdict(int))
    audits: dict[int, Audit] = {}
    reminders: dict[int, list[int]] = defaultdict(list)
    for item in planned:
        audit = item.ret.audit
        audits[audit.pk] = audit
        for person in item.recipients:
            people[person.pk] = person
            lines[person.pk][(item.kind, audit.pk, audit.theme, item.due_date)] += 1
            if item.reminder_pk is not None:
                reminders[person.pk].append(item.reminder_pk)
    emails = []
    for pk, person in sorted(people.items(), key=lambda p: p[1].email):
        counts = lines[pk]
        # Overdue first (oldest first), then those due soonest.
        keys = sorted(counts, key=lambda k: (k[0] != ReminderSent.Kind.OVERDUE, k[3], k[2]))
        overdue = any(k[0] == ReminderSent.Kind.OVERDUE for k in keys)
        partnership = audits[keys[0][1]].partnership
        emails.append(
            Email(
                to=person.email,
                subject="maqa: overdue audit returns"
                if overdue
                else "maqa: audit returns due soon",
                body=_reminder_body(person, partnership, [(k, counts[k]) for k in keys]),
                reminders=tuple(reminders[pk]),
            )
        )
    return emails


def _returns(count: int) -> str:
    return f"{count} return" if count == 1 else f"{count} returns"


def _reminder_body(
    person: User, partnership: Partnership, lines: list[tuple[tuple[str, int, str, date], int]]
) -> str:
    bullets = []
    for (kind, _audit_pk, theme, due_date), count in lines:
        if kind == ReminderSent.Kind.OVERDUE:
            verb = "was" if count == 1 else "were"
            bullets.append(
                f"- {_returns(count)} for the audit '{theme}' {verb} due on "
                f"{long_date(due_date)} and {'is' if count == 1 else 'are'} now overdue."
            )
        else:
            bullets.append(
                f"- {_returns(count)} for the audit '{theme}' "
                f"{'is' if count == 1 else 'are'} due on {long_date(due_date)}."
            )
    return (
        f"Hello {person.full_name},\n\n"
        f"This is a reminder from maqa, the multi-agency audit system of {partnership.name}.\n\n"
        + "\n".join(bullets)
        + "\n\nOpen your returns in maqa to complete them:\n"
        + site_link(reverse(MY_RETURNS_URL))
        + "\n\nIf you need more time, ask your partnership admin for an extension.\n"
    )


def _record_runs(run: ReminderRun, planned: list[Planned]) -> None:
    """One audit event per partnership reminded in this run, with its counts."""
    by_partnership: dict[int, list[Planned]] = defaultdict(list)
    for item in planned:
        by_partnership[item.ret.audit.partnership_id].append(item)
    for items in by_partnership.values():
        partnership = items[0].ret.audit.partnership
        recipients = {person.pk for item in items for person in item.recipients}
        audit_record(
            action=AuditEvent.Action.CREATED,
            actor=None,
            partnership=partnership,
            object_type=REMINDERS_OBJECT,
            object_id=run.today.isoformat(),
            object_label=f"scheduled reminders of {long_date(run.today)}",
            summary={
                "kind": "scheduled",
                "days_before": run.days_before,
                "due_soon": sum(1 for i in items if i.kind == ReminderSent.Kind.DUE_SOON),
                "overdue": sum(1 for i in items if i.kind == ReminderSent.Kind.OVERDUE),
                "people": len(recipients),
                "audits": sorted({i.ret.audit_id for i in items}),
            },
        )


def _deliver(run: ReminderRun) -> None:
    failed = emails_send(run.emails)
    run.failed = len(failed)
    delivered = {pk for email in run.emails if email not in failed for pk in email.reminders}
    undelivered = {pk for email in failed for pk in email.reminders} - delivered
    if undelivered:
        # Nobody heard about these: forget them, so that the next run tries again.
        ReminderSent.objects.filter(pk__in=undelivered).delete()


# --- the admin's chase ----------------------------------------------------------------------


@dataclass
class ChaseResult:
    organisation: Organisation
    returns: int
    recipients: int
    failed: int = 0


def returns_chase(
    *, actor: User, ip: str | None, audit: Audit, organisation: Organisation
) -> ChaseResult:
    """Email an agency's auditors now about its returns still to do in ``audit``."""
    if audit.state != Audit.State.RETURNS_OPEN:
        raise ApplicationError("Returns are not open for this audit, so there is nothing to chase.")
    if not audit.agencies.filter(pk=organisation.pk).exists():
        raise ApplicationError("Choose an agency taking part in this audit.")
    with transaction.atomic():
        outstanding = list(
            Return.objects.filter(audit=audit, organisation=organisation).exclude(
                state__in=Return.State.done()
            )
        )
        if not outstanding:
            raise ApplicationError(
                f"{organisation.short_name} has no returns left to complete in this audit."
            )
        people = agency_auditors([organisation.pk]).get(organisation.pk, [])
        if not people:
            raise ApplicationError(
                f"{organisation.short_name} has no active agency auditor to email. Add one on "
                "the People page, then chase again."
            )
        due_date = due_dates_of([audit.pk]).get((audit.pk, organisation.pk), audit.returns_due)
        ReminderSent.objects.bulk_create(
            ReminderSent(
                return_obj=ret,
                kind=ReminderSent.Kind.CHASE,
                due_date=due_date,
                recipients=len(people),
            )
            for ret in outstanding
        )
        audit_record(
            action=AuditEvent.Action.CREATED,
            actor=actor,
            ip=ip,
            object_type=REMINDERS_OBJECT,
            object_id=str(audit.pk),
            object_label=f"chase of {organisation.short_name} ({audit.theme})",
            summary={
                "kind": "chase",
                "audit": audit.pk,
                "agency": organisation.short_name,
                "returns": len(outstanding),
                "people": len(people),
            },
        )
        result = ChaseResult(organisation, returns=len(outstanding), recipients=len(people))
        emails = [
            Email(
                to=person.email,
                subject="maqa: your partnership admin is chasing audit returns",
                body=_chase_body(person, audit, organisation, len(outstanding), due_date),
            )
            for person in people
        ]

        def deliver() -> None:
            result.failed = len(emails_send(emails))

        transaction.on_commit(deliver)
    return result


def _chase_body(
    person: User, audit: Audit, organisation: Organisation, count: int, due_date: date
) -> str:
    they = "It" if count == 1 else "They"
    if due_date < timezone.localdate():
        when = f"{they} {'was' if count == 1 else 'were'} due on {long_date(due_date)}."
    else:
        when = f"{they} {'is' if count == 1 else 'are'} due on {long_date(due_date)}."
    return (
        f"Hello {person.full_name},\n\n"
        f"Your partnership admin at {audit.partnership.name} asks {organisation.short_name} to "
        f"complete its returns for the audit '{audit.theme}': {_returns(count)} still to do. "
        f"{when}\n\n"
        "Open your returns in maqa to complete them:\n"
        + site_link(reverse(MY_RETURNS_URL))
        + "\n\nIf you need more time, ask your partnership admin for an extension.\n"
    )
