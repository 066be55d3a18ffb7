"""French number formatting has one home, ``format_number``: amounts in euros, percentages, notes in
the explanations, scores in the documents, index coefficients, trends and the limits in error
messages all go through it."""

from decimal import Decimal as D

from django.template import Context, Template

from procurement.core.money import format_eur
from procurement.core.numbers import NBSP, THIN_SPACE, format_number
from procurement.resources.presentation import trend_text
from procurement.tenders.evaluation.scoring import fmt
from procurement.tenders.services.document_context import score


def test_thousands_may_be_grouped_with_the_narrow_no_break_space():
    assert format_number(D("1234567.891"), places=2, space=THIN_SPACE) == f"1{THIN_SPACE}234{THIN_SPACE}567,89"
    assert format_number(100_000_000, space=THIN_SPACE) == f"100{THIN_SPACE}000{THIN_SPACE}000"


def test_euros_are_the_number_to_the_cent_then_the_euro_sign():
    assert format_eur(D("1234.565")) == f"1{NBSP}234,57{NBSP}€"
    assert format_eur(D("-1234567.5"), cents=False) == f"-1{NBSP}234{NBSP}568{NBSP}€"
    assert format_eur(D("-0.004")) == f"0,00{NBSP}€"
    assert format_eur("12,5") == f"12,50{NBSP}€"


def test_notes_in_explanations_have_two_decimals_and_narrow_spaces():
    assert fmt(D("100000")) == f"100{THIN_SPACE}000,00"
    assert fmt(D("33.335")) == "33,34"
    assert fmt(D("0")) == "0,00"


def test_scores_in_documents_have_two_decimals():
    assert score(D("37.8")) == "37,80"
    assert score(D("1234.5")) == f"1{NBSP}234,50"


def test_trends_have_a_sign_and_one_decimal():
    assert trend_text(D("23.4")) == f"+23,4{NBSP}%"
    assert trend_text(D("8.0")) == f"+8,0{NBSP}%"
    assert trend_text(D("-3.5")) == f"-3,5{NBSP}%"
    assert trend_text(None) == "—"


def test_index_coefficients_keep_their_significant_decimals():
    rendered = Template("{% load contracts %}{{ c|decimal_fr }}|{{ n|decimal_fr }}").render(
        Context({"c": D("1.04250"), "n": None})
    )
    assert rendered == "1,0425|"
