"""One horizon and one query for the renewals due: the contracts list, the finance dashboard, the
to-do list, the reminders and the resources all ask ``Contract.objects.renewal_due``; the decision on
a resource's renewal passes the contracts' own guard."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from procurement.contracts.models import Contract
from procurement.contracts.models.contract import RENEWAL_DUE_DAYS
from procurement.contracts.selectors.contracts import contract_list, renewal_decisions_due
from procurement.contracts.services.reminders import due_reminders
from procurement.resources.enums import ResourceDecision
from procurement.resources.selectors import renewal_candidates
from procurement.resources.services import resource_renewal_decide
from tests.contracts.factories import ContractFactory
from tests.resources.factories import ResourceFactory

# The framework's first period ends on 01/03/2027; notice of 3 months: decision by 01/12/2026.
DEADLINE = date(2026, 12, 1)
LAST_DAY_IN_RANGE = date(2026, 8, 3)  # 120 days before the deadline
DAY_BEFORE = date(2026, 8, 2)  # 121 days before


def test_the_renewal_horizon_is_stated_once_at_120_days():
    assert RENEWAL_DUE_DAYS == 120


@pytest.mark.django_db
def test_a_renewal_is_due_from_120_days_before_its_deadline_until_that_deadline():
    contract = ContractFactory(framework=True, notified=True)
    assert contract.renewal_deadline == DEADLINE
    assert list(Contract.objects.renewal_due(today=LAST_DAY_IN_RANGE)) == [contract]
    assert list(Contract.objects.renewal_due(today=DAY_BEFORE)) == []
    assert list(Contract.objects.renewal_due(today=DEADLINE)) == [contract]
    assert list(Contract.objects.renewal_due(today=date(2026, 11, 1), days=15)) == []
    # Past the deadline: no longer a decision to take, but still listed while the period runs.
    assert list(Contract.objects.renewal_due(today=date(2026, 12, 2))) == []
    assert list(Contract.objects.renewal_due(today=date(2026, 12, 2), overdue=True)) == [contract]
    assert list(Contract.objects.renewal_due(today=date(2027, 3, 2), overdue=True)) == []


@pytest.mark.django_db
def test_the_list_the_dashboards_the_reminders_and_the_resources_share_the_horizon(buyer):
    contract = ContractFactory(framework=True, notified=True)
    resource = ResourceFactory(contract=contract)
    for today, due in ((LAST_DAY_IN_RANGE, True), (DAY_BEFORE, False)):
        assert (contract in contract_list(user=buyer, renewal_due=True, today=today)) is due
        assert (contract in renewal_decisions_due(today=today)) is due
        assert renewal_candidates(today=today) == [(resource, due)]
    renewals = [r for r in due_reminders(today=LAST_DAY_IN_RANGE, days=RENEWAL_DUE_DAYS) if "reconduction" in r.subject]
    assert [r.deadline for r in renewals] == [DEADLINE]


@pytest.mark.django_db
def test_keeping_a_tacit_renewal_after_the_notice_deadline_gets_the_contracts_refusal(buyer):
    resource = ResourceFactory(contract=ContractFactory(framework=True, notified=True))
    with pytest.raises(ValidationError) as caught:
        resource_renewal_decide(
            resource=resource,
            decision=ResourceDecision.RENEW,
            by=buyer,
            year=2026,
            reason="Bon usage.",
            today=date(2026, 12, 2),
        )
    assert caught.value.messages == [
        "Le préavis de 3 mois est dépassé : la décision sur la reconduction n° 1 devait être prise au plus tard le "
        "01/12/2026. Le marché sera reconduit le 02/03/2027."
    ]
