from decimal import Decimal

import pytest

from procurement.contracts.enums import CoefficientRounding
from procurement.contracts.rules.pricing import RevisionError, revise, revision_coefficient


def test_the_worked_revision_gives_a_coefficient_of_1_0425_and_104_250_euros():
    # P = P0 × (a + b × I / I0) = 100 000 × (0,15 + 0,85 × 315 / 300) = 100 000 × 1,0425
    result = revise(base_price=Decimal("100000.00"), fixed_part=Decimal("0.15"), index=Decimal("315.0"),
                    base_index=Decimal("300.0"), decimals=4)
    assert result.variable_part == Decimal("0.85")
    assert result.coefficient == Decimal("1.0425")
    assert result.price == Decimal("104250.00")


def test_the_coefficient_is_rounded_half_up_to_the_clause_s_decimals():
    # 0,15 + 0,85 × 300,6 / 297,5 = 1,008856… → 1,0089 with four decimals, 1,009 with three
    raw, rounded = revision_coefficient(fixed_part=Decimal("0.15"), index=Decimal("300.6"),
                                        base_index=Decimal("297.5"), decimals=4)
    assert raw.quantize(Decimal("0.000001")) == Decimal("1.008857")
    assert rounded == Decimal("1.0089")
    assert revision_coefficient(fixed_part=Decimal("0.15"), index=Decimal("300.6"), base_index=Decimal("297.5"),
                                decimals=3)[1] == Decimal("1.009")


def test_truncation_and_rounding_up_follow_the_clause():
    values = {"fixed_part": Decimal("0.15"), "index": Decimal("300.6"), "base_index": Decimal("297.5"), "decimals": 4}
    assert revision_coefficient(rounding=CoefficientRounding.DOWN, **values)[1] == Decimal("1.0088")
    assert revision_coefficient(rounding=CoefficientRounding.UP, **values)[1] == Decimal("1.0089")


def test_the_revised_price_is_rounded_to_the_cent_after_the_coefficient():
    result = revise(base_price=Decimal("52500.00"), fixed_part=Decimal("0.15"), index=Decimal("300.6"),
                    base_index=Decimal("297.5"), decimals=4)
    assert result.price == Decimal("52967.25")  # 52 500 × 1,0089


def test_without_fixed_part_the_price_follows_the_index():
    result = revise(base_price=Decimal("1000.00"), fixed_part=Decimal("0"), index=Decimal("310"),
                    base_index=Decimal("300"), decimals=4)
    assert result.coefficient == Decimal("1.0333")
    assert result.price == Decimal("1033.30")


@pytest.mark.parametrize("fixed_part", [Decimal("1"), Decimal("-0.1")])
def test_a_fixed_part_outside_0_to_1_is_refused(fixed_part):
    with pytest.raises(RevisionError, match="partie fixe"):
        revision_coefficient(fixed_part=fixed_part, index=Decimal("310"), base_index=Decimal("300"), decimals=4)
