from datetime import date
from decimal import Decimal

import pytest
from django_fsm import can_proceed

from procurement.contracts.enums import ContractState
from procurement.contracts.models import Contract, ContractTransitionLog
from procurement.contracts.services.transitions import NotAllowed, TransitionRefused, contract_transition
from procurement.tenders.enums import Procedure
from tests.contracts.factories import ContractFactory, awarded_lot
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def refusals(contract, name, on, by, reason=""):
    with pytest.raises(TransitionRefused) as refused:
        contract_transition(contract=contract, name=name, by=by, on=on, reason=reason)
    return refused.value.reasons


def test_signature_waits_for_the_end_of_the_standstill(buyer):
    contract = ContractFactory()  # two bids, rejection letters sent on Monday 12/01/2026
    assert refusals(contract, "sign", date(2026, 1, 23), buyer) == [
        "Le délai de suspension court jusqu'au vendredi 23 janvier 2026 : le marché peut être signé à partir du "
        "24/01/2026 (CCP R.2182-1)."]
    signed = contract_transition(contract=contract, name="sign", by=buyer, on=date(2026, 1, 24))
    assert (signed.state, signed.signed_on) == (ContractState.SIGNED, date(2026, 1, 24))


def test_a_standstill_ending_on_a_sunday_moves_to_monday(buyer):
    contract = ContractFactory(rejection_letters_sent_on=date(2026, 1, 14))  # + 11 days = Sunday 25/01
    assert "lundi 26 janvier 2026" in refusals(contract, "sign", date(2026, 1, 26), buyer)[0]
    assert contract_transition(contract=contract, name="sign", by=buyer, on=date(2026, 1, 27)).state == "signed"


def test_rejection_letters_not_sent_electronically_make_the_signature_wait_16_days(buyer):
    contract = ContractFactory(rejection_letters_electronic=False)  # sent on Monday 12/01/2026 + 16 = 28/01
    assert refusals(contract, "sign", date(2026, 1, 24), buyer) == [
        "Le délai de suspension court jusqu'au mercredi 28 janvier 2026 : le marché peut être signé à partir du "
        "29/01/2026 (CCP R.2182-1)."]
    assert contract_transition(contract=contract, name="sign", by=buyer, on=date(2026, 1, 29)).state == "signed"


def test_without_the_rejection_letters_date_the_standstill_cannot_be_computed(buyer):
    contract = ContractFactory(rejection_letters_sent_on=None)
    assert "lettres de rejet n'est pas renseignée" in refusals(contract, "sign", date(2026, 3, 1), buyer)[0]


@pytest.mark.parametrize("lot_options", [{"bids": 1}, {"procedure": Procedure.MAPA}], ids=["single-bid", "mapa"])
def test_no_standstill_with_a_single_bid_or_in_a_mapa(buyer, lot_options):
    contract = ContractFactory(lot=awarded_lot(**lot_options), rejection_letters_sent_on=None)
    assert contract_transition(contract=contract, name="sign", by=buyer, on=date(2026, 1, 13)).state == "signed"


def test_signature_needs_the_recorded_authorisation_to_sign(buyer):
    contract = ContractFactory(signature_authorisation=None, signatory_role="")
    [reason] = refusals(contract, "sign", date(2026, 2, 2), buyer)
    assert reason.startswith("L'autorisation de signer n'est pas enregistrée")
    later = ContractFactory(signature_authorisation__adopted_on=date(2026, 2, 10))
    assert refusals(later, "sign", date(2026, 2, 2), buyer) == [
        "Délibération spécifique CM-2025-112 du 10/02/2026 n'entre en vigueur que le 10/02/2026 : elle ne couvre "
        "pas une signature le 02/02/2026."]


def test_a_contract_below_the_threshold_is_notified_without_legality_control(buyer):
    contract = contract_transition(contract=ContractFactory(), name="sign", by=buyer, on=date(2026, 2, 2))
    assert refusals(contract, "transmit", date(2026, 2, 3), buyer) == [
        "Le montant du marché (98\u00a0000,00\u00a0€ HT) est sous le seuil de transmission au contrôle de légalité "
        "(216\u00a0000,00\u00a0€ HT) : notifiez-le directement."]
    notified = contract_transition(contract=contract, name="notify", by=buyer, on=date(2026, 2, 3))
    assert (notified.state, notified.notified_on) == (ContractState.NOTIFIED, date(2026, 2, 3))


