"""Reads on tenders for the pages: lists with their lots' value, a tender or a lot with everything
their page shows, each in a fixed number of queries."""

from __future__ import annotations

from django.apps import apps
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from procurement.core.legal_calendar import typed_day
from procurement.core.selectors import choices_named, every_word
from procurement.programmes.models import Programme
from procurement.programmes.selectors import programme_search_condition
from procurement.tenders.enums import CaoOpinionKind
from procurement.tenders.models import Bid, CaoOpinion, Criterion, Lot, Question, Tender, TransitionLog


def _lot_count():
    """A tender's number of lots, counted by the database for the rows read only (a subquery: the
    list is sorted and cut into pages before any lot is counted)."""
    lots = Lot.objects.filter(tender=OuterRef("pk")).order_by().values("tender").annotate(count=Count("pk"))
    return Coalesce(Subquery(lots.values("count")), Value(0))


def tender_list(*, user, state: str = "", procedure: str = "", year: int | None = None, programme=None,
                programme_search: str = "") -> QuerySet[Tender]:
    """The tenders ``user`` may see, with ``lot_count``, their buyer and their lots prefetched for
    ``estimated_value`` (R.2121-1: every lot, every period at its own amount and the options), summed
    for the page only. ``programme_search``: the programme's reference or name contains it."""
    tenders = (
        Tender.objects.visible_to(user)
        .select_related("programme", "buyer")
        .prefetch_related(Prefetch("lots", queryset=Lot.objects.order_by("number")))
        .annotate(lot_count=_lot_count())
    )
    if state:
        tenders = tenders.filter(state=state)
    if procedure:
        tenders = tenders.filter(procedure=procedure)
    if year:
        tenders = tenders.filter(consultation_start__year=year)
    if programme is not None:
        tenders = tenders.filter(programme=programme)
    if (condition := programme_search_condition(programme_search, path="programme")) is not None:
        tenders = tenders.filter(condition)
    return tenders.order_by("-consultation_start", "reference")


def tender_programmes(*, user) -> QuerySet[Programme]:
    """The programmes of the tenders ``user`` may see: the list's « Programme » filter and its
    suggestions (an evaluator is offered only those of the tenders on their committees)."""
    return Programme.objects.filter(Exists(Tender.objects.visible_to(user).filter(programme=OuterRef("pk"))))


def tender_years(*, user) -> list[int]:
    """The years in which the visible tenders started, newest first (the list's filter)."""
    days = Tender.objects.visible_to(user).dates("consultation_start", "year", order="DESC")
    return [day.year for day in days]


def lots_visible_to(*, user) -> QuerySet[Lot]:
    """The lots of the consultations ``user`` may see, with their tender."""
    return Lot.objects.visible_to(user).select_related("tender")


def criteria_visible_to(*, user) -> QuerySet[Criterion]:
    """The award criteria of the lots ``user`` may see."""
    return Criterion.objects.filter(lot__in=Lot.objects.visible_to(user))


def bids_visible_to(*, user, lot: int | None = None, tender_reference: str = "") -> QuerySet[Bid]:
    """The bids of the consultations ``user`` may see (sealed or not: the caller hides what the
    user may not read), with their files, in the register's order; optionally of one lot or one
    consultation."""
    bids = (Bid.objects.visible_to(user)
            .select_related("lot__tender", "vendor").prefetch_related(Prefetch("files"))
            .order_by("lot__tender__reference", "lot__number", "received_at", "pk"))
    if lot is not None:
        bids = bids.filter(lot_id=lot)
    if tender_reference:
        bids = bids.filter(lot__tender__reference=tender_reference)
    return bids


def _bids() -> QuerySet[Bid]:
    return Bid.objects.select_related("vendor").prefetch_related("files").order_by("received_at", "pk")


def _lots() -> QuerySet[Lot]:
    return Lot.objects.select_related("winner__vendor").prefetch_related(
        "criteria", "price_items", Prefetch("bids", queryset=_bids())
    ).order_by("number")


