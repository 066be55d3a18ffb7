"""The three published detection methods on worked examples. Detection only: nothing is rejected."""

from decimal import Decimal as D

from procurement.tenders.enums import AbnormallyLowMethod
from procurement.tenders.evaluation.abnormally_low import OabParameters, detect, method_description


def flagged(amounts, method, **params):
    return [flag.key for flag in detect({k: D(v) for k, v in amounts.items()},
                                        OabParameters(method=method, **params))]


def test_reduced_mean_sets_aside_bids_above_1_2_times_the_mean_then_flags_10_percent_below_the_new_mean():
    # Mean 112 000; 200 000 > 134 400 is set aside; new mean 90 000; threshold 81 000.
    amounts = {"a": "100000", "b": "95000", "c": "105000", "d": "60000", "e": "200000"}
    assert flagged(amounts, AbnormallyLowMethod.REDUCED_MEAN) == ["d"]


def test_reduced_mean_explains_its_figures():
    flag = detect({"a": D("47800"), "b": D("52000"), "c": D("38000")})[0]
    assert flag.key == "c"
    assert flag.threshold.quantize(D("0.01")) == D("41340.00")
    assert "moyenne réduite de 45\u202f933,33 €" in flag.explanation


def test_mean_minus_one_standard_deviation():
    # Mean 90 000, population standard deviation √300 000 000 ≈ 17 320,51: threshold 72 679,49.
    amounts = {"a": "100000", "b": "100000", "c": "100000", "d": "60000"}
    assert flagged(amounts, AbnormallyLowMethod.MEAN_MINUS_SD) == ["d"]
    # Two standard deviations: threshold 55 358,98.
    assert flagged(amounts, AbnormallyLowMethod.MEAN_MINUS_SD, sd_factor=D("2")) == []


def test_the_lowest_bid_gap_flags_the_lowest_bid_40_percent_below_the_mean_of_the_others():
    assert flagged({"a": "50000", "b": "100000", "c": "110000"}, AbnormallyLowMethod.LOWEST_BID_GAP) == ["a"]


def test_the_lowest_bid_gap_flags_the_lowest_bid_30_percent_below_the_next_one():
    # 69 000 is only 31 % below the others' mean (100 500) but 31 % below the next bid (100 000).
    assert flagged({"a": "69000", "b": "100000", "c": "101000"}, AbnormallyLowMethod.LOWEST_BID_GAP) == ["a"]
    assert flagged({"a": "80000", "b": "100000", "c": "105000"}, AbnormallyLowMethod.LOWEST_BID_GAP) == []


def test_a_single_bid_is_never_flagged():
    assert flagged({"a": "1000"}, AbnormallyLowMethod.REDUCED_MEAN) == []


def test_the_thresholds_are_configurable():
    amounts = {"a": "100000", "b": "100000", "c": "88000"}
    assert flagged(amounts, AbnormallyLowMethod.REDUCED_MEAN) == []
    assert flagged(amounts, AbnormallyLowMethod.REDUCED_MEAN, gap_percent=D("5")) == ["c"]


def test_the_lowest_bid_gap_is_named_by_what_it_computes():
    params = OabParameters(method=AbnormallyLowMethod.LOWEST_BID_GAP)
    assert AbnormallyLowMethod.LOWEST_BID_GAP.label == "Écart de l'offre la plus basse avec les autres offres"
    assert method_description(params) == (
        "Écart de l'offre la plus basse avec les autres offres : elle est signalée si elle est inférieure d'au moins "
        "40,00 % à la moyenne des autres offres, ou d'au moins 30,00 % à l'offre classée juste après elle.")


def test_the_default_method_flags_an_extreme_bid_by_the_gap_to_the_next_one_and_says_so():
    # 10 / 100 / 110: mean 73,33, ceiling 88 sets 100 and 110 aside, the reduced mean is 10 itself.
    [flag] = detect({"a": D("10"), "b": D("100"), "c": D("110")})
    assert flag.key == "a"
    assert flag.explanation == ("Règle de l'écart avec l'offre suivante : 10,00 € est inférieure d'au moins "
                                "30,00 % à l'offre suivante (100,00 €, seuil 70,00 €).")


def test_the_default_method_flags_the_lower_of_two_far_apart_bids():
    assert flagged({"a": "50000", "b": "100000"}, AbnormallyLowMethod.REDUCED_MEAN) == ["a"]
    assert flagged({"a": "90000", "b": "100000"}, AbnormallyLowMethod.REDUCED_MEAN) == []


def test_a_bid_flagged_by_both_rules_names_both():
    # Mean 112 000; 200 000 set aside; new mean 90 000; 60 000 < 81 000 and ≤ 70 % of 95 000.
    [flag] = detect({"a": D("100000"), "b": D("95000"), "c": D("105000"), "d": D("60000"), "e": D("200000")})
    assert flag.explanation.startswith("Règle de la moyenne réduite : 60\u202f000,00 € < 81\u202f000,00 €")
    assert "Règle de l'écart avec l'offre suivante : 60\u202f000,00 €" in flag.explanation
