"""Reminders about agency returns: "due soon" and "overdue" (``maqa send-reminders``), and the
partnership admin's "chase" from the completion dashboard.

No email carries case details or identifiers: it says what needs doing, for which audit, and links
to maqa. The scheduled reminders are a kind of the reminder engine (maqa/notify/reminders.py):
this module says which returns are due, when, for whom, and in which words; the engine records
each (ReminderSent, unique on return, kind and due date, so never sent twice; an extension gives
the return a new due date, which re-arms both reminders) and sends the emails once that has
committed. A reminder whose every email failed is forgotten again, so the next run retries it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
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
from maqa.notify.reminders import (
    DEFAULT_DAYS_BEFORE,
    Addressee,
    Due,
    Notice,
    ReminderRun,
    ReminderTable,
    Stage,
    reminders_run,
    stage_of,
)
from maqa.organisations.models import Organisation, Partnership
from maqa.returns.models import AgencyDeadline, ReminderSent, Return

MY_RETURNS_URL = "returns:return-list"
REMINDERS_OBJECT = "returns.reminders"


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


# --- the scheduled run: a kind of the reminder engine --------------------------------------


class ReturnReminders:
    """Returns due soon or overdue, to their assignee or their agency's auditors, as counts per
    audit and due date (``maqa send-reminders``; the engine is maqa/notify/reminders.py)."""

    ledger = ReminderTable(ReminderSent, "return_obj")
    trail_object = REMINDERS_OBJECT

    def plan(self, today: date, days_before: int) -> list[Due[Return]]:
        """Only audits with returns open; only returns not yet submitted (or marked not known).
        A return is due on its agency's extended deadline if it has one, else on the audit's
        returns date."""
        returns = list(
            Return.objects.filter(audit__state=Audit.State.RETURNS_OPEN)
            .exclude(state__in=Return.State.done())
            .select_related("audit__partnership", "organisation")
            .order_by("audit_id", "organisation_id", "pk")
        )
        extensions = due_dates_of(r.audit_id for r in returns)
        auditors = agency_auditors(r.organisation_id for r in returns)
        due = []
        for ret in returns:
            due_date = due_date_of(ret, extensions)
            stage = stage_of(due_date, today, days_before)
            if stage is not None:
                due.append(
                    Due(
                        item=ret,
                        subject_id=ret.pk,
                        stage=stage,
                        due_date=due_date,
                        partnership=ret.audit.partnership,
                        to=tuple(Addressee(person) for person in recipients_for(ret, auditors)),
                    )
                )
        return due

    def email(self, person: User, notices: Sequence[Notice[Return]], today: date) -> Email:
        """Counts by audit, stage and due date: never a child."""
        counts: dict[tuple[str, int, str, date], int] = defaultdict(int)
        audits: dict[int, Audit] = {}
        for notice in notices:
            audit = notice.due.item.audit
            audits[audit.pk] = audit
            counts[(notice.due.stage, audit.pk, audit.theme, notice.due.due_date)] += 1
        # Overdue first (oldest first), then those due soonest.
        keys = sorted(counts, key=lambda k: (k[0] != Stage.OVERDUE, k[3], k[2]))
        overdue = any(k[0] == Stage.OVERDUE for k in keys)
        return Email(
            to=person.email,
            subject="maqa: overdue audit returns" if overdue else "maqa: audit returns due soon",
            body=_reminder_body(
                person, audits[keys[0][1]].partnership, [(k, counts[k]) for k in keys]
            ),
        )

    def trail_label(self, today: date) -> str:
        return f"scheduled reminders of {long_date(today)}"

    def trail_facts(self, reminded: Sequence[Due[Return]]) -> dict[str, Any]:
        return {"audits": sorted({due.item.audit_id for due in reminded})}

    def summary(self, run: ReminderRun) -> str:
        """The command's summary line begins with the run and the returns' counts."""
        verb = "Would send" if run.dry_run else "Sent"
        extra = []
        if run.already_sent:
            extra.append(f"{run.already_sent} already reminded")
        if run.nobody_to_email:
            extra.append(f"{run.nobody_to_email} with no active agency auditor to email")
        return (
            f"{verb} {len(run.emails)} email(s) on {run.today.isoformat()} "
            f"(due within {run.days_before} day(s)): "
            f"{run.due_soon} return(s) due soon, {run.overdue} overdue"
            + ("; " + ", ".join(extra) if extra else "")
            + "."
        )


RETURN_REMINDERS = ReturnReminders()


def reminders_send(
    *, days_before: int = DEFAULT_DAYS_BEFORE, dry_run: bool = False, today: date | None = None
) -> ReminderRun:
    """Remind agency auditors of returns due within ``days_before`` days, and of overdue ones."""
    return reminders_run(RETURN_REMINDERS, days_before=days_before, dry_run=dry_run, today=today)


def _returns(count: int) -> str:
    return f"{count} return" if count == 1 else f"{count} returns"


def _reminder_body(
    person: User, partnership: Partnership, lines: list[tuple[tuple[str, int, str, date], int]]
) -> str:
    bullets = []
    for (stage, _audit_pk, theme, due_date), count in lines:
        if stage == Stage.OVERDUE:
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
