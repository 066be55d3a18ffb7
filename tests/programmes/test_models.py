from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from procurement.programmes.enums import AuthorisationKind, BudgetSection
from procurement.programmes.models import Authority, BudgetCredit, BudgetLine
from tests.factories import UserFactory
from tests.programmes.factories import (
    AuthorityFactory,
    BudgetCreditFactory,
    BudgetLineFactory,
    ProgrammeFactory,
)

pytestmark = pytest.mark.django_db


def errors_of(instance) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict


def test_the_authorisation_is_an_ap_in_investment_and_an_ae_in_operating():
    investment = BudgetLineFactory.build(section=BudgetSection.INVESTMENT)
    operating = BudgetLineFactory.build(operating=True)
    assert investment.authorisation_kind == AuthorisationKind.AP
    assert investment.authorisation_kind_label == "autorisation de programme"
    assert operating.authorisation_kind == AuthorisationKind.AE
    assert operating.authorisation_kind_label == "autorisation d'engagement"


def test_a_line_shows_its_m57_imputation_and_its_authorisation():
    line = BudgetLineFactory.build(
        operating=True, chapter="011", article="6065", function="313",
        authorisation_reference="AE-BNM-RES", authorisation_amount_ttc=Decimal("1200000.00"),
    )
    assert line.imputation == "chap. 011 / art. 6065 / fonct. 313"
    assert line.authorisation_display == "AE AE-BNM-RES : 1\u00a0200\u00a0000,00\u00a0€"
    assert BudgetLineFactory.build(function="").imputation == "chap. 20 / art. 2031"
    assert BudgetLineFactory.build().authorisation_display == ""


def test_a_negative_credit_is_refused_in_french_and_by_the_database():
    credit = BudgetCreditFactory.build(budget_line=BudgetLineFactory(), amount_ttc=Decimal("-0.01"))
    assert errors_of(credit)[NON_FIELD_ERRORS] == ["Les crédits de paiement ne peuvent pas être négatifs."]
    with pytest.raises(IntegrityError), transaction.atomic():
        credit.save()


@pytest.mark.parametrize("year", [1999, 2101])
def test_a_year_out_of_range_is_refused_in_french_and_by_the_database(year):
    credit = BudgetCreditFactory.build(budget_line=BudgetLineFactory(), year=year)
    assert errors_of(credit)[NON_FIELD_ERRORS] == ["L'exercice doit être compris entre 2000 et 2100."]
    with pytest.raises(IntegrityError), transaction.atomic():
        credit.save()


def test_the_bounds_of_the_year_range_are_accepted():
    line = BudgetLineFactory()
    for year in (2000, 2100):
        BudgetCreditFactory.build(budget_line=line, year=year).full_clean()


def test_one_credit_per_line_and_year():
    credit = BudgetCreditFactory(year=2025)
    duplicate = BudgetCreditFactory.build(budget_line=credit.budget_line, year=2025)
    assert errors_of(duplicate)[NON_FIELD_ERRORS] == [
        "Cette ligne a déjà des crédits de paiement pour cet exercice."
    ]


def test_one_line_per_label_in_a_programme():
    line = BudgetLineFactory(label="Communication")
    duplicate = BudgetLineFactory.build(programme=line.programme, label="Communication")
    assert errors_of(duplicate)[NON_FIELD_ERRORS] == [
        "Ce programme a déjà une ligne budgétaire de ce libellé."
    ]
    # The same label in another programme is fine.
    BudgetLineFactory.build(programme=ProgrammeFactory(), label="Communication").full_clean()


def test_an_authorisation_needs_both_its_reference_and_its_amount():
    line = BudgetLineFactory.build(programme=BudgetLineFactory().programme, authorisation_reference="AP-1")
    assert errors_of(line)[NON_FIELD_ERRORS] == [
        "Une autorisation (AP ou AE) a une référence et un montant : renseignez les deux ou aucun."
    ]


def test_the_article_must_belong_to_the_class_of_the_section():
    line = BudgetLineFactory.build(programme=BudgetLineFactory().programme, operating=True, article="2031")
    assert errors_of(line)["article"] == [
        "En section fonctionnement, l'article d'une dépense commence par 6 (classe M57)."
    ]
    line = BudgetLineFactory.build(programme=line.programme, article="6065")
    assert errors_of(line)["article"] == [
        "En section investissement, l'article d'une dépense commence par 1, 2 ou 4 (classe M57)."
    ]


def test_the_credits_of_a_line_cannot_exceed_its_authorisation_when_cleaned():
    line = BudgetLineFactory(
        operating=True, authorisation_reference="AE-BNM-COM", authorisation_amount_ttc=Decimal("70000.00")
    )
    BudgetCreditFactory(budget_line=line, year=2025, amount_ttc=Decimal("35000.00"))
    credit = BudgetCreditFactory.build(budget_line=line, year=2026, amount_ttc=Decimal("35000.01"))
    assert errors_of(credit)["amount_ttc"] == [
        "Les crédits de paiement (70\u00a0000,01\u00a0€) dépassent l'autorisation d'engagement AE-BNM-COM "
        "(70\u00a0000,00\u00a0€)."
    ]
    credit.amount_ttc = Decimal("35000.00")
    credit.full_clean()


def test_an_authorisation_cannot_be_lowered_below_the_credits_when_cleaned():
    line = BudgetLineFactory(
        authorisation_reference="AP-BNM-AMO", authorisation_amount_ttc=Decimal("80000.00")
    )
    BudgetCreditFactory(budget_line=line, year=2023, amount_ttc=Decimal("16000.00"))
    BudgetCreditFactory(budget_line=line, year=2024, amount_ttc=Decimal("64000.00"))
    line.authorisation_amount_ttc = Decimal("79999.99")
    assert errors_of(line)["authorisation_amount_ttc"] == [
        "Les crédits de paiement (80\u00a0000,00\u00a0€) dépassent l'autorisation de programme AP-BNM-AMO "
        "(79\u00a0999,99\u00a0€)."
    ]


@pytest.mark.parametrize("siret", ["24999999600014", "2499999960001", "ABCDEFGHIJKLMN", ""])
def test_an_invalid_siret_is_refused(siret):
    authority = AuthorityFactory.build(siret=siret)
    assert "siret" in errors_of(authority)


def test_a_valid_siret_is_accepted_and_shown_grouped():
    authority = AuthorityFactory.build(siret="24999999600013")
    authority.full_clean()
    assert authority.siret_display == "249 999 996 00013"
    assert Authority._meta.get_field("siret").max_length == 14


@pytest.mark.parametrize(
    ("traits", "expected"),
    [
        ({"buyer": True}, {"view": True, "change": False}),
        ({"finance": True}, {"view": True, "change": False}),
        ({"evaluator": True}, {"view": False, "change": False}),
        ({"admin": True}, {"view": True, "change": True}),
    ],
)
def test_abilities_follow_the_groups(traits, expected):
    user = UserFactory(**traits)
    line = BudgetLineFactory()
    assert line.programme.get_abilities(user) == expected
    assert line.get_abilities(user) == expected
    assert BudgetCredit(budget_line=line).get_abilities(user) == expected
    assert line.programme.authority.get_abilities(user) == expected


def test_nobody_anonymous_has_abilities():
    from django.contrib.auth.models import AnonymousUser

    assert BudgetLine().get_abilities(AnonymousUser()) == {"view": False, "change": False}