def tender_detail(*, user, reference: str) -> Tender:
    """A visible tender with its lots (criteria, bids, files), questions and log; 404 otherwise."""
    tenders = Tender.objects.visible_to(user).select_related(
        "programme", "buyer", "relaunched_from", "opening_record__opened_by"
    ).prefetch_related(
        Prefetch("lots", queryset=_lots()),
        Prefetch("questions", queryset=Question.objects.select_related("asked_by", "answered_by")),
        Prefetch("transition_logs", queryset=TransitionLog.objects.select_related("by", "lot")),
        "relaunches",
    )
    return get_object_or_404(tenders, reference=reference)


def tender_for_notice(*, reference: str) -> Tender | None:
    """A tender with what its eForms notices read: buyer, lots, criteria, bids and winners, and
    ``notice_contracts``, the contracts signed from its lots (lot id → contract, with their subcontracts);
    ``None`` if unknown."""
    tender = Tender.objects.select_related(
        "programme__authority", "buyer", "opening_record"
    ).prefetch_related(Prefetch("lots", queryset=_lots())).filter(reference=reference).first()
    if tender is not None:
        # The contracts app builds on this one: its model is looked up, not imported.
        contracts = apps.get_model("contracts", "Contract").objects.filter(lot__tender=tender)
        tender.notice_contracts = {contract.lot_id: contract for contract in contracts.prefetch_related("subcontracts")}
    return tender


def tender_for_user(*, user, reference: str) -> Tender:
    """A visible tender alone (for the forms and the actions); 404 otherwise."""
    return get_object_or_404(Tender.objects.visible_to(user).select_related("programme"), reference=reference)


def lot_detail(*, tender: Tender, number: int) -> Lot:
    lot = get_object_or_404(_lots(), tender=tender, number=number)
    lot.tender = tender  # the guards and abilities read the tender already loaded
    return lot


def programme_procurements(*, programme) -> QuerySet[Tender]:
    """A programme's consultations in the order they started, with ``lot_count`` (one query)."""
    return (Tender.objects.filter(programme=programme).annotate(lot_count=_lot_count())
            .order_by("consultation_start", "reference"))


def cao_meetings_of_programme(*, programme) -> QuerySet:
    """The CAO meetings about a programme's consultations, with their attendance counts and decisions
    (three queries)."""
    from procurement.tenders.models import CaoDecision, CaoMeeting

    decisions = CaoDecision.objects.select_related("lot__tender", "bid__vendor").order_by("lot__tender__reference",
                                                                                          "lot__number")
    return (CaoMeeting.objects.filter(tenders__programme=programme).distinct()
            .select_related("reconvened_from").prefetch_related(Prefetch("decisions", queryset=decisions))
            .order_by("held_at"))


def bid_file_downloads(*, bid: Bid) -> QuerySet:
    """The downloads of a bid's files, latest first, with who and which file (one query)."""
    from procurement.tenders.models import BidFileDownload

    return (BidFileDownload.objects.filter(bid_file__bid=bid).select_related("user", "bid_file")
            .order_by("-downloaded_at", "-pk"))


# The CAO -----------------------------------------------------------------------------------------


def cao_member_list(*, authority) -> QuerySet:
    """The authority's CAO members, in office first, by seat and name (one query)."""
    from django.db.models import Case, When

    from procurement.tenders.enums import CaoRole
    from procurement.tenders.models import CaoMember

    seat = Case(*(When(role=role, then=Value(index)) for index, role in enumerate(CaoRole.values)))
    return CaoMember.objects.filter(authority=authority).select_related("user").order_by("-active", seat, "name")


def cao_meeting_list(*, authority) -> QuerySet:
    """The authority's CAO meetings, latest first, with the meeting they follow or that followed them,
    their agenda and their number of decisions (two queries)."""
    from procurement.tenders.models import CaoMeeting

    return (CaoMeeting.objects.filter(authority=authority)
            .select_related("reconvened_from", "reconvened_as")
            .prefetch_related(Prefetch("tenders", queryset=Tender.objects.order_by("reference")))
            .annotate(decision_count=Count("decisions", distinct=True))
            .order_by("-held_at"))


