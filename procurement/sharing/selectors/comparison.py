"""Each member's share of the same year and cost under two keys, the difference, and who gains and who
loses most."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from procurement.sharing.enums import CostBasis
from procurement.sharing.models import Agreement, Member, SharingKey
from procurement.sharing.rules import SharingRefused, percent
from procurement.sharing.selectors.costs import year_cost
from procurement.sharing.selectors.shares import MemberShare, Sharing, check_year, shares


@dataclass(frozen=True)
class MemberComparison:
    member: Member
    first: MemberShare
    second: MemberShare

    @property
    def difference_ttc(self) -> Decimal:
        """What the member pays more (positive) or less (negative) under the second key."""
        return self.second.share_ttc - self.first.share_ttc

    @property
    def difference_percent(self) -> Decimal | None:
        """The difference out of the first share, in percent; None when the first share is nothing."""
        return percent(self.difference_ttc, self.first.share_ttc) if self.first.share_ttc else None


@dataclass(frozen=True)
class Comparison:
    year: int
    first: Sharing
    second: Sharing
    rows: list[MemberComparison]  # in the agreement's order

    @property
    def total_ttc(self) -> Decimal:
        return self.first.total_ttc

    @property
    def gainers(self) -> list[MemberComparison]:
        """The members who pay less under the second key, the largest saving first."""
        return sorted((row for row in self.rows if row.difference_ttc < 0), key=lambda row: row.difference_ttc)

    @property
    def losers(self) -> list[MemberComparison]:
        """The members who pay more under the second key, the largest increase first."""
        return sorted((row for row in self.rows if row.difference_ttc > 0), key=lambda row: -row.difference_ttc)


def compare_keys(*, agreement: Agreement, year: int, first: str | SharingKey | None,
                 second: str | SharingKey | None, basis: str = CostBasis.COMMITTED) -> Comparison:
    """Each member's share under two keys for the same year and cost; refused (naming the key) when
    either key cannot divide it."""
    check_year(agreement, year)
    cost = year_cost(agreement=agreement, year=year, basis=basis)
    results = []
    for key in (first, second):
        try:
            results.append(shares(agreement=agreement, year=year, key=key, basis=basis, cost=cost))
        except SharingRefused as refusal:
            name = key.name if isinstance(key, SharingKey) else key
            raise SharingRefused(f"Clé « {name} » : {refusal.reason}" if name else refusal.reason) from refusal
    one, two = results
    rows = [MemberComparison(member=a.member, first=a, second=b)
            for a, b in zip(one.members, two.members, strict=True)]
    return Comparison(year=year, first=one, second=two, rows=rows)
