"""Consolidation of the evaluators' notes into a ranking, in pure Python over plain values: the
mean or median per criterion, the committee's final notes, the price notes, the weighting through
the criteria tree (out of 100), the tie-break, the dispersion flags and the formula's side effects."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from procurement.tenders.enums import ConsolidationMethod, CriterionKind, PriceBasis, PriceFormula, TieBreak
from procurement.tenders.evaluation.scoring import (
    ZERO,
    PriceNote,
    fmt,
    formula_refusal,
    formula_warnings,
    price_note_values,
    price_notes,
    round_score,
)

HUNDRED = Decimal("100")


@dataclass(frozen=True)
class CriterionSpec:
    id: int
    name: str
    kind: str
    points: Decimal
    parent_id: int | None = None
    position: int = 1
    price_formula: str = ""
    price_basis: str = PriceBasis.HT

    @property
    def is_price(self) -> bool:
        return self.kind == CriterionKind.PRICE


@dataclass(frozen=True)
class BidSpec:
    id: int
    bidder: str
    siret: str
    amount_ht: Decimal
    amount_ttc: Decimal | None = None

    def price(self, basis: str) -> Decimal:
        if basis == PriceBasis.TTC and self.amount_ttc is not None:
            return self.amount_ttc
        return self.amount_ht


class CriteriaTree:
    """The criteria in display order with, for each leaf, its weight in its top-level criterion and
    in the total out of 100 (1 for a valid tree whose sub-criteria share their parent's points)."""

    def __init__(self, criteria: list[CriterionSpec]):
        by_parent: dict[int | None, list[CriterionSpec]] = defaultdict(list)
        ids = {c.id for c in criteria}
        for criterion in sorted(criteria, key=lambda c: (c.position, c.id)):
            by_parent[criterion.parent_id if criterion.parent_id in ids else None].append(criterion)
        self.by_id = {c.id: c for c in criteria}
        self.roots = by_parent[None]
        self.children = by_parent
        self.ordered: list[tuple[CriterionSpec, int]] = []   # (criterion, depth), parents first
        self.leaves: list[CriterionSpec] = []
        self.top_of: dict[int, CriterionSpec] = {}
        self.weight_in: dict[tuple[int, int], Decimal] = {}  # (ancestor or self, leaf) → factor
        top_points = sum((c.points for c in self.roots), ZERO)
        self.to_total = HUNDRED / top_points if top_points else ZERO
        for root in self.roots:
            self._walk(root, 0, root, [])

    def _walk(self, node: CriterionSpec, depth: int, top: CriterionSpec, path: list[tuple[int, Decimal]]) -> None:
        self.ordered.append((node, depth))
        self.top_of[node.id] = top
        kids = self.children.get(node.id, [])
        if not kids:
            self.leaves.append(node)
            factor = Decimal("1")
            self.weight_in[(node.id, node.id)] = factor
            for ancestor_id, ratio in reversed(path):
                factor *= ratio
                self.weight_in[(ancestor_id, node.id)] = factor
            return
        share = sum((k.points for k in kids), ZERO)
        ratio = node.points / share if share else ZERO
        for kid in kids:
            self._walk(kid, depth + 1, top, [*path, (node.id, ratio)])

    def leaves_under(self, node_id: int) -> list[CriterionSpec]:
        return [leaf for leaf in self.leaves if (node_id, leaf.id) in self.weight_in]

    def total_factor(self, leaf: CriterionSpec) -> Decimal:
        return self.weight_in[(self.top_of[leaf.id].id, leaf.id)] * self.to_total

    @property
    def price_leaves(self) -> list[CriterionSpec]:
        return [leaf for leaf in self.leaves if leaf.is_price]

    @property
    def qualitative_leaves(self) -> list[CriterionSpec]:
        return [leaf for leaf in self.leaves if not leaf.is_price]


@dataclass(frozen=True)
class DispersionFlag:
    bid_id: int
    criterion_id: int
    low: Decimal
    high: Decimal
    threshold: Decimal

    @property
    def spread(self) -> Decimal:
        return self.high - self.low


@dataclass(frozen=True)
class TieNote:
    bid_ids: tuple[int, ...]
    resolved: bool
    text: str


@dataclass(frozen=True)
class FormulaEffect:
    removed_bid_id: int
    before: tuple[int, ...]
    after: tuple[int, ...]


@dataclass
class Consolidation:
    leaf: dict[tuple[int, int], Decimal] = field(default_factory=dict)       # (bid, leaf) → points
    source: dict[tuple[int, int], str] = field(default_factory=dict)         # mean, median, committee, price…
    node: dict[tuple[int, int], Decimal] = field(default_factory=dict)       # (bid, criterion) → points
    totals: dict[int, Decimal] = field(default_factory=dict)
    order: list[int] = field(default_factory=list)                           # best first
    ranks: dict[int, int] = field(default_factory=dict)
    ties: list[TieNote] = field(default_factory=list)
    dispersion: list[DispersionFlag] = field(default_factory=list)
    price: dict[int, dict[int, PriceNote]] = field(default_factory=dict)     # price leaf → bid → note
    price_warnings: dict[int, list[str]] = field(default_factory=dict)
    price_refusals: dict[int, str] = field(default_factory=dict)             # price leaf → why refused
    effects: list[FormulaEffect] = field(default_factory=list)
    missing: list[tuple[int, int]] = field(default_factory=list)


def consolidate_values(values: list[Decimal], method: str) -> Decimal:
    if method == ConsolidationMethod.MEDIAN:
        return Decimal(statistics.median(values))
    return sum(values, ZERO) / len(values)


def dispersion_flags(tree: CriteriaTree, bids: list[BidSpec], evaluator_scores: dict[tuple[int, int], list[Decimal]],
                     *, threshold_percent: Decimal) -> list[DispersionFlag]:
    """Evaluators disagree when max − min exceeds ``threshold_percent`` % of the criterion's points."""
    flags = []
    for bid in bids:
        for leaf in tree.qualitative_leaves:
            values = evaluator_scores.get((bid.id, leaf.id), [])
            if len(values) < 2:
                continue
            threshold = leaf.points * threshold_percent / HUNDRED
            low, high = min(values), max(values)
            if high - low > threshold:
                flags.append(DispersionFlag(bid.id, leaf.id, low, high, threshold))
    return flags


def _sort_key(tie_break: str, total: Decimal, price: Decimal, technical: Decimal) -> tuple:
    if tie_break == TieBreak.TECHNICAL_THEN_PRICE:
        return (total, technical, price)
    return (total, price, technical)


def ordered(keys: dict[int, tuple]) -> list[int]:
    """Best first by ``keys`` (total, then the tie-break's two notes); equal keys keep their order of
    receipt (``keys``' order: a reversed sort stays stable)."""
    return sorted(keys, key=keys.__getitem__, reverse=True)


def rank(keys: dict[int, tuple], *, names: dict[int, str] | None = None, tie_break: str = ""
         ) -> tuple[list[int], dict[int, int], list[TieNote]]:
    """The order (see ``ordered``), the ranks (bids still equal share one) and the notes on ties."""
    order = ordered(keys)
    ranks, ties = {}, []
    for index, bid_id in enumerate(order):
        previous = order[index - 1] if index else None
        same = previous is not None and keys[previous] == keys[bid_id]
        ranks[bid_id] = ranks[previous] if same else index + 1
    groups: dict[Decimal, list[int]] = defaultdict(list)
    for bid_id in order:
        groups[keys[bid_id][0]].append(bid_id)
    names = names or {}
    rule = TieBreak(tie_break or TieBreak.PRICE_THEN_TECHNICAL).label
    for total, group in groups.items():
        if len(group) < 2:
            continue
        who = ", ".join(names.get(b, str(b)) for b in group)
        resolved = len({keys[b] for b in group}) == len(group)
        text = (f"Égalité à {fmt(total)} points entre {who} : départagés par la règle « {rule} »." if resolved else
                f"Égalité parfaite à {fmt(total)} points entre {who}, que la règle « {rule} » ne départage pas : "
                "la commission tranche et motive son choix.")
        ties.append(TieNote(tuple(group), resolved, text))
    return order, ranks, ties


def consolidate(*, tree: CriteriaTree, bids: list[BidSpec], evaluator_scores: dict[tuple[int, int], list[Decimal]],
                committee_scores: dict[tuple[int, int], Decimal] | None = None,
                method: str = ConsolidationMethod.MEAN, tie_break: str = TieBreak.PRICE_THEN_TECHNICAL,
                dispersion_threshold_percent: Decimal = Decimal("25"), check_effects: bool = True) -> Consolidation:
    """``evaluator_scores`` holds the notes of the evaluators who count (submitted, without conflict)
    for each (bid, qualitative leaf); ``committee_scores`` the committee's final notes, which win."""
    committee_scores = committee_scores or {}
    result = Consolidation()
    for leaf in tree.price_leaves:
        prices = {bid.id: bid.price(leaf.price_basis) for bid in bids}
        result.price[leaf.id] = price_notes(prices, formula=leaf.price_formula, max_points=leaf.points)
        result.price_warnings[leaf.id] = formula_warnings(prices, formula=leaf.price_formula)
        refusal = formula_refusal(prices, formula=leaf.price_formula, max_points=leaf.points,
                                  names={bid.id: bid.bidder for bid in bids})
        if refusal:
            result.price_refusals[leaf.id] = f"{leaf.name} : {refusal}"
        for bid in bids:
            result.leaf[(bid.id, leaf.id)] = result.price[leaf.id][bid.id].note
            result.source[(bid.id, leaf.id)] = "price"
    for bid in bids:
        for leaf in tree.qualitative_leaves:
            key = (bid.id, leaf.id)
            values = evaluator_scores.get(key, [])
            if key in committee_scores:
                result.leaf[key], result.source[key] = committee_scores[key], "committee"
            elif values:
                result.leaf[key] = round_score(min(leaf.points, consolidate_values(values, method)))
                result.source[key] = method
            else:
                result.leaf[key], result.source[key] = ZERO, "missing"
                result.missing.append(key)
    parts = _parts(tree, bids, result.leaf)
    under = {criterion.id: [(leaf.id, tree.weight_in[(criterion.id, leaf.id)])
                            for leaf in tree.leaves_under(criterion.id)] for criterion, _depth in tree.ordered}
    for bid in bids:
        for criterion_id, leaves in under.items():
            result.node[(bid.id, criterion_id)] = round_score(
                sum((result.leaf[(bid.id, leaf_id)] * weight for leaf_id, weight in leaves), ZERO))
        result.totals[bid.id] = parts[bid.id][0]
    keys = {bid.id: _sort_key(tie_break, *parts[bid.id]) for bid in bids}
    names = {bid.id: bid.bidder for bid in bids}
    result.order, result.ranks, result.ties = rank(keys, names=names, tie_break=tie_break)
    result.dispersion = dispersion_flags(tree, bids, evaluator_scores, threshold_percent=dispersion_threshold_percent)
    if check_effects:
        result.effects = formula_effects(tree, bids, result.leaf, result.order, tie_break=tie_break)
    return result


def _parts(tree: CriteriaTree, bids: list[BidSpec], leaf_scores: dict[tuple[int, int], Decimal]
           ) -> dict[int, tuple[Decimal, Decimal, Decimal]]:
    """(total, price part, technical part) of each bid, out of 100."""
    factors = [(leaf, tree.total_factor(leaf), tree.top_of[leaf.id].kind) for leaf in tree.leaves]
    parts = {}
    for bid in bids:
        total = price = technical = ZERO
        for leaf, factor, top_kind in factors:
            value = leaf_scores[(bid.id, leaf.id)] * factor
            total += value
            if leaf.is_price:
                price += value
            elif top_kind == CriterionKind.TECHNICAL:
                technical += value
        parts[bid.id] = (round_score(total), round_score(price), round_score(technical))
    return parts


def _moves_the_formula(formula: str, removed: Decimal, prices: list[Decimal]) -> bool:
    """Whether removing a bid at price ``removed`` changes the others' notes: the proportional
    formula depends on the lowest price only, the linear one on the lowest and the highest, the
    one relative to the mean on every price."""
    if formula == PriceFormula.MEAN:
        return True
    low, high = prices[0], prices[-1]
    anchors = (low,) if formula != PriceFormula.LINEAR else (low, high)
    return any(removed == anchor and prices.count(anchor) == 1 for anchor in anchors)


def formula_effects(tree: CriteriaTree, bids: list[BidSpec], leaf_scores: dict[tuple[int, int], Decimal],
                    order: list[int], *, tie_break: str) -> list[FormulaEffect]:
    """Removes, one at a time, each bid that cannot win (ranked after the first), notes the prices
    again without it and compares the order of the others: a change means the price formula lets a
    losing bid decide between the others."""
    price_leaves = tree.price_leaves
    if not price_leaves or len(bids) < 3:
        return []
    factor = {leaf.id: tree.total_factor(leaf) for leaf in tree.leaves}
    technical_leaves = [leaf for leaf in tree.qualitative_leaves
                        if tree.top_of[leaf.id].kind == CriterionKind.TECHNICAL]
    base, technical = {}, {}
    for bid in bids:
        base[bid.id] = sum((leaf_scores[(bid.id, leaf.id)] * factor[leaf.id] for leaf in tree.qualitative_leaves),
                           ZERO)
        technical[bid.id] = round_score(sum(
            (leaf_scores[(bid.id, leaf.id)] * factor[leaf.id] for leaf in technical_leaves), ZERO))
    by_id = {bid.id: bid for bid in bids}
    sorted_prices = {leaf.id: sorted(bid.price(leaf.price_basis) for bid in bids) for leaf in price_leaves}
    effects = []
    for removed in order[1:]:
        moving = [leaf for leaf in price_leaves
                  if _moves_the_formula(leaf.price_formula, by_id[removed].price(leaf.price_basis),
                                        sorted_prices[leaf.id])]
        if not moving:
            continue  # the others' notes, hence their order, stay as they are
        others = [bid for bid in bids if bid.id != removed]
        price_part = dict.fromkeys((bid.id for bid in others), ZERO)
        for leaf in price_leaves:
            notes = price_note_values({bid.id: bid.price(leaf.price_basis) for bid in others},
                                      formula=leaf.price_formula, max_points=leaf.points)
            for bid_id, note in notes.items():
                price_part[bid_id] += round_score(note) * factor[leaf.id]
        keys = {bid.id: _sort_key(tie_break, round_score(base[bid.id] + price_part[bid.id]),
                                  round_score(price_part[bid.id]), technical[bid.id]) for bid in others}
        after = ordered(keys)
        before = [bid_id for bid_id in order if bid_id != removed]
        if after != before:
            effects.append(FormulaEffect(removed, tuple(before), tuple(after)))
    return effects
