from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from procurement.contracts.enums import GroupKind, GuaranteeKind, RenewalMode
from procurement.contracts.services.contracts import contract_create, contract_update
from procurement.tenders.enums import LotState
from procurement.tenders.models import Lot
from tests.contracts.factories import ContractFactory, awarded_lot
from tests.programmes.factories import AuthorityFactory, ProgrammeFactory
from tests.vendors.factories import VendorFactory

pytestmark = pytest.mark.django_db


def metropole_programme():
    return ProgrammeFactory(authority=AuthorityFactory(metropole=True))


def test_a_contract_takes_the_winner_amount_duration_and_vat_of_the_awarded_lot(buyer):
    lot = awarded_lot(amount_ht=Decimal("98000.00"), vat_rate=Decimal("5.5"))
    contract = contract_create(lot=lot, by=buyer, start_date=date(2026, 3, 2))
    assert contract.reference == f"{lot.tender.reference}-L1"
    assert (contract.holder, contract.amount_ht, contract.vat_rate) == (lot.winner.vendor, Decimal("98000.00"),
                                                                        Decimal("5.50"))
    assert (contract.duration_months, contract.renewal_mode, contract.state) == (12, RenewalMode.NONE, "to_sign")
    assert contract.period_end == date(2027, 3, 1)
    assert contract.rejection_letters_sent_on is None  # no letters generated in this test


def test_the_mandatory_advance_is_granted_at_10_percent_to_an_sme_of_a_metropole(buyer):
    lot = awarded_lot(amount_ht=Decimal("61500.00"), vendor=VendorFactory(sme=True), programme=metropole_programme())
    contract = contract_create(lot=lot, by=buyer, start_date=date(2026, 3, 2))
    assert (contract.advance_granted, contract.advance_rate) == (True, Decimal("10.00"))


def test_a_framework_takes_the_lot_estimate_as_yearly_maximum_over_every_period(buyer):
    lot = awarded_lot(is_framework=True, renewals=3, estimated_amount_ht=Decimal("120000.00"))
    contract = contract_create(lot=lot, by=buyer, start_date=date(2026, 4, 1))
    assert (contract.yearly_maximum_ht, contract.maximum_ht) == (Decimal("120000.00"), Decimal("480000.00"))
    assert (contract.renewal_mode, contract.max_renewals, contract.total_months) == (RenewalMode.TACIT, 3, 48)
    assert contract.period_end == date(2027, 3, 31)
    assert contract.renewal_deadline == date(2026, 12, 31)  # the period's end minus 3 months of notice
    assert contract.amount_ht is None and not contract.advance_granted


def test_only_an_awarded_lot_gives_a_contract_and_only_one(buyer):
    lot = awarded_lot()
    contract_create(lot=lot, by=buyer, start_date=date(2026, 3, 2))
    with pytest.raises(ValidationError, match="déjà son marché"):
        contract_create(lot=lot, by=buyer, start_date=date(2026, 3, 2), reference="AUTRE-01")
    evaluating = awarded_lot()
    Lot.objects.filter(pk=evaluating.pk).update(state=LotState.EVALUATING)
    with pytest.raises(ValidationError, match="lot attribué"):
        contract_create(lot=evaluating, by=buyer, start_date=date(2026, 3, 2))


def test_the_contract_id_has_at_most_16_characters(buyer):
    with pytest.raises(ValidationError) as refused:
        contract_create(lot=awarded_lot(), by=buyer, start_date=date(2026, 3, 2), reference="MARCHE-2026-00001")
    assert "16" in refused.value.message_dict["reference"][0]


def test_a_framework_cannot_last_more_than_four_years(buyer):
    lot = awarded_lot(is_framework=True, renewals=4)
    with pytest.raises(ValidationError) as refused:
        contract_create(lot=lot, by=buyer, start_date=date(2026, 4, 1))
    assert refused.value.message_dict["max_renewals"] == [
        "Un accord-cadre dure 4 ans au plus (R.2162-4) : 12 mois, plus 4 reconduction(s) de 12 mois, font 60 mois."]


def test_a_framework_without_maximum_is_refused(buyer):
    contract = ContractFactory(framework=True)
    with pytest.raises(ValidationError) as refused:
        contract_update(contract=contract, by=buyer, maximum_ht=None, yearly_maximum_ht=None)
    assert "R.2162-4" in refused.value.message_dict["maximum_ht"][0]


