"""Numbers the French way, never in scientific notation: the one function and its template filter."""

from decimal import Decimal as D

import pytest
from django.template import Context, Template

from procurement.core.numbers import format_number

NBSP = "\u00a0"


@pytest.mark.parametrize(("value", "expected"), [
    (D("3E+1"), "30"),
    (D("4E+1"), "40"),
    (D("30.00"), "30"),
    (D("30.00").normalize(), "30"),
    (D("1E+6"), f"1{NBSP}000{NBSP}000"),
    (224165, f"224{NBSP}165"),
    (D("12.50"), "12,5"),
    (D("-1234.5"), f"-1{NBSP}234,5"),
    (D("0.0001"), "0,0001"),
    (D("-0.00"), "0"),
    (0, "0"),
    (1.5, "1,5"),
    (D("1234567.891"), f"1{NBSP}234{NBSP}567,891"),
    (None, ""),
    ("", ""),
])
def test_a_number_is_written_with_a_comma_and_thousands_separators(value, expected):
    assert format_number(value) == expected


def test_decimals_are_kept_when_asked_for_and_rounded_half_up():
    assert format_number(D("3E+1"), places=1) == "30,0"
    assert format_number(D("3.75"), places=1) == "3,8"
    assert format_number(D("1234.45"), places=1) == f"1{NBSP}234,5"


def test_no_normalized_decimal_from_a_thousandth_to_a_billion_prints_in_scientific_notation():
    values = [(D(mantissa) * D(10) ** exponent).normalize()
              for mantissa in ("1", "3", "12.5", "40.00", "99.99") for exponent in range(-3, 10)]
    assert len(values) == 65
    texts = [format_number(value) for value in values]
    assert [text for text in texts if "E" in text or "e" in text] == []
    assert all(D(text.replace(NBSP, "").replace(",", ".")) == value for text, value in zip(texts, values, strict=True))


@pytest.mark.parametrize("value", ["abc", D("NaN"), D("Infinity"), True])
def test_what_is_not_a_finite_number_is_shown_as_given(value):
    assert format_number(value) == str(value)


def test_the_template_filter_formats_like_the_function():
    template = Template("{% load procurement %}sur {{ points|number }} ; {{ uses|number }} ; {{ rate|number:1 }}")
    rendered = template.render(Context({"points": D("3E+1"), "uses": 224165, "rate": D("3.75")}))
    assert rendered == f"sur 30 ; 224{NBSP}165 ; 3,8"
