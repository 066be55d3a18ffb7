"""Consolidation in pure Python: mean or median, the criteria tree out of 100, the tie-break, the
dispersion flag and the price formula's effect on the ranking of the others."""

from decimal import Decimal as D

from procurement.tenders.enums import ConsolidationMethod, PriceBasis, PriceFormula, TieBreak
from procurement.tenders.evaluation.consolidation import BidSpec, CriteriaTree, CriterionSpec, consolidate

PRICE = CriterionSpec(1, "Prix", "price", D("40"), price_formula=PriceFormula.PROPORTIONAL)
TECHNICAL = CriterionSpec(2, "Valeur technique", "technical", D("45"), position=2)
CATALOGUE = CriterionSpec(3, "Catalogue", "technical", D("30"), parent_id=2)
SUPPORT = CriterionSpec(4, "Accompagnement", "technical", D("15"), parent_id=2, position=2)
ENVIRONMENT = CriterionSpec(5, "Environnement", "environmental", D("15"), position=3)
TREE = CriteriaTree([PRICE, TECHNICAL, CATALOGUE, SUPPORT, ENVIRONMENT])


def bid(key, amount, ttc=None):
    return BidSpec(key, f"Candidat {key}", "", D(amount), D(ttc) if ttc else None)


def scores(**cells):
    """scores(a_3=("26", "27", "28")) → {(a, 3): [26, 27, 28]}."""
    return {(name.split("_")[0], int(name.split("_")[1])): [D(v) for v in values] for name, values in cells.items()}


NOTES = scores(a_3=("26", "27", "28"), a_4=("12", "12", "12"), a_5=("8", "9", "8.5"),
               b_3=("28", "28", "28"), b_4=("14", "14", "14"), b_5=("12", "12", "12"))


def test_the_mean_of_the_evaluators_through_the_tree_gives_a_total_out_of_100():
    result = consolidate(tree=TREE, bids=[bid("a", "100000"), bid("b", "125000")], evaluator_scores=NOTES)
    assert result.totals == {"a": D("87.50"), "b": D("86.00")}
    assert result.node[("a", 2)] == D("39.00")     # Valeur technique = Catalogue 27 + Accompagnement 12
    assert result.node[("b", 1)] == D("32.00")     # 40 × 100 000 / 125 000
    assert (result.order, result.ranks) == (["a", "b"], {"a": 1, "b": 2})


def test_the_median_ignores_an_outlier():
    notes = {**NOTES, ("a", 3): [D("26"), D("27"), D("10")]}
    mean = consolidate(tree=TREE, bids=[bid("a", "100000")], evaluator_scores=notes)
    median = consolidate(tree=TREE, bids=[bid("a", "100000")], evaluator_scores=notes,
                         method=ConsolidationMethod.MEDIAN)
    assert (mean.leaf[("a", 3)], median.leaf[("a", 3)]) == (D("21.00"), D("26.00"))


def test_sub_criteria_are_weighted_to_their_parents_points():
    # Sub-criteria written on 10 points each under a parent of 45: each counts 45/20.
    tree = CriteriaTree([PRICE, TECHNICAL, ENVIRONMENT,
                         CriterionSpec(3, "Catalogue", "technical", D("10"), parent_id=2),
                         CriterionSpec(4, "Accompagnement", "technical", D("10"), parent_id=2, position=2)])
    notes = scores(a_3=("8",), a_4=("6",), a_5=("15",))
    result = consolidate(tree=tree, bids=[bid("a", "100")], evaluator_scores=notes)
    assert result.node[("a", 2)] == D("31.50")     # (8 + 6) × 45 / 20
    assert result.totals["a"] == D("86.50")


def test_the_committee_note_replaces_the_consolidated_one():
    result = consolidate(tree=TREE, bids=[bid("a", "100000")], evaluator_scores=NOTES,
                         committee_scores={("a", 5): D("10")})
    assert (result.leaf[("a", 5)], result.source[("a", 5)], result.totals["a"]) == (D("10"), "committee", D("89.00"))


def test_ties_are_split_by_the_best_price_note_then_the_best_technical_note():
    # Both total 80: a has 40 on price, b 32 on price but more on technique.
    notes = scores(a_3=("20",), a_4=("10",), a_5=("10",), b_3=("28",), b_4=("10",), b_5=("10",))
    bids = [bid("b", "125000"), bid("a", "100000")]
    by_price = consolidate(tree=TREE, bids=bids, evaluator_scores=notes)
    assert by_price.totals == {"a": D("80.00"), "b": D("80.00")}
    assert (by_price.order, by_price.ranks) == (["a", "b"], {"a": 1, "b": 2})
    assert by_price.ties[0].resolved
    by_technique = consolidate(tree=TREE, bids=bids, evaluator_scores=notes, tie_break=TieBreak.TECHNICAL_THEN_PRICE)
    assert by_technique.order == ["b", "a"]


