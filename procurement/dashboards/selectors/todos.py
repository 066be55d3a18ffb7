"""The home page's to-dos, per role: reads only, each group in a fixed number of queries whatever the
number of tenders, lots or invoices, each item a link to the page where the thing is done.

``today`` and ``now`` are passed down by the caller: nothing here reads the clock."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from procurement.contracts.selectors.contracts import renewal_decisions_due
from procurement.contracts.selectors.invoices import invoices_near_deadline
from procurement.core.enums import ReferenceKind
from procurement.core.models import ReferenceValue
from procurement.core.permissions import may
from procurement.tenders.enums import LotState, TenderState
from procurement.tenders.evaluation.selectors import lot_rounds
from procurement.tenders.models import (
    CommitteeMember,
    Lot,
    Question,
    Tender,
)
from procurement.tenders.services.qa import answer_limit

# The horizons the finance page already watches: the home shows the same lists.
INVOICE_DAYS = 15
WEEK_DAYS = 7
# The items a long group shows, the nearest first.
GROUP_ROWS = 10


@dataclass(frozen=True)
class Todo:
    label: str
    url: str
    day: date | None = None
    late: bool = False
    detail: str = ""


@dataclass(frozen=True)
class TodoGroup:
    key: str
    title: str
    items: list[Todo] = field(default_factory=list)
    # A long group shows its first items; ``total`` counts them all, listed at ``all_url``.
    total: int | None = None
    all_url: str = ""

    @property
    def count(self) -> int:
        return len(self.items) if self.total is None else self.total

    @property
    def more(self) -> bool:
        return self.count > len(self.items)


def _day(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment else None


def _lot_label(lot) -> str:
    return _("%(reference)s, lot %(number)s — %(title)s") % {
        "reference": lot.tender.reference, "number": lot.number, "title": lot.title}


class AnswerDays:
    """The answer limit's days in force at each consultation start, from the rows read once (the rule
    itself stays ``answer_limit``)."""

    def __init__(self):
        self.rows = list(ReferenceValue.objects.filter(kind=ReferenceKind.ANSWER_LIMIT_DAYS)
                         .order_by("-valid_from"))

    def limit(self, tender) -> date | None:
        at = tender.consultation_start
        row = next((row for row in self.rows
                    if row.valid_from <= at and (row.valid_to is None or row.valid_to >= at)), None)
        if row is None or tender.bid_deadline is None:
            return None
        return answer_limit(tender, days=int(row.value))


# Buyer --------------------------------------------------------------------------------------------


def transitions_due(*, user, now: datetime) -> TodoGroup:
    """The steps waiting for the buyer: tenders ready to publish, published past their deadline (to
    close), closed (to open), lots whose ranking is final (to decide), opened tenders whose lots are all
    decided (to complete)."""
    tenders = list(Tender.objects.visible_to(user)
                   .filter(state__in=[TenderState.READY, TenderState.PUBLISHED, TenderState.CLOSED,
                                      TenderState.OPENED])
                   .select_related("opening_record").order_by("bid_deadline", "reference"))
    opened = [tender for tender in tenders if tender.state == TenderState.OPENED]
    lots = list(Lot.objects.filter(tender__in=opened).order_by("tender__reference", "number"))
    by_tender = {tender.pk: tender for tender in opened}
    for lot in lots:
        lot.tender = by_tender[lot.tender_id]
    evaluating = [lot for lot in lots if lot.state == LotState.EVALUATING]
    rounds = lot_rounds(evaluating)
    items = []
    for tender in tenders:
        detail = reverse("tenders:detail", args=[tender.reference])
        record = getattr(tender, "opening_record", None)
        if tender.state == TenderState.READY:
            items.append(Todo(_("Marquer publiée %(reference)s, une fois l'avis et le DCE mis en ligne")
                              % {"reference": tender.reference}, f"{detail}#transitions", tender.notice_sent_on,
                              detail=_("avis prévu le") if tender.notice_sent_on else ""))
        elif tender.state == TenderState.PUBLISHED and tender.bid_deadline and tender.bid_deadline <= now:
            items.append(Todo(_("Clôturer la réception des offres de %(reference)s") % {"reference": tender.reference},
                              f"{detail}#transitions", _day(tender.bid_deadline), late=True,
                              detail=_("date limite passée le")))
        elif tender.state == TenderState.CLOSED and record is None:
            items.append(Todo(_("Enregistrer l'ouverture des plis de %(reference)s") % {"reference": tender.reference},
                              reverse("tenders:opening", args=[tender.reference]), _day(tender.bid_deadline),
                              detail=_("offres reçues jusqu'au")))
        elif tender.state == TenderState.CLOSED:
            items.append(Todo(_("Ouvrir les plis de %(reference)s") % {"reference": tender.reference},
                              f"{detail}#transitions", _day(record.opened_at), detail=_("procès-verbal du")))
        elif tender.state == TenderState.OPENED:
            own = [lot for lot in lots if lot.tender_id == tender.pk]
            if own and all(lot.state != LotState.EVALUATING for lot in own):
                items.append(Todo(_("Terminer la consultation %(reference)s") % {"reference": tender.reference},
                                  f"{detail}#transitions", _day(record.opened_at) if record else None,
                                  detail=_("tous les lots décidés ; plis ouverts le") if record else ""))
    for lot in evaluating:
        state = rounds[lot.pk]
        if state.final:
            record = getattr(lot.tender, "opening_record", None)
            since = _day(state.closure.closed_at if state.closure else record.opened_at if record else None)
            items.append(Todo(_("Décider de l'attribution : %(lot)s") % {"lot": _lot_label(lot)},
                              reverse("tenders:lot-detail", args=[lot.tender.reference, lot.number]) + "#decision",
                              since, detail=_("classement final ; analyse depuis le") if since
                              else _("classement final")))
    return TodoGroup("transitions", _("Étapes à franchir"), items)


def questions_to_answer(*, user, today: date) -> TodoGroup:
    """Unanswered questions of the published tenders, one item per tender, dated by the answer limit."""
    questions = (Question.objects.filter(tender__in=Tender.objects.visible_to(user), answer="",
                                         tender__state=TenderState.PUBLISHED)
                 .select_related("tender").order_by("tender__reference", "asked_at"))
    grouped: dict[int, list] = defaultdict(list)
    for question in questions:
        grouped[question.tender_id].append(question)
    days = AnswerDays() if grouped else None
    items = []
    for rows in grouped.values():
        tender = rows[0].tender
        limit = days.limit(tender)
        label = ngettext("%(count)s question à laquelle répondre — %(reference)s",
                         "%(count)s questions auxquelles répondre — %(reference)s", len(rows)) % {
            "count": len(rows), "reference": tender.reference}
        items.append(Todo(label, reverse("tenders:detail", args=[tender.reference]) + "#questions", limit,
                          late=bool(limit and today > limit), detail=_("réponses au plus tard le") if limit else ""))
    items.sort(key=lambda item: (item.day or date.max, item.label))
    return TodoGroup("questions", _("Questions à traiter"), items)


def deadlines_this_week(*, user, today: date, now: datetime) -> TodoGroup:
    """The bid deadlines and answer limits of the published tenders that fall in the next seven days."""
    end = today + timedelta(days=WEEK_DAYS)
    tenders = list(Tender.objects.visible_to(user).filter(state=TenderState.PUBLISHED, bid_deadline__gte=now)
                   .order_by("bid_deadline", "reference"))
    days = AnswerDays() if tenders else None
    items = []
    for tender in tenders:
        detail = reverse("tenders:detail", args=[tender.reference])
        limit = days.limit(tender)
        if limit and today <= limit <= end:
            items.append(Todo(_("Dernier jour pour répondre aux questions — %(reference)s")
                              % {"reference": tender.reference}, f"{detail}#questions", limit, detail=_("le")))
        deadline = _day(tender.bid_deadline)
        if deadline <= end:
            items.append(Todo(_("Date limite de réception des offres — %(reference)s, à %(time)s")
                              % {"reference": tender.reference,
                                 "time": timezone.localtime(tender.bid_deadline).strftime("%H:%M")},
                              detail, deadline, detail=_("le")))
    items.sort(key=lambda item: (item.day, item.label))
    return TodoGroup("week", _("Échéances de la semaine"), items)


def renewals_to_decide(*, today: date) -> TodoGroup:
    """The nearest decisions (a large authority has a hundred within the horizon), and how many there are
    (counted whatever their number: the page reads as many queries with few as with many)."""
    contracts = renewal_decisions_due(today=today)
    items = [Todo(_("Décider de la reconduction de %(reference)s — %(holder)s")
                  % {"reference": contract.reference, "holder": contract.holder.name},
                  reverse("contracts:detail", args=[contract.reference]) + "#reconduction",
                  contract.renewal_deadline, detail=_("décision au plus tard le"))
             for contract in contracts[:GROUP_ROWS]]
    return TodoGroup("renewals", _("Reconductions à décider"), items, total=contracts.count(),
                     all_url=reverse("contracts:list") + "?renewal_due=on")


def buyer_todos(*, user, today: date, now: datetime) -> list[TodoGroup]:
    return [transitions_due(user=user, now=now), questions_to_answer(user=user, today=today),
            deadlines_this_week(user=user, today=today, now=now), renewals_to_decide(today=today)]


# Evaluator ----------------------------------------------------------------------------------------


def evaluator_todos(*, user, today: date) -> list[TodoGroup]:
    """The lots still being evaluated of the tenders whose committee ``user`` sits on: the declarations
    of interest she has not signed, then the notes she has not submitted while the round is open."""
    seats = {member.tender_id: member for member in
             CommitteeMember.objects.filter(user=user, tender__in=Tender.objects.visible_to(user),
                                            tender__state=TenderState.OPENED)}
    lots = list(Lot.objects.filter(tender_id__in=seats, state=LotState.EVALUATING)
                .select_related("tender__opening_record").order_by("tender__reference", "number"))
    rounds = lot_rounds(lots)
    to_sign, to_submit = [], []
    for lot in lots:
        state, member = rounds[lot.pk], seats[lot.tender_id]
        record = getattr(lot.tender, "opening_record", None)
        opened_on = _day(record.opened_at) if record else None
        args = [lot.tender.reference, lot.number]
        declaration = state.declaration_of(member)
        if declaration is None:
            to_sign.append(Todo(_lot_label(lot), reverse("tenders:evaluation-declare", args=args), opened_on,
                                detail=_("plis ouverts le")))
        elif not declaration.has_conflict and state.has_qualitative and user.pk not in state.submissions \
                and state.closure is None:
            to_submit.append(Todo(_lot_label(lot), reverse("tenders:evaluation-scores", args=args), opened_on,
                                  detail=_("plis ouverts le")))
    return [TodoGroup("declarations", _("Déclarations d'intérêts à signer"), to_sign),
            TodoGroup("notes", _("Notes à remettre"), to_submit)]


def committee_lot_count(*, user) -> int:
    """How many lots of opened or completed tenders ``user`` sits on the committee of (the home's
    way to « Mes évaluations »)."""
    from procurement.tenders.models.bids import UNSEALED_STATES

    return Lot.objects.filter(tender__in=Tender.objects.visible_to(user).filter(
        state__in=UNSEALED_STATES, committee__user=user)).count()


# Finance ------------------------------------------------------------------------------------------


def finance_todos(*, today: date, with_renewals: bool = True) -> list[TodoGroup]:
    """Unpaid invoices due within fifteen days, those past their deadline (late interest runs and is
    owed with the payment), and the renewals to decide."""
    near, late = [], []
    for invoice in invoices_near_deadline(today=today, days=INVOICE_DAYS):
        label = _("Facture %(number)s — %(contract)s, %(holder)s") % {
            "number": invoice.number, "contract": invoice.contract.reference, "holder": invoice.contract.holder.name}
        url = reverse("contracts:invoice-detail", args=[invoice.pk])
        if invoice.payment_deadline < today:
            days = (today - invoice.payment_deadline).days
            late.append(Todo(label, url, invoice.payment_deadline, late=True,
                             detail=ngettext("%(days)s jour de retard sur l'échéance du",
                                            "%(days)s jours de retard sur l'échéance du", days)
                             % {"days": days}))
        else:
            near.append(Todo(label, url, invoice.payment_deadline, detail=_("à payer au plus tard le")))
    groups = [TodoGroup("invoices", _("Factures à payer bientôt"), near),
              TodoGroup("late", _("Intérêts moratoires dus"), late)]
    return [*groups, renewals_to_decide(today=today)] if with_renewals else groups


@dataclass(frozen=True)
class RoleTodos:
    role: str
    title: str
    groups: list[TodoGroup]

    @property
    def pending(self) -> list[TodoGroup]:
        return [group for group in self.groups if group.items]

    @property
    def quiet(self) -> list[TodoGroup]:
        return [group for group in self.groups if not group.items]


def home_todos(*, user, today: date, now: datetime) -> list[RoleTodos]:
    """The to-do groups of each role ``user`` holds (an administrator holds them all)."""
    todos = []
    if may(user, "tenders.drive"):
        todos.append(RoleTodos("buyer", _("À faire — achats"), buyer_todos(user=user, today=today, now=now)))
    # An administrator who sits on no committee has no evaluator's to-do to read.
    if may(user, "evaluation.sit") and CommitteeMember.objects.filter(user=user).exists():
        todos.append(RoleTodos("evaluator", _("À faire — commission d'évaluation"),
                               evaluator_todos(user=user, today=today)))
    if may(user, "invoices.pay"):
        # An administrator sees the renewals once, with the buyer's to-dos.
        todos.append(RoleTodos("finance", _("À faire — finances"),
                               finance_todos(today=today, with_renewals=not todos or todos[0].role != "buyer")))
    return todos
