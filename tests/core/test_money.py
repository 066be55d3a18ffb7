from decimal import Decimal

import pytest

from procurement.core.money import (
    Amount,
    MoneyError,
    amount_in_words,
    format_eur,
    format_percent,
    ht_from_ttc,
    round_money,
    to_decimal,
)

NBSP = "\u00a0"


def test_amounts_are_formatted_the_french_way():
    assert format_eur(Decimal("1234.56")) == f"1{NBSP}234,56{NBSP}€"
    assert format_eur(Decimal("1200000")) == f"1{NBSP}200{NBSP}000,00{NBSP}€"
    assert format_eur(Decimal("-52500.5")) == f"-52{NBSP}500,50{NBSP}€"
    assert format_eur(Decimal("0.4")) == f"0,40{NBSP}€"
    assert format_eur(Decimal("507500"), cents=False) == f"507{NBSP}500{NBSP}€"


def test_rounding_is_half_up_to_the_cent():
    assert round_money(Decimal("2.675")) == Decimal("2.68")  # a float would give 2.67
    assert round_money(Decimal("0.005")) == Decimal("0.01")
    assert round_money(Decimal("-0.005")) == Decimal("-0.01")


def test_ttc_is_derived_from_ht_and_the_vat_rate():
    ebooks = Amount(ht=Decimal("300000"), vat_rate=Decimal("5.5"))
    assert ebooks.vat == Decimal("16500.00")
    assert ebooks.ttc == Decimal("316500.00")
    press = Amount(ht=Decimal("1234.57"), vat_rate=Decimal("2.1"))
    assert press.ttc == Decimal("1260.50")  # 25.93 of VAT, rounded half-up


def test_ht_from_ttc():
    assert ht_from_ttc(Decimal("420000"), Decimal("20")) == Decimal("350000.00")


def test_floats_are_refused():
    with pytest.raises(MoneyError, match="flottant"):
        to_decimal(0.1)


def test_french_strings_are_parsed():
    assert to_decimal(f"1{NBSP}234,56 €") == Decimal("1234.56")
    with pytest.raises(MoneyError, match="n'est pas un montant"):
        to_decimal("douze")
    with pytest.raises(MoneyError):
        to_decimal("NaN")


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("507500", "cinq cent sept mille cinq cents euros"),
        ("1234.50", "mille deux cent trente-quatre euros et cinquante centimes"),
        ("1200000", "un million deux cent mille euros"),
        ("2000000", "deux millions d'euros"),
        ("1.01", "un euro et un centime"),
    ],
)
def test_amounts_in_words(amount, words):
    assert amount_in_words(Decimal(amount)) == words


def test_percent_format():
    assert format_percent(Decimal("5.50")) == f"5,5{NBSP}%"
