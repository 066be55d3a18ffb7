from decimal import Decimal

from procurement.contracts.enums import AmendmentBasis
from procurement.contracts.rules.advances import advance_amount, advance_rule, order_advance_rule
from procurement.contracts.rules.amendments import AmendmentLimits, check_amendment
from procurement.contracts.rules.thresholds import direct_payment

LIMITS_SERVICES = AmendmentLimits(eu_threshold=Decimal("216000"), de_minimis_share=Decimal("10"),
                                  max_share=Decimal("50"), cao_share=Decimal("5"))
ADVANCE = {"min_amount": Decimal("50000"), "min_months": Decimal("2"), "min_rate": Decimal("5"),
           "sme_rate": Decimal("10")}


def check(basis, change, *, previous=(), initial="200000", limits=LIMITS_SERVICES, through_cao=False,
          cao=False, justification="Motif.", new_holder=False):
    return check_amendment(basis=basis, change_ht=Decimal(change), previous_changes=[Decimal(p) for p in previous],
                           initial_ht=Decimal(initial), limits=limits, through_cao=through_cao,
                           cao_opinion_recorded=cao, has_new_holder=new_holder, justification=justification)


def test_the_advance_is_mandatory_above_50_000_euros_and_two_months():
    rule = advance_rule(amount_ht=Decimal("50000.01"), duration_months=3, sme_rate_applies=False, **ADVANCE)
    assert rule.required and rule.min_rate == Decimal("5.00")
    assert not advance_rule(amount_ht=Decimal("50000"), duration_months=12, sme_rate_applies=False, **ADVANCE).required
    assert not advance_rule(amount_ht=Decimal("90000"), duration_months=2, sme_rate_applies=False, **ADVANCE).required


def test_an_sme_of_a_large_buyer_gets_at_least_10_percent():
    rule = advance_rule(amount_ht=Decimal("61500"), duration_months=12, sme_rate_applies=True, **ADVANCE)
    assert rule.min_rate == Decimal("10.00")


def test_the_advance_is_computed_on_the_initial_amount_ttc():
    # R.2191-7: 5 % of 120 000 € HT at 20 % VAT, i.e. of 144 000 € TTC
    assert advance_amount(amount_ht=Decimal("120000"), vat_rate=Decimal("20"), rate=Decimal("5"),
                          duration_months=12) == Decimal("7200.00")


def test_beyond_twelve_months_the_advance_is_computed_on_twelve_months():
    # 10 % × 12 × (76 500 × 1,2) / 18
    assert advance_amount(amount_ht=Decimal("76500"), vat_rate=Decimal("20"), rate=Decimal("10"),
                          duration_months=18) == Decimal("6120.00")
    assert advance_amount(amount_ht=Decimal("61500"), vat_rate=Decimal("5.5"), rate=Decimal("10"),
                          duration_months=12) == Decimal("6488.25")


def test_a_framework_order_above_50_000_euros_carries_its_own_advance():
    rule = order_advance_rule(amount_ht=Decimal("50000.01"), sme_rate_applies=False, **ADVANCE)
    assert rule.required and rule.min_rate == Decimal("5.00")
    assert "dépasse 2 mois (CCP R.2191-3)" in rule.reason and "montant TTC" in rule.reason
    assert not order_advance_rule(amount_ht=Decimal("50000"), sme_rate_applies=False, **ADVANCE).required


def test_a_de_minimis_change_below_10_percent_passes():
    result = check(AmendmentBasis.DE_MINIMIS, "19999.99")
    assert result.refusals == []
    assert result.cumulated_ht == Decimal("19999.99")


def test_de_minimis_changes_are_cumulated_and_refused_at_10_percent_with_another_basis_proposed():
    result = check(AmendmentBasis.DE_MINIMIS, "8000", previous=["12000"])
    assert result.cumulated_share == Decimal("10.00")
    [(field, message)] = result.refusals
    assert field == "basis"
    assert "10\u00a0%" in message and "R.2194-9" in message and "autre base" in message and "R.2194-2" in message


