"""« Mon agenda »: the dated deadlines that concern a user, by role, for their calendar feed and the
API: bid deadlines and answer limits of the tenders they drive, CAO meetings, ends of standstill
before signature, renewal decisions,
invoice payment deadlines, compliance certificates expiring. Reads only, in a fixed number of
queries whatever the number of events; ``today`` is passed down by the caller."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procurement.contracts.selectors.contracts import renewal_decisions_due, standstills_before_signature
from procurement.contracts.selectors.invoices import invoices_near_deadline
from procurement.core.legal_calendar import short_date
from procurement.core.permissions import may
from procurement.dashboards.selectors.todos import AnswerDays
from procurement.tenders.enums import TenderState
from procurement.tenders.models import CaoMeeting, Tender
from procurement.vendors.selectors import documents_expiring

# A calendar keeps what is past: a month of it, and a year ahead.
PAST_DAYS = 30
AHEAD_DAYS = 365
MEETING_LENGTH = timedelta(hours=2)
CERTIFICATE_DAYS = 90  # a quarter: time to ask the holder for the new certificate


class AgendaKind(models.TextChoices):
    BID_DEADLINE = "bid_deadline", gettext_lazy("Date limite de réception des offres")
    QUESTIONS_DEADLINE = "questions_deadline", gettext_lazy("Date limite des réponses aux questions")
    CAO_MEETING = "cao_meeting", gettext_lazy("Réunion de la CAO")
    STANDSTILL_END = "standstill_end", gettext_lazy("Fin du délai de suspension")
    RENEWAL_DECISION = "renewal_decision", gettext_lazy("Décision de reconduction")
    INVOICE_PAYMENT = "invoice_payment", gettext_lazy("Date limite de paiement")
    CERTIFICATE_EXPIRY = "certificate_expiry", gettext_lazy("Expiration d'une attestation")


@dataclass(frozen=True)
class AgendaEvent:
    """One event: ``uid`` stays the same while its object lives, so a calendar replaces it when its
    date moves; ``start`` is a day (all-day event) or an aware datetime; ``path`` is the app's page."""

    uid: str
    kind: str
    summary: str
    description: str
    path: str
    start: date | datetime
    alarm: bool = True
    duration: timedelta = timedelta(0)  # of a timed event: a deadline is an instant, a meeting lasts

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime)


def _tender_events(*, user, since: date) -> list[AgendaEvent]:
    tenders = list(Tender.objects.visible_to(user)
                   .filter(state__in=[TenderState.READY, TenderState.PUBLISHED], bid_deadline__date__gte=since)
                   .order_by("bid_deadline", "reference"))
    days = AnswerDays() if tenders else None
    events = []
    for tender in tenders:
        path = reverse("tenders:detail", args=[tender.reference])
        events.append(AgendaEvent(
            f"tender-{tender.pk}-bid-deadline", AgendaKind.BID_DEADLINE,
            _("Remise des offres — %(reference)s") % {"reference": tender.reference},
            _("Date limite de réception des offres de la consultation %(reference)s : %(object)s")
            % {"reference": tender.reference, "object": tender.object}, path, tender.bid_deadline))
        limit = days.limit(tender)
        if limit and limit >= since:
            events.append(AgendaEvent(
                f"tender-{tender.pk}-questions-deadline", AgendaKind.QUESTIONS_DEADLINE,
                _("Dernier jour pour répondre aux questions — %(reference)s") % {"reference": tender.reference},
                _("Les réponses aux questions des candidats de %(reference)s doivent être publiées ce jour "
                  "au plus tard.") % {"reference": tender.reference}, f"{path}#questions", limit))
    return events


def _cao_events(*, since: date, seat_of=None) -> list[AgendaEvent]:
    """Every meeting for the buyers; only their CAO's for a member who holds a seat (``seat_of``)."""
    meetings = CaoMeeting.objects.filter(held_at__date__gte=since)
    if seat_of is not None:
        meetings = meetings.filter(authority__cao_members__user=seat_of, authority__cao_members__active=True)
    meetings = (meetings.distinct().select_related("authority")
                .prefetch_related("tenders").order_by("held_at", "pk"))
    return [AgendaEvent(
        f"cao-meeting-{meeting.pk}", AgendaKind.CAO_MEETING,
        _("CAO — %(authority)s") % {"authority": meeting.authority.name},
        _("Ordre du jour : %(tenders)s") % {"tenders": ", ".join(t.reference for t in meeting.tenders.all())
                                            or _("à compléter")},
        reverse("tenders:cao-meeting", args=[meeting.pk]), meeting.held_at, alarm=False, duration=MEETING_LENGTH)
        for meeting in meetings]


