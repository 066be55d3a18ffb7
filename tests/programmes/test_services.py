from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from procurement.programmes.enums import AuthorityKind, BudgetSection
from procurement.programmes.models import Authority, BudgetCredit, BudgetLine
from procurement.programmes.services import (
    authority_upsert,
    budget_credit_set,
    budget_credits_set,
    budget_line_upsert,
    programme_upsert,
)
from tests.programmes.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


@pytest.fixture
def resources_line(staff_user):
    """« Ressources en ligne »: AE-BNM-RES of 1 200 000 € with 300 000 € voted in 2025, 2026 and 2027."""
    line = budget_line_upsert(by=staff_user,
        programme=ProgrammeFactory(reference="BNM"), label="Ressources en ligne",
        section=BudgetSection.OPERATING, chapter="011", article="6065", function="313",
        authorisation_reference="AE-BNM-RES", authorisation_amount_ttc="1200000",
    )
    budget_credits_set(by=staff_user, budget_line=line, amounts={2025: "300000", 2026: "300000", 2027: "300000"})
    return line


def stored_credits(line) -> dict[int, Decimal]:
    return dict(BudgetCredit.objects.filter(budget_line=line).values_list("year", "amount_ttc"))


def test_credits_over_the_authorisation_are_refused_and_nothing_is_saved(resources_line, staff_user):
    before = stored_credits(resources_line)
    with pytest.raises(ValidationError) as caught:
        budget_credits_set(by=staff_user, budget_line=resources_line, amounts={2027: "250000", 2028: "400000"})
    assert caught.value.message_dict["amount_ttc"] == [
        f"Les crédits de paiement (1{NBSP}250{NBSP}000,00{NBSP}€) dépassent l'autorisation d'engagement "
        f"AE-BNM-RES (1{NBSP}200{NBSP}000,00{NBSP}€)."
    ]
    assert stored_credits(resources_line) == before == {
        2025: Decimal("300000.00"), 2026: Decimal("300000.00"), 2027: Decimal("300000.00"),
    }


def test_credits_up_to_the_authorisation_are_accepted(resources_line, staff_user):
    credit = budget_credit_set(by=staff_user, budget_line=resources_line, year=2028, amount_ttc="300000.00")
    assert credit.pk and credit.amount_ttc == Decimal("300000.00")
    assert sum(stored_credits(resources_line).values()) == Decimal("1200000.00")


def test_one_more_cent_over_an_ap_is_refused_with_its_name(staff_user):
    line = budget_line_upsert(by=staff_user,
        programme=ProgrammeFactory(), label="Études AMO", section=BudgetSection.INVESTMENT,
        chapter="20", article="2031", function="313",
        authorisation_reference="AP-BNM-AMO", authorisation_amount_ttc=Decimal("80000"),
    )
    budget_credit_set(by=staff_user, budget_line=line, year=2023, amount_ttc=Decimal("16000"))
    with pytest.raises(ValidationError) as caught:
        budget_credit_set(by=staff_user, budget_line=line, year=2024, amount_ttc=Decimal("64000.01"))
    assert caught.value.messages == [
        f"Les crédits de paiement (80{NBSP}000,01{NBSP}€) dépassent l'autorisation de programme "
        f"AP-BNM-AMO (80{NBSP}000,00{NBSP}€)."
    ]
    assert list(stored_credits(line)) == [2023]


def test_credits_can_move_between_years_within_the_authorisation(resources_line, staff_user):
    budget_credits_set(by=staff_user, budget_line=resources_line, amounts={2025: "200000", 2028: "400000"})
    assert stored_credits(resources_line) == {
        2025: Decimal("200000.00"), 2026: Decimal("300000.00"), 2027: Decimal("300000.00"),
        2028: Decimal("400000.00"),
    }


def test_replace_removes_the_years_not_given(resources_line, staff_user):
    budget_credits_set(by=staff_user, budget_line=resources_line, amounts={2026: "600000"}, replace=True)
    assert stored_credits(resources_line) == {2026: Decimal("600000.00")}
    assert BudgetCredit.history.filter(history_type="-").count() == 2


def test_a_line_without_authorisation_takes_any_yearly_credit(staff_user):
    line = budget_line_upsert(by=staff_user,
        programme=ProgrammeFactory(), label="Construction du portail", section=BudgetSection.INVESTMENT,
        chapter="20", article="2051", function="313",
    )
    credit = budget_credit_set(by=staff_user, budget_line=line, year=2025, amount_ttc="350000")
    assert credit.amount_ttc == Decimal("350000.00")


