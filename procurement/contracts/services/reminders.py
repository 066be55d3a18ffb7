"""Reminders by e-mail: renewal decisions whose deadline is near, vendor attestations about to
expire on contracts that run, invoices near their payment deadline. Each reminder is logged by kind,
object and deadline before it is sent (in the same transaction): the same one is never sent twice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q

from procurement.contracts.enums import EXECUTING, ReminderKind
from procurement.contracts.models import Contract, Invoice, SentReminder
from procurement.core.legal_calendar import short_date
from procurement.core.money import format_eur
from procurement.core.permissions import BUYER, FINANCE, holders
from procurement.vendors.models import ComplianceDocument


@dataclass(frozen=True)
class Reminder:
    kind: str
    object_key: str
    deadline: date
    subject: str
    body: str
    roles: frozenset[str]  # who receives it: the holders of these roles of the permission matrix


def _renewals(today: date, horizon: date) -> list[Reminder]:
    contracts = (Contract.objects.renewal_due(today=today, days=(horizon - today).days)
                 .select_related("holder").order_by("renewal_deadline", "reference"))
    return [Reminder(
        kind=ReminderKind.RENEWAL_DECISION, object_key=f"contract:{c.pk}:renewal:{c.renewal_count + 1}",
        deadline=c.renewal_deadline,
        subject=f"[Marchés] {c.reference} : décision de reconduction avant le {short_date(c.renewal_deadline)}",
        body=(f"Le marché {c.reference} ({c.title[:200]}), titulaire {c.holder.name}, arrive au terme de sa période "
              f"le {short_date(c.period_end)}.\nLa décision sur la reconduction n° {c.renewal_count + 1} doit être "
              f"prise au plus tard le {short_date(c.renewal_deadline)} (préavis de {c.notice_months} mois)."),
        roles=frozenset({BUYER, FINANCE}),
    ) for c in contracts]


def _attestations(today: date, horizon: date) -> list[Reminder]:
    newer = ComplianceDocument.objects.filter(vendor=OuterRef("vendor"), kind=OuterRef("kind"),
                                              expires_on__gt=OuterRef("expires_on"))
    running = Contract.objects.filter(state__in=EXECUTING).filter(
        Q(holder=OuterRef("vendor")) | Q(co_holders=OuterRef("vendor")))
    documents = (ComplianceDocument.objects.filter(expires_on__gte=today, expires_on__lte=horizon)
                 .filter(Exists(running)).exclude(Exists(newer))
                 .select_related("vendor").order_by("expires_on", "pk"))
    return [Reminder(
        kind=ReminderKind.ATTESTATION_EXPIRY, object_key=f"document:{d.pk}", deadline=d.expires_on,
        subject=f"[Fournisseurs] {d.vendor.name} : {d.get_kind_display()} expire le {short_date(d.expires_on)}",
        body=(f"Le justificatif « {d.get_kind_display()} » de {d.vendor.name} expire le {short_date(d.expires_on)}, "
              "alors que ce fournisseur exécute un marché en cours : demandez-lui le nouveau document."),
        roles=frozenset({BUYER}),
    ) for d in documents]


def _invoices(today: date, horizon: date) -> list[Reminder]:
    invoices = (Invoice.objects.unpaid().filter(payment_deadline__gte=today, payment_deadline__lte=horizon)
                .select_related("contract__holder").order_by("payment_deadline", "pk"))
    return [Reminder(
        kind=ReminderKind.PAYMENT_DEADLINE, object_key=f"invoice:{i.pk}", deadline=i.payment_deadline,
        subject=(f"[Factures] {i.contract.reference}, facture {i.number} : paiement avant le "
                 f"{short_date(i.payment_deadline)}"),
        body=(f"La facture {i.number} de {i.contract.holder.name} ({format_eur(i.total_ttc)} TTC), reçue le "
              f"{short_date(i.received_on)}, doit être payée au plus tard le {short_date(i.payment_deadline)}. "
              "Au-delà, des intérêts moratoires et l'indemnité forfaitaire sont dus."),
        roles=frozenset({FINANCE}),
    ) for i in invoices]


def due_reminders(*, today: date, days: int) -> list[Reminder]:
    horizon = today + timedelta(days=days)
    return _renewals(today, horizon) + _attestations(today, horizon) + _invoices(today, horizon)


def recipients_for(roles: frozenset[str]) -> list[str]:
    users = get_user_model().objects.filter(holders(roles)).exclude(email="")
    emails = sorted(set(users.values_list("email", flat=True)))
    return emails or [settings.DEFAULT_FROM_EMAIL]


@dataclass(frozen=True)
class ReminderRun:
    due: int
    sent: list[Reminder]
    already_sent: int


def send_reminders(*, today: date, days: int,
                   progress: Callable[[int, int], None] | None = None) -> ReminderRun:
    """Sends every due reminder not sent yet; returns what was sent."""
    reminders = due_reminders(today=today, days=days)
    sent, skipped = [], 0
    for number, reminder in enumerate(reminders, start=1):
        if SentReminder.objects.filter(kind=reminder.kind, object_key=reminder.object_key,
                                       deadline=reminder.deadline).exists():
            skipped += 1
        else:
            recipients = recipients_for(reminder.roles)
            try:
                with transaction.atomic():
                    SentReminder.objects.create(kind=reminder.kind, object_key=reminder.object_key,
                                                deadline=reminder.deadline, recipients=", ".join(recipients),
                                                subject=reminder.subject[:300])
                    send_mail(reminder.subject, reminder.body, settings.DEFAULT_FROM_EMAIL, recipients)
                sent.append(reminder)
            except IntegrityError:  # sent meanwhile by another run
                skipped += 1
        if progress is not None:
            progress(number, len(reminders))
    return ReminderRun(due=len(reminders), sent=sent, already_sent=skipped)