def test_a_contract_from_the_threshold_is_transmitted_before_notification(buyer):
    contract = ContractFactory(amount_ht=Decimal("216000.00"))
    contract = contract_transition(contract=contract, name="sign", by=buyer, on=date(2026, 2, 2))
    assert "transmettez-le d'abord au contrôle de légalité" in refusals(contract, "notify", date(2026, 2, 3), buyer)[0]
    contract = contract_transition(contract=contract, name="transmit", by=buyer, on=date(2026, 2, 3),
                                   reason="AR 037-2026-0203-001")
    assert (contract.state, contract.transmitted_on, contract.legality_reference) == (
        ContractState.TRANSMITTED, date(2026, 2, 3), "AR 037-2026-0203-001")
    assert contract_transition(contract=contract, name="notify", by=buyer, on=date(2026, 2, 4)).state == "notified"


def test_termination_needs_a_reason(buyer):
    contract = ContractFactory(notified=True)
    assert refusals(contract, "terminate", date(2026, 6, 1), buyer, reason="  ") == ["Le motif est obligatoire."]
    terminated = contract_transition(contract=contract, name="terminate", by=buyer, on=date(2026, 6, 1),
                                     reason="Résiliation pour faute : prestations non exécutées.")
    assert (terminated.state, terminated.terminated_on) == (ContractState.TERMINATED, date(2026, 6, 1))
    assert terminated.termination_reason == "Résiliation pour faute : prestations non exécutées."


def test_a_contract_ends_at_its_term_not_before(buyer):
    contract = ContractFactory(notified=True)  # 02/03/2026 → 01/03/2027, no renewal
    assert refusals(contract, "end", date(2027, 3, 1), buyer) == [
        "Le marché court jusqu'au 01/03/2027 : il ne peut pas être déclaré échu avant (ou résiliez-le)."]
    ended = contract_transition(contract=contract, name="end", by=buyer, on=date(2027, 3, 2))
    assert (ended.state, ended.ended_on) == (ContractState.ENDED, date(2027, 3, 1))


def test_finance_reads_but_cannot_move_a_contract(finance_user):
    with pytest.raises(NotAllowed):
        contract_transition(contract=ContractFactory(), name="sign", by=finance_user, on=date(2026, 2, 2))


def test_a_transition_from_the_wrong_state_is_refused(buyer):
    assert refusals(ContractFactory(), "notify", date(2026, 2, 2), buyer) == [
        "Cette action n'est pas possible depuis l'état « À signer »."]
    assert refusals(ContractFactory(), "publish", date(2026, 2, 2), buyer) == ["Transition inconnue : publish."]


def test_a_stale_copy_is_refused_rather_than_overwriting(buyer):
    contract = ContractFactory()
    stale = Contract.objects.get(pk=contract.pk)
    contract_transition(contract=contract, name="sign", by=buyer, on=date(2026, 2, 2))
    [reason] = refusals(stale, "sign", date(2026, 2, 2), buyer)
    assert reason == "Le marché a changé d'état entre-temps (Signé) : rechargez la page."
    assert ContractTransitionLog.objects.filter(contract=contract).count() == 1


def test_every_transition_is_logged_with_who_when_from_to_and_why(buyer):
    contract = ContractFactory()
    contract = contract_transition(contract=contract, name="sign", by=buyer, on=date(2026, 2, 2))
    contract = contract_transition(contract=contract, name="notify", by=buyer, on=date(2026, 2, 3))
    contract_transition(contract=contract, name="terminate", by=buyer, on=date(2026, 9, 1),
                        reason="Motif d'intérêt général.")
    rows = list(ContractTransitionLog.objects.filter(contract=contract).values_list(
        "transition", "source", "target", "by__username", "effective_on", "reason"))
    assert rows == [
        ("sign", "to_sign", "signed", "acheteur", date(2026, 2, 2), ""),
        ("notify", "signed", "notified", "acheteur", date(2026, 2, 3), ""),
        ("terminate", "notified", "terminated", "acheteur", date(2026, 9, 1), "Motif d'intérêt général."),
    ]


def test_the_model_refuses_a_guarded_transition_called_directly():
    contract = ContractFactory(signature_authorisation=None)
    assert not can_proceed(contract.sign)


def test_the_state_cannot_be_assigned():
    contract = ContractFactory()
    with pytest.raises(AttributeError):
        contract.state = ContractState.NOTIFIED


def test_an_admin_can_drive_contracts():
    staff = UserFactory(admin=True)
    assert contract_transition(contract=ContractFactory(), name="sign", by=staff, on=date(2026, 2, 2)).state == "signed"
