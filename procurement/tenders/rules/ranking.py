"""The consolidated ranking of a lot, as plain values: what the evaluation computes and what the
letters, the reports and the award read. Filled by the evaluation (``procurement.tenders.evaluation``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class CriterionScore:
    criterion_id: int
    name: str
    max_points: Decimal      # the criterion's weight, in points out of 100
    score: Decimal           # the points obtained, 0 ≤ score ≤ max_points, two decimals


@dataclass(frozen=True)
class RankedBid:
    bid_id: int
    bidder: str
    siret: str
    total: Decimal           # out of 100, two decimals
    rank: int                # from 1; equal totals are split by the tender's tie-break rule
    criteria: list[CriterionScore] = field(default_factory=list)


@dataclass(frozen=True)
class LotRanking:
    lot_id: int
    tender_reference: str
    lot_number: int
    lot_title: str
    ranked: list[RankedBid]  # best first
    final: bool              # False while the blind round is open

    @property
    def winner(self) -> RankedBid | None:
        return self.ranked[0] if self.ranked else None