def _standstill_events(*, user, since: date) -> list[AgendaEvent]:
    return [AgendaEvent(
        f"contract-{contract.pk}-standstill", AgendaKind.STANDSTILL_END,
        _("Fin du délai de suspension — %(reference)s") % {"reference": contract.reference},
        _("Le délai de suspension du marché %(reference)s (%(holder)s) court jusqu'au %(end)s : il peut être "
          "signé à partir de ce jour (CCP R.2182-1).") % {"reference": contract.reference,
                                                          "holder": contract.holder.name,
                                                          "end": short_date(window.end)},
        reverse("contracts:detail", args=[contract.reference]), window.signable_from)
        for contract, window in standstills_before_signature(user=user) if window.signable_from >= since]


def _renewal_events(*, since: date) -> list[AgendaEvent]:
    contracts = renewal_decisions_due(today=since, days=PAST_DAYS + AHEAD_DAYS)
    return [AgendaEvent(
        f"contract-{contract.pk}-renewal-{contract.renewal_deadline:%Y%m%d}", AgendaKind.RENEWAL_DECISION,
        _("Décider de la reconduction — %(reference)s") % {"reference": contract.reference},
        _("Le marché %(reference)s (%(holder)s) est reconduit tacitement faute de décision contraire "
          "notifiée au plus tard ce jour.") % {"reference": contract.reference, "holder": contract.holder.name},
        reverse("contracts:detail", args=[contract.reference]) + "#reconduction", contract.renewal_deadline)
        for contract in contracts]


def _invoice_events(*, today: date, since: date) -> list[AgendaEvent]:
    invoices = [invoice for invoice in invoices_near_deadline(today=today, days=AHEAD_DAYS)
                if invoice.payment_deadline >= since]
    return [AgendaEvent(
        f"invoice-{invoice.pk}-payment", AgendaKind.INVOICE_PAYMENT,
        _("Payer la facture %(number)s — %(holder)s") % {"number": invoice.number,
                                                          "holder": invoice.contract.holder.name},
        _("Date limite de paiement de la facture %(number)s du marché %(contract)s : au-delà, les intérêts "
          "moratoires courent.") % {"number": invoice.number, "contract": invoice.contract.reference},
        reverse("contracts:invoice-detail", args=[invoice.pk]), invoice.payment_deadline)
        for invoice in invoices]


def _certificate_events(*, today: date) -> list[AgendaEvent]:
    documents = documents_expiring(within_days=CERTIFICATE_DAYS, today=today)
    return [AgendaEvent(
        f"certificate-{document.pk}-expiry", AgendaKind.CERTIFICATE_EXPIRY,
        _("%(kind)s expire — %(vendor)s") % {"kind": capfirst(document.get_kind_display()),
                                             "vendor": document.vendor.name},
        _("Dernier jour de validité : demandez la nouvelle pièce au titulaire."),
        reverse("vendors:detail", args=[document.vendor_id]), document.expires_on)
        for document in documents]


def agenda_events(*, user, today: date) -> list[AgendaEvent]:
    """The events of the roles ``user`` holds (an administrator holds them all), soonest first."""
    since = today - timedelta(days=PAST_DAYS)
    events = []
    if may(user, "tenders.drive"):
        events += _tender_events(user=user, since=since) + _cao_events(since=since)
    elif user.cao_seats.filter(active=True).exists():
        events += _cao_events(since=since, seat_of=user)
    if may(user, "contracts.act"):
        events += _standstill_events(user=user, since=since)
    if may(user, "contracts.act") or may(user, "invoices.pay"):
        events += _renewal_events(since=since)
    if may(user, "invoices.pay"):
        events += _invoice_events(today=today, since=since)
    if may(user, "vendors.edit"):
        events += _certificate_events(today=today)
    return sorted(events, key=lambda event: (_sort_key(event.start), event.uid))


def _sort_key(start: date | datetime) -> datetime:
    if isinstance(start, datetime):
        return timezone.localtime(start).replace(tzinfo=None)
    return datetime(start.year, start.month, start.day)