def test_a_mandatory_advance_must_be_granted_or_declined(buyer):
    contract = ContractFactory()  # 98 000 € HT over 12 months
    with pytest.raises(ValidationError) as refused:
        contract_update(contract=contract, by=buyer, advance_granted=False, advance_rate=None)
    assert "Avance obligatoire" in refused.value.message_dict["advance_granted"][0]
    declined = contract_update(contract=contract, by=buyer, advance_granted=False, advance_rate=None,
                               advance_declined=True)
    assert declined.advance_declined


def test_an_advance_below_the_sme_minimum_is_refused(buyer):
    lot = awarded_lot(vendor=VendorFactory(sme=True), programme=metropole_programme())
    contract = ContractFactory(lot=lot)
    with pytest.raises(ValidationError) as refused:
        contract_update(contract=contract, by=buyer, advance_rate=Decimal("5"))
    assert refused.value.message_dict["advance_rate"] == [
        "Le taux de l'avance (5\u00a0%) est inférieur au minimum de 10\u00a0% pour ce titulaire (R.2191-7)."]


def test_retention_money_is_capped_at_3_percent_for_an_sme_of_a_large_buyer(buyer):
    lot = awarded_lot(vendor=VendorFactory(sme=True), programme=metropole_programme())
    contract = ContractFactory(lot=lot, advance_rate=Decimal("10"))
    with pytest.raises(ValidationError) as refused:
        contract_update(contract=contract, by=buyer, guarantee_kind=GuaranteeKind.RETENTION,
                        retention_rate=Decimal("5"))
    assert "3\u00a0%" in refused.value.message_dict["retention_rate"][0]
    updated = contract_update(contract=contract, by=buyer, guarantee_kind=GuaranteeKind.RETENTION,
                              retention_rate=Decimal("3"))
    assert updated.retention_rate == Decimal("3")


def test_a_group_has_its_representative_and_other_members(buyer):
    contract = ContractFactory()
    member = VendorFactory()
    with pytest.raises(ValidationError, match="au moins un autre membre"):
        contract_update(contract=contract, by=buyer, group_kind=GroupKind.JOINT_AND_SEVERAL, co_holders=[])
    grouped = contract_update(contract=contract, by=buyer, group_kind=GroupKind.JOINT_AND_SEVERAL, co_holders=[member])
    assert list(grouped.co_holders.all()) == [member]


def test_the_terms_of_a_signed_contract_change_only_by_amendment(buyer):
    contract = ContractFactory(notified=True)
    with pytest.raises(ValidationError, match="par avenant"):
        contract_update(contract=contract, by=buyer, amount_ht=Decimal("99000"))


def test_maintenance_from_acceptance_starts_at_its_first_anniversary(buyer):
    from procurement.contracts.enums import MaintenanceStart
    from procurement.contracts.services.contracts import acceptance_record

    contract = ContractFactory(notified=True, duration_months=48, maintenance_yearly_ht=Decimal("52500.00"),
                               maintenance_start=MaintenanceStart.ACCEPTANCE)
    assert contract.maintenance_starts_on is None
    assert contract.initial_amount_ht == Decimal("255500.00")  # 98 000 + at most 3 years of maintenance
    with pytest.raises(ValidationError, match="suit le début d'exécution"):
        acceptance_record(contract=contract, accepted_on=date(2026, 3, 1), by=buyer)
    accepted = acceptance_record(contract=contract, accepted_on=date(2026, 12, 15), by=buyer)
    assert accepted.maintenance_starts_on == date(2027, 12, 15)
    assert (accepted.maintenance_years, accepted.initial_amount_ht) == (2, Decimal("255500.00"))


def test_the_budget_line_belongs_to_the_tender_s_programme(buyer):
    from tests.programmes.factories import BudgetLineFactory

    programme = metropole_programme()
    contract = ContractFactory(lot=awarded_lot(programme=programme))
    with pytest.raises(ValidationError) as refused:
        contract_update(contract=contract, by=buyer, budget_line=BudgetLineFactory())
    assert refused.value.message_dict["budget_line"] == [
        "Cette ligne budgétaire appartient à un autre programme que la consultation."]
    line = BudgetLineFactory(programme=programme, operating=True)
    assert contract_update(contract=contract, by=buyer, budget_line=line).budget_line == line
