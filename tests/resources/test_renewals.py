"""A renewal decision recorded on a resource drives its contract through the contracts services."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from freezegun import freeze_time

from procurement.contracts.enums import ContractState, RenewalDecisionKind, RenewalMode
from procurement.contracts.models import RenewalDecision
from procurement.contracts.services.transitions import renew_due_contracts
from procurement.resources.enums import ResourceDecision
from procurement.resources.models import ResourceRenewalDecision
from procurement.resources.selectors import renewal_candidates
from procurement.resources.services import resource_renewal_decide
from tests.contracts.factories import ContractFactory
from tests.resources.factories import LibraryFactory, ResourceFactory, order, usage

pytestmark = pytest.mark.django_db
BEFORE_DEADLINE = date(2026, 11, 20)  # the first period ends on 01/03/2027; notice 3 months → 01/12/2026


def subscription(mode=RenewalMode.TACIT):
    contract = ContractFactory(framework=True, notified=True, renewal_mode=mode)
    order(contract, on=date(2026, 3, 10), amount_ht="10000.00")
    resource = ResourceFactory(name="Vidéo", kind="video", report_id="PR_P1", contract=contract)
    usage(platform=resource.platform, library=LibraryFactory(), year=2026, metric="Unique_Item_Requests",
          monthly=[250, 250], report_id="PR_P1")
    return resource


def test_refusing_a_tacit_renewal_records_the_refusal_on_the_contract_which_then_ends(buyer):
    resource = subscription()
    row = resource_renewal_decide(resource=resource, decision=ResourceDecision.REFUSE, by=buyer, year=2026,
                                  reason="Coût par usage de 21,10 € : trois fois la médiane.", today=BEFORE_DEADLINE)
    assert (row.renewal_number, row.uses, row.cost_ttc, row.cost_per_use) == (1, 500, Decimal("10550.00"),
                                                                              Decimal("21.10"))
    decision = RenewalDecision.objects.get(contract=resource.contract)
    assert (decision.decision, row.contract_decision) == (RenewalDecisionKind.REFUSE, decision)
    contract = resource.contract
    contract.refresh_from_db()
    assert contract.renewal_deadline is None
    renew_due_contracts(today=date(2027, 3, 2))
    contract.refresh_from_db()
    assert (contract.state, contract.ended_on) == (ContractState.ENDED, date(2027, 3, 1))


def test_deciding_an_express_renewal_is_the_decision_the_clock_carries_out(buyer):
    resource = subscription(RenewalMode.EXPRESS)
    resource_renewal_decide(resource=resource, decision=ResourceDecision.RENEW, by=buyer, year=2026,
                            reason="Usage en hausse dans toutes les strates.", today=BEFORE_DEADLINE)
    assert RenewalDecision.objects.get(contract=resource.contract).decision == RenewalDecisionKind.RENEW
    renew_due_contracts(today=date(2027, 3, 2))
    resource.contract.refresh_from_db()
    assert (resource.contract.state, resource.contract.renewal_count) == (ContractState.RENEWED, 1)


def test_keeping_a_tacit_renewal_is_recorded_without_touching_the_contract(buyer):
    resource = subscription()
    row = resource_renewal_decide(resource=resource, decision=ResourceDecision.RENEW, by=buyer, year=2026,
                                  reason="Bon usage.", today=BEFORE_DEADLINE)
    assert row.contract_decision is None
    assert not RenewalDecision.objects.exists()
    renew_due_contracts(today=date(2027, 3, 2))
    resource.contract.refresh_from_db()
    assert resource.contract.state == ContractState.RENEWED


def test_a_decision_after_the_notice_deadline_is_refused_and_nothing_is_saved(buyer):
    resource = subscription()
    with pytest.raises(ValidationError) as caught:
        resource_renewal_decide(resource=resource, decision=ResourceDecision.REFUSE, by=buyer, year=2026,
                                reason="Trop tard.", today=date(2026, 12, 2))
    assert "01/12/2026" in " ".join(caught.value.messages)
    assert not ResourceRenewalDecision.objects.exists() and not RenewalDecision.objects.exists()


def test_a_decision_needs_a_reason_and_a_buyer(buyer, finance_user):
    resource = subscription()
    with pytest.raises(ValidationError) as caught:
        resource_renewal_decide(resource=resource, decision=ResourceDecision.REFUSE, by=buyer, year=2026,
                                reason="  ", today=BEFORE_DEADLINE)
    assert "reason" in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        resource_renewal_decide(resource=resource, decision=ResourceDecision.REFUSE, by=finance_user, year=2026,
                                reason="Non.", today=BEFORE_DEADLINE)
    assert not ResourceRenewalDecision.objects.exists()


@freeze_time("2026-11-20 10:00")
def test_the_renewal_page_records_the_decision_and_drives_the_contract(buyer, client_for):
    resource = subscription()
    client = client_for(buyer)
    page = client.get(f"/ressources/{resource.pk}/?annee=2026")
    assert page.status_code == 200
    assert "01/12/2026" in page.content.decode()
    response = client.post(f"/ressources/{resource.pk}/?annee=2026",
                           {"decision": "refuse", "reason": "Usage trop faible dans les petites communes."})
    assert response.status_code == 302
    assert RenewalDecision.objects.get(contract=resource.contract).decision == RenewalDecisionKind.REFUSE
    assert [(r, near) for r, near in renewal_candidates(today=date(2026, 11, 20))] == []


@freeze_time("2026-11-20 10:00")
def test_finance_sees_the_page_but_cannot_decide(finance_user, client_for):
    resource = subscription()
    client = client_for(finance_user)
    assert client.get(f"/ressources/{resource.pk}/").status_code == 200
    response = client.post(f"/ressources/{resource.pk}/", {"decision": "refuse", "reason": "Non."})
    assert response.status_code == 403
    assert not RenewalDecision.objects.exists()


def test_the_renewals_list_flags_the_near_deadlines():
    resource = subscription()
    assert renewal_candidates(today=date(2026, 11, 20)) == [(resource, True)]
    assert renewal_candidates(today=date(2026, 6, 1)) == [(resource, False)]