def test_a_perfect_tie_shares_the_rank_and_asks_the_committee_to_decide():
    notes = scores(a_3=("20",), a_4=("10",), a_5=("10",), b_3=("20",), b_4=("10",), b_5=("10",))
    result = consolidate(tree=TREE, bids=[bid("a", "100000"), bid("b", "100000")], evaluator_scores=notes)
    assert result.ranks == {"a": 1, "b": 1}
    assert not result.ties[0].resolved
    assert "la commission tranche" in result.ties[0].text


def test_dispersion_is_flagged_beyond_25_percent_of_the_criterion_points():
    # Accompagnement /15: the threshold is 3.75 points; 12 − 8 = 4 is flagged, 26 to 28 on /30 is not.
    notes = {**NOTES, ("a", 4): [D("12"), D("8"), D("11")]}
    result = consolidate(tree=TREE, bids=[bid("a", "100000"), bid("b", "125000")], evaluator_scores=notes)
    [flag] = result.dispersion
    assert (flag.bid_id, flag.criterion_id, flag.spread, flag.threshold) == ("a", 4, D("4"), D("3.75"))


def test_the_dispersion_threshold_is_configurable():
    notes = {**NOTES, ("a", 4): [D("12"), D("8"), D("11")]}
    result = consolidate(tree=TREE, bids=[bid("a", "100000")], evaluator_scores=notes,
                         dispersion_threshold_percent=D("30"))
    assert result.dispersion == []


def test_a_bid_that_cannot_win_changes_the_order_of_the_others_through_the_linear_formula():
    # Price 40 linear, technique 60. With C: A 40 + 30 = 70, B 36 + 36 = 72, C 0 + 50 = 50: B before A.
    # Without C the highest price is B's: A 40 + 30 = 70, B 0 + 36 = 36: A before B.
    tree = CriteriaTree([CriterionSpec(1, "Prix", "price", D("40"), price_formula=PriceFormula.LINEAR),
                         CriterionSpec(2, "Valeur technique", "technical", D("60"), position=2)])
    notes = scores(a_2=("30",), b_2=("36",), c_2=("50",))
    result = consolidate(tree=tree, bids=[bid("a", "100000"), bid("b", "110000"), bid("c", "200000")],
                         evaluator_scores=notes)
    assert result.order == ["b", "a", "c"]
    [effect] = result.effects
    assert (effect.removed_bid_id, effect.before, effect.after) == ("c", ("b", "a"), ("a", "b"))


def test_the_proportional_formula_does_not_let_an_expensive_losing_bid_change_the_order():
    tree = CriteriaTree([CriterionSpec(1, "Prix", "price", D("40"), price_formula=PriceFormula.PROPORTIONAL),
                         CriterionSpec(2, "Valeur technique", "technical", D("60"), position=2)])
    notes = scores(a_2=("30",), b_2=("36",), c_2=("50",))
    result = consolidate(tree=tree, bids=[bid("a", "100000"), bid("b", "110000"), bid("c", "200000")],
                         evaluator_scores=notes)
    assert result.effects == []


def test_prices_are_compared_ttc_where_the_lot_says_so():
    price_ttc = CriterionSpec(1, "Prix", "price", D("40"), price_formula=PriceFormula.PROPORTIONAL,
                              price_basis=PriceBasis.TTC)
    tree = CriteriaTree([price_ttc, CriterionSpec(2, "Valeur technique", "technical", D("60"), position=2)])
    notes = scores(a_2=("30",), b_2=("30",))
    # HT a is cheaper; with VAT at 20 % against 5.5 %, b is cheaper TTC.
    result = consolidate(tree=tree, bids=[bid("a", "100000", "120000"), bid("b", "105000", "110775")],
                         evaluator_scores=notes)
    assert result.leaf[("b", 1)] == D("40.00")
    assert result.leaf[("a", 1)] == D("36.93")
    assert result.order == ["b", "a"]


def test_a_missing_note_counts_zero_and_is_listed():
    result = consolidate(tree=TREE, bids=[bid("a", "100000")], evaluator_scores={})
    assert result.totals["a"] == D("40.00")
    assert len(result.missing) == 3
