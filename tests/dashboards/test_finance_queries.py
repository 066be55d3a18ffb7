"""The finance follow-up reads in a number of queries that does not grow with the data: the demo,
then the demo with more programmes (each with its budget lines and credits), signed contracts
(frameworks with orders, subscriptions with price revisions and a refused renewal, an amendment)
and invoices (to pay soon, paid late) give the same count on the dashboard, its exports, the
other finance pages and the ``commitments`` selector."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from procurement.contracts.enums import RenewalDecisionKind, RenewalMode
from procurement.contracts.models import Amendment, Invoice, PriceRevision, PurchaseOrder, RenewalDecision
from procurement.contracts.selectors.finance import commitments
from tests.clock import DEMO_NOW
from tests.contracts.factories import ContractFactory, awarded_lot
from tests.programmes.factories import BudgetCreditFactory, BudgetLineFactory, ProgrammeFactory

D = Decimal
YEARS = "?year_from=2025&year_to=2030"
PAGES = ["dashboards:finance-overview", "dashboards:finance-xlsx", "dashboards:finance-pdf",
         "dashboards:finance-lines", "dashboards:finance-contracts"]


def grow(programmes: int = 3) -> None:
    """Per programme: two budget lines with six years of credits, a framework with four orders and
    two invoices (one to pay within days, one paid late), a subscription renewed once with a price
    revision, a refused renewal and an amendment."""
    revision = PriceRevision.objects.first()     # the demo's, copied for its index figures
    for _ in range(programmes):
        programme = ProgrammeFactory()
        lines = [BudgetLineFactory(programme=programme), BudgetLineFactory(programme=programme, operating=True)]
        for line in lines:
            for year in range(2025, 2031):
                BudgetCreditFactory(budget_line=line, year=year, amount_ttc=D("250000.00"))
        framework = ContractFactory(notified=True, framework=True, budget_line=lines[1], vat_rate=D("5.5"),
                                    start_date=date(2025, 1, 1),
                                    lot=awarded_lot(is_framework=True, renewals=3, programme=programme))
        for order in range(1, 5):
            PurchaseOrder.objects.create(contract=framework, number=order, ordered_on=date(2025, 3 * order, 2),
                                         description="Crédits", amount_ht=D("4000.00"), vat_rate=D("5.5"))
        Invoice.objects.create(contract=framework, number="F-1", issued_on=date(2026, 11, 1),
                               received_on=date(2026, 11, 2), service_done_on=date(2026, 11, 2),
                               payment_deadline=date(2026, 12, 2), total_ht=D("4000.00"), total_ttc=D("4220.00"))
        Invoice.objects.create(contract=framework, number="F-2", issued_on=date(2026, 3, 1),
                               received_on=date(2026, 3, 2), service_done_on=date(2026, 3, 2),
                               payment_deadline=date(2026, 4, 1), paid_on=date(2026, 4, 11), late_days=10,
                               late_interest_rate=D("10.15"), late_interest_rate_date=date(2026, 1, 1),
                               late_interest=D("11.73"), late_compensation=D("40.00"), total_ht=D("4000.00"),
                               total_ttc=D("4220.00"))
        subscription = ContractFactory(notified=True, budget_line=lines[0], start_date=date(2025, 2, 1),
                                       renewal_mode=RenewalMode.TACIT, max_renewals=3, renewal_count=1,
                                       maintenance_yearly_ht=D("1000.00"),
                                       lot=awarded_lot(renewals=3, programme=programme))
        revision.pk, revision.contract, revision.revision_on = None, subscription, date(2026, 2, 1)
        revision.save()
        RenewalDecision.objects.create(contract=subscription, renewal_number=2, decision=RenewalDecisionKind.REFUSE,
                                       decided_on=date(2026, 10, 1), deadline=date(2026, 10, 31))
        Amendment.objects.create(contract=subscription, number=1, basis="R2194-8", object="Options",
                                 amount_change_ht=D("900.00"), signed_on=date(2025, 9, 1),
                                 change_share=D("1"), cumulated_share=D("1"))


def counts(client) -> dict[str, int]:
    result = {}
    with freeze_time(DEMO_NOW):
        for name in PAGES:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse(name) + YEARS).status_code == 200
            result[name] = len(queries)
        with CaptureQueriesContext(connection) as queries:
            commitments(year_from=2025, year_to=2034)
        result["commitments"] = len(queries)
        with CaptureQueriesContext(connection) as queries:
            assert commitments(year_from=2025, year_to=2034).contracts
        result["commitments by contract"] = len(queries)
    return result


def test_the_finance_pages_exports_and_selector_read_in_the_same_queries_on_more_data(demo, client_for,
                                                                                      finance_user):
    client = client_for(finance_user)
    counts(client)   # warm-up: sessions, caches
    small = counts(client)
    before = commitments(year_from=2025, year_to=2030)
    grow()
    large = counts(client)
    after = commitments(year_from=2025, year_to=2030)
    assert large == small
    assert small["commitments"] == 7   # lines, credits, refusals, contracts, revisions, orders, amendments
    # The data grew where the pages look: more lines, contracts and amounts.
    assert len(after.lines) == len(before.lines) + 6 and len(after.contracts) == len(before.contracts) + 6
    assert after.year_total(2026).committed_ttc > before.year_total(2026).committed_ttc


@pytest.mark.parametrize("years", ["?year_from=2026&year_to=2026", ""])
def test_the_dashboard_shows_the_grown_data_in_the_same_queries(demo, client_for, finance_user, years):
    client = client_for(finance_user)
    url = reverse("dashboards:finance-overview") + years
    with freeze_time(DEMO_NOW):
        client.get(url)
        with CaptureQueriesContext(connection) as small:
            client.get(url)
        grow(programmes=2)
        with CaptureQueriesContext(connection) as large:
            html = client.get(url).content.decode()
    assert len(large) == len(small)
    assert html.count(">F-1<") == 2   # the invoices to pay within the days watched, one per framework
