"""Price notes on worked examples (DAJ fiche « Méthodes de notation du critère prix »)."""

from decimal import Decimal as D

import pytest

from procurement.tenders.enums import PriceFormula
from procurement.tenders.evaluation.scoring import (
    TWO_BIDS_LINEAR,
    PriceNotPositive,
    formula_refusal,
    formula_warnings,
    price_notes,
)

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


# Relative gap to the lowest price, zero and negative prices, formulas that neutralise the gaps ---------


def test_the_relative_gap_to_the_lowest_price_gives_the_worked_example():
    # Pmin 200, P 235, max 40: 40 × (1 − 35 / 200) = 33
    result = price_notes({"a": D("200"), "b": D("235")}, formula=PriceFormula.RELATIVE_GAP, max_points=D("40"))
    assert (result["a"].note, result["b"].note) == (D("40.00"), D("33.00"))
    assert result["b"].explanation == "40,00 × (1 − (235,00 − 200,00) / 200,00) = 33,00"


def test_the_relative_gap_is_floored_at_zero_and_says_so():
    result = price_notes({"a": D("200"), "b": D("500")}, formula=PriceFormula.RELATIVE_GAP, max_points=D("40"))
    assert result["b"].note == D("0.00")
    assert result["b"].explanation == ("40,00 × (1 − (500,00 − 200,00) / 200,00), négative donc ramenée à 0 "
                                       "(une note n'est jamais négative) = 0,00")


@pytest.mark.parametrize("formula", list(PriceFormula))
@pytest.mark.parametrize("bad", ["0", "-100"])
def test_every_formula_refuses_a_price_at_or_below_zero(formula, bad):
    with pytest.raises(PriceNotPositive, match="nul ou négatif"):
        price_notes({"a": D(bad), "b": D("1000")}, formula=formula, max_points=D("40"))


def test_the_mean_formula_capped_at_the_top_note_is_refused_when_it_lets_the_dearest_win():
    # CE 3 Nov 2014, n° 373362: three bids from 100 k€ to 130 k€ all got 40/40.
    prices = {"a": D("100000"), "b": D("115000"), "c": D("130000"), "d": D("200000")}
    assert notes(prices, PriceFormula.MEAN)["a"] == notes(prices, PriceFormula.MEAN)["c"] == D("40.00")
    reason = formula_refusal(prices, formula=PriceFormula.MEAN, max_points=D("40"),
                             names={"a": "Alpha", "b": "Beta"})
    assert reason.startswith("Formule refusée pour ces offres : les prix de 100\u202f000,00 € et de "
                             "115\u202f000,00 € (Alpha et Beta) obtiennent 40,00 et 40,00 points")
    assert "CE, 3 novembre 2014, n° 373362" in reason


def test_formulas_whose_notes_strictly_decrease_are_accepted():
    prices = {"a": D("100000"), "b": D("115000"), "c": D("130000"), "d": D("100000")}  # equal prices tie
    for formula in (PriceFormula.PROPORTIONAL, PriceFormula.LINEAR, PriceFormula.RELATIVE_GAP):
        assert formula_refusal(prices, formula=formula, max_points=D("40")) == ""


def test_the_relative_gap_floored_at_zero_for_two_bids_is_refused():
    prices = {"a": D("100"), "b": D("250"), "c": D("300")}  # both above twice the lowest: 0 and 0
    assert formula_refusal(prices, formula=PriceFormula.RELATIVE_GAP, max_points=D("40")).startswith(
        "Formule refusée pour ces offres : les prix de 250,00 € et de 300,00 €")
