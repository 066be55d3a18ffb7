"""Sensitivity of the winner to the weights, computed exactly (each total is linear in the weight)."""

from decimal import Decimal as D
from fractions import Fraction

from procurement.tenders.evaluation.sensitivity import TopCriterion, sensitivity

PRICE, TECHNICAL = TopCriterion(1, "Prix", D("40")), TopCriterion(2, "Valeur technique", D("60"))


def test_a_case_computed_by_hand():
    # W: price 32.40/40 (p = 0.81), technique 54/60 (p = 0.9): 86.40.
    # A: price 40/40 (p = 1), technique 41.40/60 (p = 0.69): 81.40.
    # Price at x points, technique at 100 − x:
    #   T_W(x) = 0.81 x + 0.90 (100 − x) = 90 − 0.09 x
    #   T_A(x) = 1.00 x + 0.69 (100 − x) = 69 + 0.31 x
    # Equal when 21 = 0.4 x, x = 52.5: price needs +12.5 points for A to catch up.
    scores = {"W": {1: D("32.40"), 2: D("54.00")}, "A": {1: D("40.00"), 2: D("41.40")}}
    result = sensitivity([PRICE, TECHNICAL], scores, ["W", "A"])
    price, technical = result.criteria
    assert (price.change, price.exact, price.new_points, price.overtaken_by) == (
        D("12.50"), Fraction(25, 2), D("52.50"), "A")
    assert price.label == "+12,5 points"
    assert (technical.change, technical.label) == (D("-12.50"), "−12,5 points")
    assert result.most_sensitive.name == "Prix"


def test_a_winner_best_on_every_criterion_is_stable():
    scores = {"W": {1: D("40"), 2: D("55")}, "A": {1: D("30"), 2: D("50")}}
    result = sensitivity([PRICE, TECHNICAL], scores, ["W", "A"])
    assert [item.label for item in result.criteria] == ["stable", "stable"]
    assert result.most_sensitive is None


def test_the_smallest_change_among_several_challengers_is_kept():
    environment = TopCriterion(3, "Environnement", D("20"))
    scores = {
        "W": {1: D("30"), 2: D("36"), 3: D("10")},   # 76
        "A": {1: D("40"), 2: D("24"), 3: D("10")},   # 74: closer on price
        "B": {1: D("20"), 2: D("30"), 3: D("20")},   # 70: better on environment
    }
    result = sensitivity([TopCriterion(1, "Prix", D("40")), TopCriterion(2, "Technique", D("40")), environment],
                         scores, ["W", "A", "B"])
    price = result.criteria[0]
    # Price at x, the others share 100 − x (technique and environment 2:1... both 40 and 20 → ×(100−x)/60):
    # T_W = 0.75 x + (46/60)(100 − x), T_A = x + (34/60)(100 − x): equal at x = 44.44…
    assert price.overtaken_by == "A"
    assert price.change == D("4.44")
