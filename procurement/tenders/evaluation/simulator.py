"""The price-note simulator: for a set of prices (and optionally technical notes), the notes, totals
and ranking under each price formula, with the warnings, computed by the evaluation's own functions
(``consolidate`` over a criteria tree built for the simulation): never a second formula."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from procurement.tenders.enums import CriterionKind, PriceFormula
from procurement.tenders.evaluation import scoring
from procurement.tenders.evaluation.consolidation import BidSpec, CriteriaTree, CriterionSpec, consolidate
from procurement.tenders.evaluation.report_pdf import effect_text
from procurement.tenders.evaluation.scoring import ZERO, fmt, formula_warnings

HUNDRED = Decimal("100")
PRICE_ID, TECHNICAL_ID, OTHER_ID = 1, 2, 3


class SimulationError(ValueError):
    """Input the simulator cannot use; the message is French and names the field."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class FormulaSimulation:
    formula: str
    label: str
    notes: list[Decimal] = field(default_factory=list)       # in the order the prices were given
    totals: list[Decimal] | None = None
    ranking: list[int] = field(default_factory=list)         # rank of each price, from 1
    warnings: list[str] = field(default_factory=list)
    refused: str = ""

    def as_dict(self) -> dict:
        data = {"formula": self.formula, "label": self.label}
        if self.refused:
            return {**data, "refused": self.refused, "warnings": self.warnings}
        return {**data, "notes": [f"{note:.2f}" for note in self.notes],
                "totals": None if self.totals is None else [f"{total:.2f}" for total in self.totals],
                "ranking": self.ranking, "warnings": self.warnings}


def formula_refusal(prices: dict[int, Decimal], *, formula: str, max_points: Decimal) -> str:
    """Why ``formula`` may not be used for these prices ("" when it may): the evaluation's own rule."""
    return scoring.formula_refusal(prices, formula=formula, max_points=max_points)


def _check(prices: Sequence[Decimal], points: Decimal, technical: Sequence[Decimal] | None,
           technical_points: Decimal | None) -> None:
    if not prices:
        raise SimulationError("Aucun prix : indiquez au moins un prix.", field="prices")
    for number, price in enumerate(prices, start=1):
        if price <= 0:
            raise SimulationError(f"Prix n° {number} : {fmt(price)} € n'est pas un prix strictement positif.",
                                  field="prices")
    if not ZERO < points <= HUNDRED:
        raise SimulationError("Les points du prix doivent être compris entre 0 (exclu) et 100.", field="points")
    if technical is None:
        return
    if len(technical) != len(prices):
        raise SimulationError(f"{len(technical)} note(s) technique(s) pour {len(prices)} prix : indiquez une note "
                              "technique par prix, dans le même ordre.", field="technical")
    if technical_points is None or technical_points <= 0:
        raise SimulationError("Les points de la valeur technique doivent être strictement positifs.",
                              field="technical_points")
    if points + technical_points > HUNDRED:
        raise SimulationError(f"Prix et valeur technique totalisent {fmt(points + technical_points)} points, "
                              "plus de 100.", field="technical_points")
    for number, note in enumerate(technical, start=1):
        if not ZERO <= note <= technical_points:
            raise SimulationError(f"Note technique n° {number} : {fmt(note)} n'est pas comprise entre 0 et "
                                  f"{fmt(technical_points)}.", field="technical")


def simulate_price_notes(*, prices: Sequence[Decimal], points: Decimal, technical: Sequence[Decimal] | None = None,
                         technical_points: Decimal | None = None,
                         formulas: Sequence[str] = tuple(PriceFormula.values)) -> list[FormulaSimulation]:
    """One result per formula. Without technical notes the totals are None and the ranking is the
    price notes'. With them, the other criteria (100 − price − technical points) count 0 for every bid."""
    if technical is not None and technical_points is None:
        technical_points = HUNDRED - points
    _check(prices, points, technical, technical_points)
    ids = list(range(1, len(prices) + 1))
    bids = [BidSpec(id=i, bidder=f"n° {i}", siret="", amount_ht=price) for i, price in zip(ids, prices, strict=True)]
    names = {i: f"n° {i} ({fmt(price)} €)" for i, price in zip(ids, prices, strict=True)}
    by_id = dict(zip(ids, prices, strict=True))
    results = []
    for formula in formulas:
        label = str(PriceFormula(formula).label)
        refusal = formula_refusal(by_id, formula=formula, max_points=points)
        if refusal:
            results.append(FormulaSimulation(formula, label, warnings=[refusal], refused=refusal))
            continue
        criteria = [CriterionSpec(PRICE_ID, "Prix", CriterionKind.PRICE, points, price_formula=formula)]
        committee = {}
        if technical is not None:
            criteria.append(CriterionSpec(TECHNICAL_ID, "Valeur technique", CriterionKind.TECHNICAL,
                                          technical_points, position=2))
            committee = {(i, TECHNICAL_ID): note for i, note in zip(ids, technical, strict=True)}
            rest = HUNDRED - points - technical_points
            if rest:
                criteria.append(CriterionSpec(OTHER_ID, "Autres critères", CriterionKind.DELAY, rest, position=3))
                committee |= {(i, OTHER_ID): ZERO for i in ids}
        result = consolidate(tree=CriteriaTree(criteria), bids=bids, evaluator_scores={}, committee_scores=committee)
        warnings = formula_warnings(by_id, formula=formula)
        warnings += [effect_text(effect, names) for effect in result.effects]
        results.append(FormulaSimulation(
            formula, label,
            notes=[result.price[PRICE_ID][i].note for i in ids],
            totals=None if technical is None else [result.totals[i] for i in ids],
            ranking=[result.ranks[i] for i in ids],
            warnings=warnings,
        ))
    return results