def cao_meeting_detail(*, pk: int):
    """A meeting with its attendance, agenda (lots and bids), decisions and opinions; 404 otherwise."""
    from procurement.tenders.models import CaoDecision, CaoMeeting, CaoOpinion

    lots = Lot.objects.select_related("winner__vendor").order_by("number")
    meetings = CaoMeeting.objects.select_related("authority", "reconvened_from", "reconvened_as").prefetch_related(
        "attendees",
        Prefetch("tenders", queryset=Tender.objects.order_by("reference").prefetch_related(
            Prefetch("lots", queryset=lots))),
        Prefetch("decisions", queryset=CaoDecision.objects.select_related("lot__tender", "bid__vendor")
                 .order_by("lot__tender__reference", "lot__number")),
        Prefetch("opinions", queryset=CaoOpinion.objects.select_related("lot__tender").order_by("pk")),
    )
    return get_object_or_404(meetings, pk=pk)


def cao_opinion_list() -> QuerySet[CaoOpinion]:
    """The CAO's opinions on amendments, latest meeting first, with their meeting and consultation."""
    return CaoOpinion.objects.select_related("meeting", "lot__tender").order_by("-meeting__held_at", "pk")


def cao_opinion_search_condition(search: str) -> Q | None:
    """Opinions where every word of ``search`` is the meeting's day (« 12/03/2026 », « 2026-03-12 »), is in
    the consultation's reference or the amendment's subject, or names the opinion (« favorable »): so
    « AO-2025-04 », « 12/03/2026 portail » and the label a suggestion shows; None for an empty search."""
    def word_condition(word: str) -> Q:
        found = (Q(lot__tender__reference__icontains=word) | Q(subject__icontains=word)
                 | choices_named(word, "opinion", CaoOpinionKind.choices))
        return found | Q(meeting__held_at__date=day) if (day := typed_day(word)) else found

    return every_word(search, word_condition, ignored={"cao", "du"})


def cao_opinion_exact_condition(search: str) -> Q:
    """Opinions ``search`` names exactly: the label a suggestion shows (« CAO du 12/03/2026 — avis favorable :
    Avenant n° 1… »), or the consultation's reference when it has a single opinion."""
    search = search.strip()
    condition = Q(lot__tender__reference__iexact=search)
    meeting, separator, rest = search.partition(" — ")
    opinion, colon, subject = rest.partition(" : ")
    day = typed_day(meeting.removeprefix("CAO du ").strip()) if separator else None
    kinds = [kind for kind, label in CaoOpinionKind.choices if str(label).lower() == opinion.strip().lower()]
    if day and colon and kinds:
        condition |= Q(meeting__held_at__date=day, opinion__in=kinds, subject__istartswith=subject.strip())
    return condition


def cao_opinion_suggestions(opinions: QuerySet[CaoOpinion], *, search: str, limit: int) -> list[CaoOpinion]:
    """Up to ``limit`` of ``opinions`` matching ``search`` (``cao_opinion_search_condition``), latest meeting
    first; only what a suggestion shows is read."""
    condition = cao_opinion_search_condition(search)
    opinions = opinions.filter(condition) if condition is not None else opinions
    # The lot's and the tender's states come along: a protected state field deferred is read row by row.
    return list(opinions.select_related("meeting", "lot__tender")
                .only("pk", "subject", "opinion", "meeting__held_at", "lot__number", "lot__state", "lot__tender",
                      "lot__tender__reference", "lot__tender__state")
                .order_by("-meeting__held_at", "pk")[:limit])


def cao_tenders_of(*, authority) -> QuerySet[Tender]:
    """The authority's consultations that may go before its CAO: formalised ones past the draft."""
    from procurement.tenders.enums import TenderState
    from procurement.tenders.services.cao import formalised

    tenders = Tender.objects.filter(programme__authority=authority).exclude(
        state__in=(TenderState.DRAFT, TenderState.READY, TenderState.ABANDONED)).order_by("-reference")
    return Tender.objects.filter(pk__in=[tender.pk for tender in tenders if formalised(tender)]).order_by("-reference")