def test_an_authorisation_cannot_be_lowered_below_the_credits(resources_line, staff_user):
    with pytest.raises(ValidationError) as caught:
        budget_line_upsert(by=staff_user,
            programme=resources_line.programme, label="Ressources en ligne", section=BudgetSection.OPERATING,
            chapter="011", article="6065", function="313",
            authorisation_reference="AE-BNM-RES", authorisation_amount_ttc="899999.99",
        )
    assert caught.value.message_dict["authorisation_amount_ttc"] == [
        f"Les crédits de paiement (900{NBSP}000,00{NBSP}€) dépassent l'autorisation d'engagement "
        f"AE-BNM-RES (899{NBSP}999,99{NBSP}€)."
    ]
    resources_line.refresh_from_db()
    assert resources_line.authorisation_amount_ttc == Decimal("1200000.00")


def test_a_negative_credit_is_refused_and_nothing_is_saved(resources_line, staff_user):
    with pytest.raises(ValidationError) as caught:
        budget_credits_set(by=staff_user, budget_line=resources_line, amounts={2025: "100000", 2028: "-1"})
    assert caught.value.message_dict[NON_FIELD_ERRORS] == [
        "Les crédits de paiement ne peuvent pas être négatifs."
    ]
    assert stored_credits(resources_line)[2025] == Decimal("300000.00")


def test_a_year_out_of_range_is_refused(resources_line, staff_user):
    with pytest.raises(ValidationError) as caught:
        budget_credit_set(by=staff_user, budget_line=resources_line, year=1999, amount_ttc="1")
    assert caught.value.message_dict[NON_FIELD_ERRORS] == ["L'exercice doit être compris entre 2000 et 2100."]


def test_a_float_or_a_non_amount_is_refused(resources_line, staff_user):
    with pytest.raises(ValidationError) as caught:
        budget_credit_set(by=staff_user, budget_line=resources_line, year=2028, amount_ttc=1.5)
    assert caught.value.message_dict["amount_ttc"] == [
        "Un montant doit être un décimal exact, pas un nombre flottant."
    ]
    with pytest.raises(ValidationError):
        budget_credit_set(by=staff_user, budget_line=resources_line, year=2028, amount_ttc="beaucoup")


def test_amounts_are_rounded_half_up_to_the_cent(resources_line, staff_user):
    credit = budget_credit_set(by=staff_user, budget_line=resources_line, year=2028, amount_ttc="10.005")
    credit.refresh_from_db()
    assert credit.amount_ttc == Decimal("10.01")


def test_changes_are_kept_in_the_history(resources_line, staff_user):
    budget_credit_set(by=staff_user, budget_line=resources_line, year=2025, amount_ttc="250000")
    credit = BudgetCredit.objects.get(budget_line=resources_line, year=2025)
    assert [h.amount_ttc for h in credit.history.order_by("history_date")] == [
        Decimal("300000.00"), Decimal("250000.00"),
    ]
    assert resources_line.history.count() == 1


def test_upserts_match_by_natural_key(staff_user):
    authority = authority_upsert(by=staff_user,
        siret="249 999 996 00013", name="Métropole de Rivemont", street="1 place de la Métropole",
        postal_code="37100", city="Rivemont", kind=AuthorityKind.METROPOLE, large_operating_budget=True,
    )
    assert authority.siret == "24999999600013"
    again = authority_upsert(by=staff_user,
        siret="24999999600013", name="Métropole de Rivemont", street="2 place de la Métropole",
        postal_code="37100", city="Rivemont", kind=AuthorityKind.METROPOLE, large_operating_budget=True,
    )
    assert again.pk == authority.pk and Authority.objects.get().street == "2 place de la Métropole"

    programme = programme_upsert(by=staff_user, reference="BNM", name="Bibliothèque", authority=authority)
    renamed = programme_upsert(by=staff_user,
        reference="BNM", name="Bibliothèque numérique métropolitaine", authority=authority,
        envelope_ttc="500000",
    )
    assert renamed.pk == programme.pk and renamed.envelope_ttc == Decimal("500000.00")

    line = budget_line_upsert(by=staff_user,
        programme=programme, label="Communication", section="operating", chapter="011", article="6231",
    )
    same = budget_line_upsert(by=staff_user,
        programme=programme, label="Communication", section="operating", chapter="011", article="6231",
        function="313",
    )
    assert same.pk == line.pk and BudgetLine.objects.count() == 1


def test_an_invalid_programme_is_refused_in_french(staff_user):
    authority = authority_upsert(by=staff_user,
        siret="24999999600013", name="Métropole de Rivemont", street="1 place de la Métropole",
        postal_code="37100", city="Rivemont", kind=AuthorityKind.METROPOLE,
    )
    with pytest.raises(ValidationError) as caught:
        programme_upsert(by=staff_user, reference="bnm", name="x", authority=authority, start_year=2028, end_year=2025)
    errors = caught.value.message_dict
    assert errors["reference"] == ["Une référence s'écrit en majuscules, chiffres et tirets (ex. BNM)."]
    assert errors[NON_FIELD_ERRORS] == ["L'année de fin du programme doit suivre son année de début."]
