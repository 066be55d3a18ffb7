"""How far the winner's lead depends on the weights. For each top-level criterion j, its points
move from w to x, and the other top-level criteria's points are rescaled in proportion so that the
total stays W (100):

    T_i(x) = x · p_ij + (W − x) · O_i,   p_ij = s_ij / w_j,   O_i = Σ_{k≠j} s_ik / (W − w_j)

Each total is linear in x, so the point where another bid catches up with the winner is exact:
D(x) = T_win(x) − T_i(x) = a·x + b vanishes at x* = −b / a. Beyond it, that bid overtakes."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

POINT = Decimal("0.01")


def _decimal(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(POINT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class TopCriterion:
    id: int
    name: str
    points: Decimal


@dataclass(frozen=True)
class CriterionSensitivity:
    criterion_id: int
    name: str
    points: Decimal
    change: Decimal | None = None       # x* − w, rounded to the hundredth; None when stable
    exact: Fraction | None = None       # x* − w, exactly
    overtaken_by: int | None = None     # the bid that catches up first

    @property
    def stable(self) -> bool:
        return self.change is None

    @property
    def new_points(self) -> Decimal | None:
        return None if self.change is None else self.points + self.change

    @property
    def label(self) -> str:
        if self.change is None:
            return "stable"
        sign = "+" if self.change >= 0 else "−"
        return f"{sign}{f'{abs(self.change).normalize():f}'.replace('.', ',')} points"


@dataclass(frozen=True)
class Sensitivity:
    winner_id: int | None
    criteria: list[CriterionSensitivity] = field(default_factory=list)
    total_points: Decimal = Decimal("100")
    lines: dict[int, dict[int, tuple[Decimal, Decimal]]] = field(default_factory=dict)  # criterion → bid → ends

    @property
    def most_sensitive(self) -> CriterionSensitivity | None:
        moving = [item for item in self.criteria if not item.stable]
        return min(moving, key=lambda item: abs(item.exact)) if moving else None


def sensitivity(criteria: list[TopCriterion], scores: dict[int, dict[int, Decimal]], order: list[int]
                ) -> Sensitivity:
    """``scores[bid][criterion]`` are the points each bid obtained on each top-level criterion;
    ``order`` is the ranking, winner first."""
    if not order or not criteria:
        return Sensitivity(winner_id=order[0] if order else None)
    total = sum((Fraction(c.points) for c in criteria), Fraction(0))
    winner, others = order[0], order[1:]
    results, lines = [], {}
    for criterion in criteria:
        weight = Fraction(criterion.points)
        rest = total - weight
        if rest == 0:
            results.append(CriterionSensitivity(criterion.id, criterion.name, criterion.points))
            continue
        p = {bid: Fraction(scores[bid][criterion.id]) / weight for bid in order}
        o = {bid: sum((Fraction(scores[bid][c.id]) for c in criteria if c.id != criterion.id), Fraction(0)) / rest
             for bid in order}
        best = None
        for bid in others:
            slope = (p[winner] - p[bid]) - (o[winner] - o[bid])
            if slope == 0:
                continue
            crossing = -total * (o[winner] - o[bid]) / slope
            if 0 <= crossing <= total and (best is None or abs(crossing - weight) < abs(best[0] - weight)):
                best = (crossing, bid)
        scale = Fraction(100) / total
        lines[criterion.id] = {
            bid: (_decimal(total * o[bid] * scale), _decimal(total * p[bid] * scale)) for bid in order
        }
        if best is None:
            results.append(CriterionSensitivity(criterion.id, criterion.name, criterion.points))
        else:
            exact = best[0] - weight
            results.append(CriterionSensitivity(criterion.id, criterion.name, criterion.points,
                                                change=_decimal(exact), exact=exact, overtaken_by=best[1]))
    return Sensitivity(winner_id=winner, criteria=results, total_points=Decimal(total.numerator) / total.denominator,
                       lines=lines)
