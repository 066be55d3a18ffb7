"""The authorisation to sign: a delegation or a deliberation of the council that covers the contract's
amount, the day of signature and its object, checked by the ``signed`` transition."""

from datetime import date
from decimal import Decimal as D

import pytest

from procurement.contracts.services.transitions import TransitionRefused, contract_transition
from tests.contracts.factories import ContractFactory, awarded_lot
from tests.programmes.factories import CouncilActFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def sign(contract, buyer, on=date(2026, 2, 2)):
    return contract_transition(contract=contract, name="sign", by=buyer, on=on)


def refusals(contract, buyer, on=date(2026, 2, 2)):
    with pytest.raises(TransitionRefused) as error:
        sign(contract, buyer, on)
    return error.value.reasons


def test_a_contract_within_the_delegation_is_signed(buyer):
    contract = ContractFactory(signature_authorisation=CouncilActFactory(delegation=True))
    signed = sign(contract, buyer)
    assert (signed.state, signed.signed_on) == ("signed", date(2026, 2, 2))


def test_a_contract_above_the_delegation_limit_is_refused_and_stays_to_sign(buyer):
    act = CouncilActFactory(delegation=True, reference="CM-2020-045", amount_limit_ht=D("90000.00"))
    contract = ContractFactory(signature_authorisation=act)   # 98 000 € HT
    assert refusals(contract, buyer) == [
        "Délégation du conseil à l'exécutif CM-2020-045 du 16/07/2020 est limitée à 90\u00a0000,00\u00a0€ HT : "
        "le marché (98\u00a0000,00\u00a0€ HT) la dépasse."]
    contract.refresh_from_db()
    assert (contract.state, contract.signed_on) == ("to_sign", None)


def test_a_signature_after_the_end_of_the_delegation_is_refused(buyer):
    contract = ContractFactory(signature_authorisation=CouncilActFactory(delegation=True, reference="CM-2020-045"))
    assert refusals(contract, buyer, on=date(2026, 4, 2)) == [
        "Délégation du conseil à l'exécutif CM-2020-045 du 16/07/2020 a pris fin le 31/03/2026 : elle ne couvre "
        "pas une signature le 02/04/2026."]


def test_a_deliberation_of_another_programme_does_not_cover_the_contract(buyer):
    programme, other = ProgrammeFactory(), ProgrammeFactory(reference="AUTRE")
    act = CouncilActFactory(programme=other, authority=programme.authority)
    contract = ContractFactory(lot=awarded_lot(programme=programme), signature_authorisation=act)
    [reason] = refusals(contract, buyer)
    assert reason.endswith("porte sur le programme AUTRE, pas sur ce marché.")


def test_an_act_of_another_buyer_does_not_cover_the_contract(buyer):
    programme = ProgrammeFactory()
    contract = ContractFactory(lot=awarded_lot(programme=programme), signature_authorisation=CouncilActFactory())
    assert any(reason.endswith("émane d'un autre acheteur public.") for reason in refusals(contract, buyer))
