"""Price notes on worked examples (DAJ fiche « Méthodes de notation du critère prix »)."""

from decimal import Decimal as D

import pytest

from procurement.tenders.enums import PriceFormula
from procurement.tenders.evaluation.scoring import TWO_BIDS_LINEAR, formula_warnings, price_notes

PRICES = {"a": D("100000"), "b": D("120000"), "c": D("150000")}


def notes(prices, formula, nmax="40"):
    return {key: note.note for key, note in price_notes(prices, formula=formula, max_points=D(nmax)).items()}


def test_proportional_gives_nmax_times_lowest_over_price():
    assert notes(PRICES, PriceFormula.PROPORTIONAL) == {"a": D("40.00"), "b": D("33.33"), "c": D("26.67")}


def test_the_proportional_note_shows_its_formula_with_the_figures():
    explanation = price_notes(PRICES, formula=PriceFormula.PROPORTIONAL, max_points=D("40"))["b"].explanation
    assert explanation == "40,00 × 100\u202f000,00 / 120\u202f000,00 = 33,33"


def test_linear_goes_from_nmax_at_the_lowest_price_to_zero_at_the_highest():
    assert notes(PRICES, PriceFormula.LINEAR) == {"a": D("40.00"), "b": D("24.00"), "c": D("0.00")}


def test_linear_with_a_single_bid_gives_it_nmax():
    assert notes({"a": D("98000")}, PriceFormula.LINEAR) == {"a": D("40.00")}


def test_linear_with_equal_prices_gives_everyone_nmax():
    assert notes({"a": D("5000"), "b": D("5000")}, PriceFormula.LINEAR) == {"a": D("40.00"), "b": D("40.00")}


def test_relative_to_the_mean_is_capped_at_nmax_below_the_mean():
    # Mean 100 000: 90 000 would get 44, capped to 40; 110 000 gets 40 × (1 − 0.1) = 36.
    prices = {"a": D("90000"), "b": D("100000"), "c": D("110000")}
    assert notes(prices, PriceFormula.MEAN) == {"a": D("40.00"), "b": D("40.00"), "c": D("36.00")}


def test_relative_to_the_mean_never_gives_a_negative_note():
    # Mean 233 333,33: 500 000 would get 40 × (1 − 1.142857) = −5.71.
    prices = {"a": D("100000"), "b": D("100000"), "c": D("500000")}
    assert notes(prices, PriceFormula.MEAN)["c"] == D("0.00")


@pytest.mark.parametrize("formula", list(PriceFormula))
def test_the_lowest_price_always_gets_the_best_note(formula):
    prices = {"a": D("71000"), "b": D("64000"), "c": D("93500"), "d": D("64000.01")}
    result = notes(prices, formula, nmax="35")
    assert result["b"] == max(result.values()) == D("35.00")
    assert min(result.values()) >= 0


def test_with_two_bids_the_linear_formula_warns_that_it_gives_all_or_nothing():
    assert formula_warnings({"a": D("61500"), "b": D("66800")}, formula=PriceFormula.LINEAR) == [TWO_BIDS_LINEAR]
    assert formula_warnings({"a": D("61500"), "b": D("66800")}, formula=PriceFormula.PROPORTIONAL) == []