def test_a_decrease_counts_in_the_cumulated_amount():
    assert check(AmendmentBasis.DE_MINIMIS, "10000", previous=["-10000"]).refusals != []


def test_de_minimis_is_also_capped_by_the_eu_threshold():
    result = check(AmendmentBasis.DE_MINIMIS, "216000", initial="5000000")
    assert result.cumulated_share < Decimal("10")
    assert result.refusals and "seuil européen" in result.refusals[0][1]


def test_works_have_a_15_percent_de_minimis():
    works = AmendmentLimits(eu_threshold=Decimal("5404000"), de_minimis_share=Decimal("15"),
                            max_share=Decimal("50"), cao_share=Decimal("5"))
    assert check(AmendmentBasis.DE_MINIMIS, "28000", limits=works).refusals == []
    assert check(AmendmentBasis.DE_MINIMIS, "30000", limits=works).refusals != []


def test_additional_services_and_unforeseeable_circumstances_are_capped_at_50_percent_each():
    assert check(AmendmentBasis.ADDITIONAL_SERVICES, "100000").refusals == []
    assert check(AmendmentBasis.UNFORESEEABLE, "100000", previous=["90000"]).refusals == []
    [(field, message)] = check(AmendmentBasis.ADDITIONAL_SERVICES, "100000.01").refusals
    assert field == "amount_change_ht" and "limitée à 50\u00a0%" in message


def test_a_rise_above_5_percent_of_a_cao_contract_needs_the_cao_opinion():
    refused = check(AmendmentBasis.DE_MINIMIS, "10001", through_cao=True)
    assert refused.cao_opinion_needed
    assert [field for field, _ in refused.refusals] == ["cao_opinion_on"]
    assert check(AmendmentBasis.DE_MINIMIS, "10001", through_cao=True, cao=True).refusals == []
    assert check(AmendmentBasis.DE_MINIMIS, "10000", through_cao=True).refusals == []  # exactly 5 %
    assert check(AmendmentBasis.DE_MINIMIS, "10001", through_cao=False).refusals == []


def test_the_cao_opinion_counts_the_cumulated_increase_of_all_amendments():
    assert check(AmendmentBasis.DE_MINIMIS, "8000", through_cao=True).refusals == []  # +4 %
    second = check(AmendmentBasis.DE_MINIMIS, "8000", previous=["8000"], through_cao=True)  # +4 % then +4 %
    assert second.cao_opinion_needed
    [(field, message)] = second.refusals
    assert field == "cao_opinion_on" and "8\u00a0%" in message and "L.1414-4" in message
    assert check(AmendmentBasis.DE_MINIMIS, "8000", previous=["8000"], through_cao=True, cao=True).refusals == []
    # a decrease in between keeps the cumulated increase at or under 5 %: no opinion
    assert not check(AmendmentBasis.DE_MINIMIS, "8000", previous=["8000", "-6000"], through_cao=True).cao_opinion_needed
    # a decrease never needs it
    assert not check(AmendmentBasis.DE_MINIMIS, "-1000", previous=["12000"], through_cao=True).cao_opinion_needed


def test_a_new_holder_amendment_names_the_new_holder_and_other_bases_are_justified():
    assert [f for f, _ in check(AmendmentBasis.NEW_HOLDER, "0").refusals] == ["new_holder"]
    assert check(AmendmentBasis.NEW_HOLDER, "0", new_holder=True).refusals == []
    assert [f for f, _ in check(AmendmentBasis.NON_SUBSTANTIAL, "0", justification=" ").refusals] == ["justification"]


def test_direct_payment_from_600_euros_ttc():
    assert direct_payment(amount_ttc=Decimal("600.00"), threshold_ttc=Decimal("600"))
    assert not direct_payment(amount_ttc=Decimal("599.99"), threshold_ttc=Decimal("600"))
