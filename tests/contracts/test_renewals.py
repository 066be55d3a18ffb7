import json
from datetime import date
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from procurement.contracts.enums import ContractState, RenewalDecisionKind, RenewalMode
from procurement.contracts.models import Contract, ContractRenewal, ContractTransitionLog
from procurement.contracts.services.renewals import renewal_decide
from procurement.contracts.services.transitions import TransitionRefused, contract_transition, renew_due_contracts
from tests.contracts.factories import ContractFactory

pytestmark = pytest.mark.django_db


def framework(**kwargs) -> Contract:
    """Notified, from 02/03/2026: yearly periods, tacitly renewable three times, 3 months' notice."""
    return ContractFactory(framework=True, notified=True, **kwargs)


def test_a_tacit_renewal_happens_at_the_end_of_the_period(buyer):
    contract = framework()
    assert (contract.period_end, contract.renewal_deadline) == (date(2027, 3, 1), date(2026, 12, 1))
    assert renew_due_contracts(today=date(2027, 3, 1)) == []  # the period's last day
    [(renewed, name)] = renew_due_contracts(today=date(2027, 3, 2))
    assert (name, renewed.state, renewed.renewal_count) == ("renew", ContractState.RENEWED, 1)
    assert (renewed.period_end, renewed.renewal_deadline) == (date(2028, 3, 1), date(2027, 12, 1))
    renewal = ContractRenewal.objects.get(contract=contract)
    assert (renewal.number, renewal.starts_on, renewal.ends_on, renewal.mode, renewal.by) == (
        1, date(2027, 3, 2), date(2028, 3, 1), RenewalMode.TACIT, None)
    log = ContractTransitionLog.objects.get(contract=contract, transition="renew")
    assert (log.by, log.effective_on) == (None, date(2027, 3, 2))
    assert log.reason.startswith("Reconduction tacite")


def test_the_clock_is_idempotent_and_catches_up(buyer):
    contract = framework()
    changes = renew_due_contracts(today=date(2028, 6, 1))
    assert [name for _, name in changes] == ["renew", "renew"]
    assert renew_due_contracts(today=date(2028, 6, 1)) == []
    contract.refresh_from_db()
    assert (contract.renewal_count, contract.period_end) == (2, date(2029, 3, 1))


def test_a_renewal_refused_before_the_notice_deadline_ends_the_contract_at_the_period_end(buyer):
    contract = framework()
    decision = renewal_decide(contract=contract, decision=RenewalDecisionKind.REFUSE, by=buyer,
                              reason="Besoin couvert par le nouveau marché mutualisé.", today=date(2026, 12, 1))
    assert (decision.renewal_number, decision.deadline) == (1, date(2026, 12, 1))
    contract.refresh_from_db()
    assert contract.renewal_deadline is None
    with pytest.raises(TransitionRefused) as refused:
        contract_transition(contract=contract, name="renew", by=buyer, on=date(2027, 3, 2))
    assert refused.value.reasons == ["La reconduction n° 1 a été refusée le 01/12/2026."]
    [(ended, name)] = renew_due_contracts(today=date(2027, 3, 2))
    assert (name, ended.state, ended.ended_on) == ("end", ContractState.ENDED, date(2027, 3, 1))


def test_a_refusal_after_the_notice_deadline_is_refused_and_the_renewal_happens(buyer):
    contract = framework()
    with pytest.raises(ValidationError) as refused:
        renewal_decide(contract=contract, decision=RenewalDecisionKind.REFUSE, by=buyer, reason="Trop tard.",
                       today=date(2026, 12, 2))
    assert refused.value.messages == [
        "Le préavis de 3 mois est dépassé : la décision sur la reconduction n° 1 devait être prise au plus tard le "
        "01/12/2026. Le marché sera reconduit le 02/03/2027."]
    assert [name for _, name in renew_due_contracts(today=date(2027, 3, 2))] == ["renew"]


def test_a_tacit_renewal_needs_no_decision_to_renew(buyer):
    with pytest.raises(ValidationError, match="seul un refus"):
        renewal_decide(contract=framework(), decision=RenewalDecisionKind.RENEW, by=buyer, today=date(2026, 6, 1))


def test_an_express_renewal_needs_the_decision(buyer):
    undecided = framework(renewal_mode=RenewalMode.EXPRESS)
    decided = framework(renewal_mode=RenewalMode.EXPRESS)
    renewal_decide(contract=decided, decision=RenewalDecisionKind.RENEW, by=buyer, today=date(2026, 11, 20))
    changes = {contract.pk: name for contract, name in renew_due_contracts(today=date(2027, 3, 2))}
    assert changes == {undecided.pk: "end", decided.pk: "renew"}
    assert ContractTransitionLog.objects.get(contract=decided, transition="renew").reason.startswith(
        "Reconduction expresse décidée")


def test_the_maximum_number_of_renewals_ends_the_contract(buyer):
    contract = framework()
    changes = renew_due_contracts(today=date(2030, 3, 2))
    assert [name for _, name in changes] == ["renew", "renew", "renew", "end"]
    contract.refresh_from_db()
    assert (contract.state, contract.renewal_count, contract.ended_on) == (ContractState.ENDED, 3, date(2030, 3, 1))
    assert contract.total_months == 48


def test_no_renewal_beyond_the_maximum_even_by_hand(buyer):
    contract = framework()
    renew_due_contracts(today=date(2029, 3, 2))
    contract.refresh_from_db()
    with pytest.raises(ValidationError, match="nombre maximal de reconductions \\(3\\) est atteint"):
        renewal_decide(contract=contract, decision=RenewalDecisionKind.REFUSE, by=buyer, reason="x",
                       today=date(2029, 4, 1))
    with pytest.raises(TransitionRefused) as refused:
        contract_transition(contract=contract, name="renew", by=buyer, on=date(2030, 3, 2))
    assert refused.value.reasons == [
        "Le nombre maximal de reconductions (3) est atteint : le marché s'achève le 01/03/2030."]


def test_a_renewal_before_the_period_end_is_refused(buyer):
    with pytest.raises(TransitionRefused) as refused:
        contract_transition(contract=framework(), name="renew", by=buyer, on=date(2027, 3, 1))
    assert refused.value.reasons == [
        "La période en cours s'achève le 01/03/2027 : la reconduction prend effet le 02/03/2027."]


def test_the_end_is_refused_while_a_tacit_renewal_is_pending(buyer):
    with pytest.raises(TransitionRefused) as refused:
        contract_transition(contract=framework(), name="end", by=buyer, on=date(2027, 3, 2))
    assert refused.value.reasons == [
        "La reconduction n° 1 n'a pas été refusée : le marché est reconduit le 02/03/2027, il n'est pas échu."]


def test_the_command_applies_the_clock_and_prints_json():
    contract = framework()
    out = StringIO()
    call_command("renew_due_contracts", "--date", "2027-03-02", "--format", "json", stdout=out)
    assert json.loads(out.getvalue()) == {"date": "2027-03-02", "changes": [
        {"contract": contract.reference, "transition": "renew", "state": "renewed", "period_end": "2028-03-01"}]}
    out = StringIO()
    call_command("renew_due_contracts", "--date", "2027-03-02", stdout=out)
    assert out.getvalue().strip() == "Aucun marché à reconduire ni à clore au 02/03/2027."