def cao_lot_status(*, lot: Lot) -> dict:
    """What the CAO has decided on a lot (its last decision at a meeting sitting validly), or the
    meetings of its tender that could decide it."""
    from procurement.tenders.services.cao import latest_valid_decision

    decision = latest_valid_decision(lot)
    meetings = [meeting for meeting in lot.tender.cao_meetings.order_by("-held_at") if meeting.can_decide]
    return {"decision": decision, "meeting": meetings[0] if meetings else None}


def dce_generations(*, tender: Tender) -> list:
    """The tender's DCE versions, newest first, with their files and author."""
    return list(tender.dce_generations.select_related("generated_by").prefetch_related("files").order_by("-version"))


def lot_letters(*, lot: Lot) -> QuerySet:
    """The lot's letters and rapports, newest version first."""
    return lot.letters.select_related("bid__vendor", "generated_by").order_by("-version", "kind", "name")


def lot_bids_by_receipt(*, lot: Lot) -> QuerySet[Bid]:
    return lot.bids.select_related("vendor").order_by("received_at", "pk")


def tender_fresh(*, pk: int) -> Tender:
    """The tender read again, for a form that must not touch the page's copy."""
    return Tender.objects.get(pk=pk)


def lot_fresh(*, pk: int) -> Lot:
    """The lot read again (with its tender), for a form or a service that must not touch the page's copy."""
    return Lot.objects.select_related("tender").get(pk=pk)


def latest_award_letter(*, lot: Lot):
    from procurement.tenders.models import LetterDocument
    from procurement.tenders.models.documents import LetterKind

    return LetterDocument.objects.filter(lot=lot, kind=LetterKind.AWARD).order_by("-version").first()


def bid_of_tender(*, tender: Tender, pk: int) -> Bid:
    """A bid of the tender with its vendor, lot and files; 404 otherwise."""
    return get_object_or_404(Bid.objects.select_related("vendor", "lot").prefetch_related("files"),
                             pk=pk, lot__tender=tender)


def bid_of_lot(*, lot: Lot, pk: int) -> Bid:
    """A bid of the lot with its vendor; 404 otherwise."""
    return get_object_or_404(Bid.objects.select_related("vendor", "lot__tender"), pk=pk, lot=lot)


def bid_file_for_user(*, user, tender: Tender, pk: int):
    """A bid file of the tender that the user may read; 404 otherwise."""
    from procurement.tenders.models import BidFile

    return get_object_or_404(BidFile.objects.visible_to(user).select_related("bid__lot"), pk=pk,
                             bid__lot__tender=tender)


def committee_score_target(*, lot: Lot, bid_id: int, criterion_id: int) -> tuple:
    """The bid and the criterion of the lot that a committee score is about."""
    from procurement.tenders.models import Criterion

    return Bid.objects.get(pk=bid_id, lot=lot), Criterion.objects.get(pk=criterion_id, lot=lot)


def cao_meeting_find(*, pk: int | str, authority=None):
    """The meeting, or None (``authority`` narrows it to one authority's)."""
    from procurement.tenders.models import CaoMeeting

    meetings = CaoMeeting.objects.filter(pk=pk)
    if authority is not None:
        meetings = meetings.filter(authority=authority)
    return meetings.first()


def cao_meeting_of_page(*, pk: int):
    """The meeting a CAO page is about, with its authority and the meeting it follows; 404 otherwise."""
    from procurement.tenders.models import CaoMeeting

    return get_object_or_404(CaoMeeting.objects.select_related("authority", "reconvened_from"), pk=pk)


def cao_lot_of_tender(*, tender: Tender, number: int) -> Lot:
    """The lot a CAO decision is about, with its tender's programme; 404 otherwise."""
    return get_object_or_404(Lot.objects.select_related("tender__programme"), tender=tender, number=number)


def awarded_lots_of_authority(*, authority) -> QuerySet[Lot]:
    """The authority's awarded lots, whose amendments may need the CAO's opinion."""
    from procurement.tenders.enums import LotState

    return (Lot.objects.filter(tender__programme__authority=authority, state=LotState.AWARDED)
            .select_related("tender").order_by("tender__reference", "number"))


def bid_of_lot_or_none(*, lot: Lot, pk: int | str) -> Bid | None:
    return lot.bids.filter(pk=pk).select_related("vendor").first()
