from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from procurement.core.enums import ReferenceKind
from procurement.core.models import ReferenceValue
from procurement.core.selectors import (
    ReferenceValueMissing,
    reference_confirmed,
    reference_flag,
    reference_value,
    unconfirmed_reference_values,
)

pytestmark = pytest.mark.django_db

EU = ReferenceKind.EU_THRESHOLD_SUPPLIES_SERVICES_SUBCENTRAL


@pytest.mark.parametrize(
    ("day", "threshold"),
    [
        (date(2022, 1, 1), "215000"),
        (date(2023, 12, 31), "215000"),
        (date(2024, 1, 1), "221000"),
        (date(2025, 12, 31), "221000"),
        (date(2026, 1, 1), "216000"),
        (date(2026, 11, 25), "216000"),
        (date(2027, 12, 31), "216000"),
    ],
)
def test_the_eu_threshold_is_the_one_in_force_at_the_date(day, threshold):
    assert reference_value(EU, at=day) == Decimal(threshold)


def test_the_dispense_threshold_rises_to_60000_on_1_april_2026():
    kind = ReferenceKind.DISPENSE_THRESHOLD_SUPPLIES_SERVICES
    assert reference_value(kind, at=date(2026, 3, 31)) == Decimal("40000")
    assert reference_value(kind, at=date(2026, 4, 1)) == Decimal("60000")


def test_the_environmental_criterion_is_required_from_21_august_2026():
    kind = ReferenceKind.ENVIRONMENTAL_CRITERION_REQUIRED
    assert reference_flag(kind, at=date(2026, 8, 20)) is False
    assert reference_flag(kind, at=date(2026, 8, 21)) is True


def test_a_date_without_a_value_in_force_says_so_in_french():
    with pytest.raises(ReferenceValueMissing, match=r"Aucune valeur .* n'est en vigueur au 01/01/2028"):
        reference_value(EU, at=date(2028, 1, 1))


def test_a_new_period_may_not_overlap_the_previous_one():
    clash = ReferenceValue(kind=EU, value=Decimal("220000"), valid_from=date(2027, 6, 1), source="essai")
    with pytest.raises(ValidationError) as error:
        clash.full_clean()
    assert "chevauche" in error.value.message_dict["valid_from"][0]


def test_a_new_period_after_the_last_one_is_accepted_and_used():
    ReferenceValue(kind=EU, value=Decimal("219000"), valid_from=date(2028, 1, 1), source="essai").full_clean()
    ReferenceValue.objects.create(kind=EU, value=Decimal("219000"), valid_from=date(2028, 1, 1), source="essai")
    assert reference_value(EU, at=date(2028, 1, 1)) == Decimal("219000")


def test_the_database_refuses_a_period_that_ends_before_it_starts():
    with pytest.raises(IntegrityError):
        ReferenceValue.objects.create(
            kind=EU, value=1, valid_from=date(2030, 1, 2), valid_to=date(2030, 1, 1), source="essai"
        )


def test_every_seeded_value_has_a_source():
    assert not ReferenceValue.objects.filter(source="").exists()
    assert ReferenceValue.objects.count() >= 60


@pytest.mark.parametrize(
    ("day", "threshold"),
    [(date(2020, 7, 23), "40000"), (date(2020, 7, 24), "70000"), (date(2020, 12, 7), "70000"),
     (date(2020, 12, 8), "100000")],
)
def test_the_works_dispense_was_70000_from_24_july_to_7_december_2020(day, threshold):
    assert reference_value(ReferenceKind.DISPENSE_THRESHOLD_WORKS, at=day) == Decimal(threshold)


def test_the_sme_retention_cap_and_advance_follow_their_decrees():
    with pytest.raises(ReferenceValueMissing):  # décret 2024-1251: not before 1 April 2025
        reference_value(ReferenceKind.RETENTION_MAX_RATE_SME, at=date(2025, 3, 31))
    assert reference_value(ReferenceKind.RETENTION_MAX_RATE_SME, at=date(2025, 4, 1)) == Decimal("3")
    assert "2024-1251" in ReferenceValue.objects.get(kind=ReferenceKind.RETENTION_MAX_RATE_SME).source
    # décret 2019-1344: from 2020, not 2022
    assert reference_value(ReferenceKind.ADVANCE_MIN_RATE_SME, at=date(2020, 6, 1)) == Decimal("10")


def test_the_ecb_rate_of_2026_h2_is_to_confirm():
    assert not reference_confirmed(ReferenceKind.ECB_MAIN_RATE, at=date(2026, 7, 1))
    assert reference_confirmed(ReferenceKind.ECB_MAIN_RATE, at=date(2026, 6, 30))
    assert [(row.kind, row.valid_from) for row in unconfirmed_reference_values()] == [
        ("ecb_main_rate", date(2026, 7, 1))]
