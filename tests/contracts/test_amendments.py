from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from procurement.contracts.enums import AmendmentBasis
from procurement.contracts.models import Amendment
from procurement.contracts.selectors.contracts import amended_amount
from procurement.contracts.services.amendments import amendment_create
from procurement.tenders.enums import Nature, Procedure
from tests.contracts.factories import ContractFactory, awarded_lot
from tests.tenders.factories import paris
from tests.vendors.factories import VendorFactory

pytestmark = pytest.mark.django_db


def amend(contract, basis, change, by, **extra):
    extra.setdefault("justification", "Besoin apparu en cours d'exécution.")
    return amendment_create(contract=contract, basis=basis, object="Prestations complémentaires",
                            amount_change_ht=Decimal(change), signed_on=date(2026, 6, 1), by=by, **extra)


def errors(contract, basis, change, by, **extra) -> dict:
    with pytest.raises(ValidationError) as refused:
        amend(contract, basis, change, by, **extra)
    return refused.value.message_dict


@pytest.fixture
def mapa_contract():
    """98 000 € HT, services, passed in MAPA (no CAO)."""
    return ContractFactory(notified=True, lot=awarded_lot(procedure=Procedure.MAPA))


def test_de_minimis_amendments_are_cumulated_against_the_initial_amount(mapa_contract, buyer):
    first = amend(mapa_contract, AmendmentBasis.DE_MINIMIS, "4900.00", buyer)
    second = amend(mapa_contract, AmendmentBasis.DE_MINIMIS, "4800.00", buyer)
    assert (first.number, first.change_share, first.cumulated_share) == (1, Decimal("5.00"), Decimal("5.00"))
    assert (second.number, second.cumulated_share) == (2, Decimal("9.90"))  # 9 700 / 98 000
    assert amended_amount(mapa_contract) == Decimal("107700.00")
    assert "10\u00a0%" in errors(mapa_contract, AmendmentBasis.DE_MINIMIS, "100.00", buyer)["basis"][0]  # 9 800


def test_exceeding_de_minimis_is_refused_for_that_basis_and_invites_another(mapa_contract, buyer):
    amend(mapa_contract, AmendmentBasis.DE_MINIMIS, "5000.00", buyer)
    [message] = errors(mapa_contract, AmendmentBasis.DE_MINIMIS, "4800.00", buyer)["basis"]
    assert message.startswith(
        "Le cumul des modifications atteindrait 9\u00a0800,00\u00a0€ HT, soit 10\u00a0% du montant initial")
    assert "Fondez cet avenant sur une autre base" in message
    assert Amendment.objects.filter(contract=mapa_contract).count() == 1
    other = amend(mapa_contract, AmendmentBasis.ADDITIONAL_SERVICES, "4800.00", buyer)
    assert other.cumulated_share == Decimal("10.00")


def test_works_allow_15_percent_de_minimis(buyer):
    contract = ContractFactory(notified=True, lot=awarded_lot(procedure=Procedure.MAPA, nature=Nature.WORKS))
    assert amend(contract, AmendmentBasis.DE_MINIMIS, "14000.00", buyer).change_share == Decimal("14.29")
    assert "15\u00a0%" in errors(contract, AmendmentBasis.DE_MINIMIS, "800.00", buyer)["basis"][0]


@pytest.mark.parametrize("basis", [AmendmentBasis.ADDITIONAL_SERVICES, AmendmentBasis.UNFORESEEABLE])
def test_additional_services_and_unforeseeable_changes_are_limited_to_half_each(mapa_contract, buyer, basis):
    assert amend(mapa_contract, basis, "49000.00", buyer).change_share == Decimal("50.00")
    message = errors(mapa_contract, basis, "49000.01", buyer)["amount_change_ht"][0]
    assert "limitée à 50\u00a0%" in message


def test_a_cao_contract_needs_the_cao_opinion_above_5_percent(buyer):
    contract = ContractFactory(notified=True)  # open procedure: the CAO chose the holder
    [message] = errors(contract, AmendmentBasis.DE_MINIMIS, "4900.01", buyer)["cao_opinion_on"]
    assert message.startswith("Avec cette modification, les avenants augmentent le montant de 5\u00a0% au total")
    assert "CGCT L.1414-4" in message
    amendment = amend(contract, AmendmentBasis.DE_MINIMIS, "4900.01", buyer, cao_opinion_on=date(2026, 5, 20),
                      cao_opinion_reference="CAO du 20/05/2026, avis favorable")
    assert amendment.cao_opinion_on == date(2026, 5, 20)
    assert amend(contract, AmendmentBasis.DE_MINIMIS, "-1000.00", buyer).number == 2  # a decrease needs no opinion


def test_two_rises_of_4_percent_need_the_cao_opinion_at_the_second(buyer):
    contract = ContractFactory(notified=True)  # open procedure, initial amount 98,000 € HT
    assert amend(contract, AmendmentBasis.DE_MINIMIS, "3920.00", buyer).number == 1  # +4 %: no opinion
    [message] = errors(contract, AmendmentBasis.DE_MINIMIS, "3920.00", buyer)["cao_opinion_on"]
    assert message.startswith("Avec cette modification, les avenants augmentent le montant de 8\u00a0% au total")
    assert contract.amendments.count() == 1


def test_the_cao_opinion_precedes_the_amendment(buyer):
    contract = ContractFactory(notified=True)
    refused = errors(contract, AmendmentBasis.DE_MINIMIS, "6000.00", buyer, cao_opinion_on=date(2026, 6, 2),
                     cao_opinion_reference="CAO")
    assert refused["__all__"] == ["L'avis de la CAO précède la signature de l'avenant."]


def test_a_new_holder_amendment_changes_the_holder(mapa_contract, buyer):
    assert "nouveau titulaire" in errors(mapa_contract, AmendmentBasis.NEW_HOLDER, "0", buyer)["new_holder"][0]
    successor = VendorFactory(name="Lectura Prêt Numérique SAS (absorbante)")
    amend(mapa_contract, AmendmentBasis.NEW_HOLDER, "0", buyer, new_holder=successor)
    mapa_contract.refresh_from_db()
    assert mapa_contract.holder == successor


def test_only_an_executing_contract_is_amended(buyer):
    with pytest.raises(ValidationError, match="notifié ou reconduit"):
        amend(ContractFactory(), AmendmentBasis.DE_MINIMIS, "1000.00", buyer)


def test_the_cao_opinion_recorded_with_its_meeting_gives_the_amendment_its_date_and_reference(buyer):
    from procurement.tenders.services.cao import cao_opinion_record
    from tests.tenders.cao_factories import cao_chooses

    contract = ContractFactory(notified=True)  # open procedure: the CAO chose the holder
    meeting = cao_chooses(contract.lot, contract.lot.winner, held_at=paris(2026, 5, 20, 14, 0)).meeting
    opinion = cao_opinion_record(by=buyer, meeting=meeting, lot=contract.lot, subject="Extension du périmètre",
                                 amount_change_ht=Decimal("4900.01"))
    amendment = amend(contract, AmendmentBasis.DE_MINIMIS, "4900.01", buyer, cao_opinion=opinion)
    assert (amendment.cao_opinion, amendment.cao_opinion_on) == (opinion, date(2026, 5, 20))
    assert amendment.cao_opinion_reference == "CAO du 20/05/2026, avis favorable"
