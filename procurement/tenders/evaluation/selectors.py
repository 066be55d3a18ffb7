"""Reads for the evaluation: a lot is loaded in a fixed number of queries, whatever its number of
bids, criteria and evaluators, then handed to the pure functions."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from procurement.core.money import round_money
from procurement.tenders.enums import AbnormallyLowDecision, BidStatus, PriceBasis
from procurement.tenders.evaluation.abnormally_low import OabFlag, OabParameters, detect, method_description
from procurement.tenders.evaluation.consolidation import (
    BidSpec,
    Consolidation,
    CriteriaTree,
    CriterionSpec,
    consolidate,
)
from procurement.tenders.evaluation.rounds import RoundState, load_round, user_label
from procurement.tenders.evaluation.sensitivity import Sensitivity, TopCriterion, sensitivity
from procurement.tenders.rules.ranking import CriterionScore, LotRanking, RankedBid


@dataclass(frozen=True)
class EvaluatorNote:
    evaluator_id: int
    evaluator: str
    value: Decimal
    comment: str


@dataclass
class LotEvaluation:
    """Everything the consolidation page, the award report and the command show."""

    lot: object
    tender: object
    settings: object                      # EvaluationSettings (unsaved defaults when none)
    round: RoundState
    tree: CriteriaTree
    bids: list[BidSpec]                   # the bids ranked: compliant, admissible, priced, not rejected
    all_bids: list                        # every bid of the lot received on time (Bid rows)
    consolidation: Consolidation
    notes: dict[tuple[int, int], list[EvaluatorNote]]
    committee_notes: dict[tuple[int, int], object]
    oab_params: OabParameters
    oab_flags: list[OabFlag]
    oab_reviews: dict[int, object]
    sensitivity: Sensitivity
    ranking: LotRanking
    schedule_totals: dict[int, Decimal] = field(default_factory=dict)   # bid → DQE total from its price lines

    @property
    def final(self) -> bool:
        return self.round.final

    @property
    def names(self) -> dict[int, str]:
        return {bid.id: bid.bidder for bid in self.bids} | {bid.pk: bid.vendor.name for bid in self.all_bids}

    @property
    def oab_method_text(self) -> str:
        return method_description(self.oab_params)

    def oab_pending(self) -> list[OabFlag]:
        """Flagged bids without a decided review: they block the award."""
        return [flag for flag in self.oab_flags
                if flag.key not in self.oab_reviews or not self.oab_reviews[flag.key].is_decided]

    def schedule_mismatches(self) -> dict[int, tuple[Decimal, Decimal]]:
        """Bids whose schedule total differs from the declared amount: bid → (DQE total, declared HT)."""
        declared = {bid.pk: bid.amount_ht for bid in self.all_bids}
        return {bid_id: (total, declared[bid_id]) for bid_id, total in self.schedule_totals.items()
                if declared.get(bid_id) is not None and total != declared[bid_id]}


def settings_for(tender):
    from procurement.tenders.models import EvaluationSettings

    try:
        return tender.evaluation_settings
    except EvaluationSettings.DoesNotExist:
        return EvaluationSettings(tender=tender)


def oab_parameters(settings) -> OabParameters:
    return OabParameters(
        method=settings.oab_method, exclusion_factor=settings.oab_exclusion_factor,
        gap_percent=settings.oab_gap_percent, sd_factor=settings.oab_sd_factor,
        lowest_gap_mean_percent=settings.oab_lowest_gap_mean_percent,
        lowest_gap_next_percent=settings.oab_lowest_gap_next_percent,
    )


def criterion_specs(criteria) -> list[CriterionSpec]:
    return [CriterionSpec(id=c.pk, name=c.name, kind=c.kind, points=c.points, parent_id=c.parent_id,
                          position=c.position, price_formula=c.price_formula, price_basis=c.price_basis)
            for c in criteria]


def _bid_spec(bid) -> BidSpec:
    return BidSpec(id=bid.pk, bidder=bid.vendor.name, siret=bid.vendor.siret or "",
                   amount_ht=bid.final_amount_ht, amount_ttc=bid.final_amount_ttc)


def is_rankable(bid) -> bool:
    return bid.status == BidStatus.COMPLIANT and bid.admissible is True and bid.amount_ht is not None


def lot_evaluation(lot) -> LotEvaluation:
    """Loads the lot in a fixed number of queries (lot, criteria, bids, committee, declarations,
    submissions, closure, scores, committee notes, price lines) and computes its evaluation."""
    from procurement.tenders.models import BidPriceLine, CommitteeScore, Lot, Score

    lot = Lot.objects.select_related("tender__evaluation_settings").get(pk=lot.pk)
    tender = lot.tender
    settings = settings_for(tender)
    criteria = list(lot.criteria.all())
    tree = CriteriaTree(criterion_specs(criteria))
    all_bids = list(lot.bids.on_time().select_related("vendor", "abnormally_low_review")
                    .order_by("received_at", "pk"))
    reviews = {bid.pk: review for bid in all_bids if (review := _review(bid)) is not None}
    round_state = load_round(lot, criteria=criteria)
    counted = round_state.counted_user_ids
    members = {member.user_id: user_label(member.user) for member in round_state.members}

    notes: dict[tuple[int, int], list[EvaluatorNote]] = defaultdict(list)
    raw: dict[tuple[int, int], list[Decimal]] = defaultdict(list)
    rows = Score.objects.filter(lot=lot, evaluator_id__in=counted).values_list(
        "bid_id", "criterion_id", "evaluator_id", "value", "comment").order_by("evaluator_id")
    for bid_id, criterion_id, evaluator_id, value, comment in rows:
        raw[(bid_id, criterion_id)].append(value)
        notes[(bid_id, criterion_id)].append(EvaluatorNote(evaluator_id, members.get(evaluator_id, ""), value, comment))
    committee_notes = {(c.bid_id, c.criterion_id): c for c in CommitteeScore.objects.filter(bid__lot=lot)
                       .select_related("by")}

    rankable = [bid for bid in all_bids if is_rankable(bid)]
    price_leaves = tree.price_leaves
    basis = price_leaves[0].price_basis if price_leaves else PriceBasis.HT
    oab_params = oab_parameters(settings)
    oab_flags = detect({bid.pk: _bid_spec(bid).price(basis) for bid in rankable}, oab_params)
    specs = [_bid_spec(bid) for bid in rankable
             if not (bid.pk in reviews and reviews[bid.pk].decision == AbnormallyLowDecision.REJECTED)]
    result = consolidate(
        tree=tree, bids=specs, evaluator_scores=raw,
        committee_scores={key: note.value for key, note in committee_notes.items()},
        method=settings.consolidation, tie_break=settings.tie_break,
        dispersion_threshold_percent=settings.dispersion_threshold_percent,
    )
    tops = [TopCriterion(c.id, c.name, c.points) for c in tree.roots]
    top_scores = {bid.id: {c.id: result.node[(bid.id, c.id)] for c in tree.roots} for bid in specs}
    ranking = LotRanking(
        lot_id=lot.pk, tender_reference=tender.reference, lot_number=lot.number, lot_title=lot.title,
        ranked=[RankedBid(bid_id=spec.id, bidder=spec.bidder, siret=spec.siret, total=result.totals[spec.id],
                          rank=result.ranks[spec.id],
                          criteria=[CriterionScore(c.id, c.name, c.points, result.node[(spec.id, c.id)])
                                    for c in tree.roots])
                for spec in sorted(specs, key=lambda s: result.order.index(s.id))],
        final=round_state.final,
    )
    schedule_totals: dict[int, Decimal] = defaultdict(Decimal)
    for bid_id, quantity, unit_price in BidPriceLine.objects.filter(bid__lot=lot).values_list(
            "bid_id", "item__quantity", "unit_price_ht"):
        schedule_totals[bid_id] += quantity * unit_price
    return LotEvaluation(
        lot=lot, tender=tender, settings=settings, round=round_state, tree=tree, bids=specs, all_bids=all_bids,
        consolidation=result, notes=dict(notes), committee_notes=committee_notes, oab_params=oab_params,
        oab_flags=oab_flags, oab_reviews=reviews, sensitivity=sensitivity(tops, top_scores, result.order),
        ranking=ranking, schedule_totals={k: round_money(v) for k, v in schedule_totals.items()},
    )


def _review(bid):
    from procurement.tenders.models import AbnormallyLowReview

    try:
        return bid.abnormally_low_review
    except AbnormallyLowReview.DoesNotExist:
        return None


def lot_ranking(lot) -> LotRanking:
    """The lot's consolidated ranking as plain values (``final`` is False while the round is blind):
    what the letters, the reports and the award read."""
    return lot_evaluation(lot).ranking


def evaluations_for(user) -> list[dict]:
    """The lots an evaluator is asked to score: one row per lot of the tenders whose committee they
    sit on, opened or completed, with their own progress only."""
    from procurement.tenders.models import CommitteeMember, ConflictDeclaration, Lot, Score, Submission
    from procurement.tenders.models.bids import UNSEALED_STATES

    seats = {m.tender_id: m for m in CommitteeMember.objects.filter(user=user, tender__state__in=UNSEALED_STATES)}
    lots = list(Lot.objects.filter(tender_id__in=seats).select_related("tender").order_by("tender__reference",
                                                                                           "number"))
    declared = {d.lot_id: d for d in ConflictDeclaration.objects.filter(member__in=seats.values())}
    submitted = set(Submission.objects.filter(evaluator=user, lot__in=lots).values_list("lot_id", flat=True))
    counts: dict[int, int] = defaultdict(int)
    for lot_id in Score.objects.filter(evaluator=user, lot__in=lots).values_list("lot_id", flat=True):
        counts[lot_id] += 1
    return [{"lot": lot, "tender": lot.tender, "chair": seats[lot.tender_id].is_chair,
             "declaration": declared.get(lot.pk), "scored": counts[lot.pk], "submitted": lot.pk in submitted}
            for lot in lots]


def lot_bidders(lot) -> list[str]:
    """The bidders of a lot as an evaluator reads them on the declaration of interest: names and
    SIRET, never an amount."""
    bids = lot.bids.on_time().select_related("vendor").order_by("received_at", "pk")
    return [f"{bid.vendor.name} (SIRET {bid.vendor.siret})" if bid.vendor.siret else bid.vendor.name
            for bid in bids]


def scores_visible_to(user):
    """The evaluators' notes ``user`` may read (the blind rule), in a fixed number of queries: their
    own, always; every counted note of a lot once its round is final, for those whose
    ``evaluation_abilities`` grant ``read_consolidation`` (buyers, finance, the lot's cleared members)."""
    from django.db.models import Q

    from procurement.tenders.evaluation.abilities import evaluation_abilities
    from procurement.tenders.models import Lot, Score, Tender
    from procurement.tenders.models.bids import UNSEALED_STATES

    tenders = Tender.objects.visible_to(user).filter(state__in=UNSEALED_STATES)
    lots = list(Lot.objects.filter(tender__in=tenders).select_related("tender"))
    rounds = lot_rounds(lots)
    readable = Q(evaluator_id=user.pk) if user.pk else Q(pk__in=[])
    for lot in lots:
        state = rounds[lot.pk]
        if evaluation_abilities(lot, user, state)["read_consolidation"]:
            readable |= Q(lot_id=lot.pk, evaluator_id__in=state.counted_user_ids)
    return Score.objects.filter(lot__tender__in=tenders).filter(readable)


def lot_rounds(lots: list) -> dict:
    """Each lot's scoring round (``build_round``) by lot id, from rows read once for all the lots (five
    queries, whatever their number)."""
    from procurement.tenders.evaluation.rounds import build_round
    from procurement.tenders.models import CommitteeMember, ConflictDeclaration, Criterion, RoundClosure, Submission

    members: dict[int, list] = defaultdict(list)
    for member in CommitteeMember.objects.filter(tender_id__in={lot.tender_id for lot in lots}).select_related(
            "user").order_by("-is_chair", "user__last_name", "pk"):
        members[member.tender_id].append(member)
    declarations: dict[int, dict] = defaultdict(dict)
    for declaration in ConflictDeclaration.objects.filter(lot__in=lots):
        declarations[declaration.lot_id][declaration.member_id] = declaration
    submissions: dict[int, dict] = defaultdict(dict)
    for submission in Submission.objects.filter(lot__in=lots):
        submissions[submission.lot_id][submission.evaluator_id] = submission
    closures = {closure.lot_id: closure for closure in RoundClosure.objects.filter(lot__in=lots)}
    criteria: dict[int, list] = defaultdict(list)
    for criterion in Criterion.objects.filter(lot__in=lots):
        criteria[criterion.lot_id].append(criterion)
    return {lot.pk: build_round(members=members[lot.tender_id], declarations=declarations[lot.pk],
                                submissions=submissions[lot.pk], closure=closures.get(lot.pk),
                                criteria=criteria[lot.pk])
            for lot in lots}


@dataclass(frozen=True)
class GridColumn:
    """A column of the scoring grid: a leaf of the criteria tree, typed (qualitative) or computed
    (price), on the scale of its points."""

    criterion: object                   # Criterion
    parent: object | None               # its parent Criterion, for a sub-criterion
    computed: bool                      # a price criterion: noted by the lot's formula, never typed
    step: Decimal                       # the smallest step of a note (the Score model's decimals)

    @property
    def points(self) -> Decimal:
        return self.criterion.points


@dataclass(frozen=True)
class GridGroup:
    """A cell of the grid's first header row: a top-level criterion, over its sub-criteria
    (``span`` columns) or over its own column (``column`` set, two rows high)."""

    criterion: object
    span: int
    column: GridColumn | None


@dataclass
class ScoringGrid:
    """An evaluator's scoring grid of a lot: the rankable bids (rows, with their files) × the leaves
    of the criteria tree (columns, parents before their sub-criteria, by position), the evaluator's
    own notes and the price notes computed by the formula. No other evaluator's note."""

    bids: list                          # Bid rows, with vendor and files
    groups: list[GridGroup]
    columns: list[GridColumn]
    own: dict[tuple[int, int], object]  # (bid id, criterion id) → the evaluator's Score
    price: dict[tuple[int, int], Decimal | None]

    @property
    def scored(self) -> list:
        """The criteria the evaluator types a note for, in the grid's order."""
        return [column.criterion for column in self.columns if not column.computed]

    @property
    def sub_columns(self) -> list[GridColumn]:
        """The second header row: the sub-criteria."""
        return [column for column in self.columns if column.parent is not None]


def score_step() -> Decimal:
    """The step of a note, as the Score model stores it (two decimals: 0.01)."""
    from procurement.tenders.models import Score

    return Decimal(1).scaleb(-Score._meta.get_field("value").decimal_places)


def scoring_grid(lot, user) -> ScoringGrid:
    """The grid of ``user``'s notes on ``lot``, in a fixed number of queries whatever the number of
    bids (the lot's criteria and bids are read once, prefetched by ``lot_detail`` when it loaded
    them)."""
    from procurement.tenders.models import Score

    criteria = list(lot.criteria.all())
    by_id = {criterion.pk: criterion for criterion in criteria}
    tree = CriteriaTree(criterion_specs(criteria))
    step = score_step()
    columns: list[GridColumn] = []
    groups: list[GridGroup] = []
    for root in tree.roots:
        leaves = tree.leaves_under(root.id)
        for leaf in leaves:
            parent = by_id[leaf.parent_id] if leaf.id != root.id and leaf.parent_id in by_id else None
            columns.append(GridColumn(criterion=by_id[leaf.id], parent=parent, computed=leaf.is_price, step=step))
        own_column = columns[-1] if leaves and leaves[0].id == root.id else None
        groups.append(GridGroup(criterion=by_id[root.id], span=len(leaves), column=own_column))
    bids = [bid for bid in lot.bids.all() if bid.status != BidStatus.LATE and is_rankable(bid)]
    own = {(score.bid_id, score.criterion_id): score
           for score in Score.objects.filter(lot=lot, evaluator_id=user.pk)}
    price: dict[tuple[int, int], Decimal | None] = {}
    if any(column.computed for column in columns) and bids:
        consolidation = lot_evaluation(lot).consolidation
        for column in columns:
            if column.computed:
                notes = consolidation.price.get(column.criterion.pk, {})
                for bid in bids:
                    note = notes.get(bid.pk)
                    price[(bid.pk, column.criterion.pk)] = note.note if note is not None else None
    return ScoringGrid(bids=bids, groups=groups, columns=columns, own=own, price=price)
