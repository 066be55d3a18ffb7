"""Journey (c): a finance officer opens the commitments, sees a renewal to decide and downloads the
xlsx export. Dates follow today's (the live server's clock), so the renewal stays in the window."""

from datetime import date
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from openpyxl import load_workbook

from procurement.contracts.models import PurchaseOrder
from tests.browser.conftest import menu, seen, tab_to
from tests.contracts.factories import ContractFactory, awarded_lot
from tests.factories import UserFactory
from tests.programmes.factories import BudgetCreditFactory, BudgetLineFactory

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def framework_due_for_renewal(today: date):
    """A press framework started eight months ago: its first year ends in four months, and with three
    months' notice the renewal must be decided within the next month. One order of 10 000 € HT at
    5,5 % this year, against 150 000 € TTC of credits."""
    line = BudgetLineFactory(operating=True, label="Ressources en ligne")
    BudgetCreditFactory(budget_line=line, year=today.year, amount_ttc=Decimal("150000.00"))
    start = today - relativedelta(months=8)
    contract = ContractFactory(
        reference="BNM-PRESSE-1", notified=True, framework=True, budget_line=line, vat_rate=Decimal("5.5"),
        start_date=start, signed_on=start - relativedelta(days=10), notified_on=start - relativedelta(days=5),
        lot=awarded_lot(is_framework=True, renewals=3, vat_rate=Decimal("5.5")),
    )
    ordered_on = max(start, date(today.year, 1, 2))
    PurchaseOrder.objects.create(contract=contract, number=1, ordered_on=ordered_on, description="Presse",
                                 amount_ht=Decimal("10000.00"), vat_rate=Decimal("5.5"))
    return contract


def test_finance_reads_the_commitments_a_renewal_alert_and_exports_them(journey):
    today = timezone.localdate()
    contract = framework_due_for_renewal(today)
    UserFactory(username="marc", first_name="Marc", last_name="Delorme", finance=True)
    page = journey.page
    journey.login("marc")

    journey.submit(menu(page).get_by_role("link", name="Finances"), to="/tableaux-de-bord/finance/")
    journey.check("10-engagements")
    figures = seen(page.locator("table", has=page.locator("caption", has_text="Par année et par section")))
    assert str(today.year) in figures
    assert "150 000,00 €" in figures   # budget voted TTC
    assert "10 550,00 €" in figures    # committed TTC: 10 000 € HT × 1,055
    assert "139 450,00 €" in figures   # remaining TTC

    renewals = page.locator("table", has=page.locator("caption", has_text="décision de reconduction"))
    alert = seen(renewals)
    assert contract.reference in alert
    assert contract.renewal_deadline.strftime("%d/%m/%Y") in alert
    assert contract.renewal_deadline <= today + relativedelta(days=120)

    # The year filter, with the keyboard alone: this year only, then the export follows the filter.
    tab_to(page, "#id_year_from")
    page.keyboard.type(str(today.year))
    page.keyboard.press("Tab")
    page.keyboard.type(str(today.year))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    journey.check(again=True)
    saved = journey.download(page.get_by_role("link", name="Exporter (.xlsx)"))
    rows = list(load_workbook(saved)["Par ligne"].iter_rows(values_only=True))
    assert rows[1][:2] == (today.year, "Ressources en ligne")
    assert [Decimal(str(value)) for value in (rows[1][4], rows[1][5], rows[1][7], rows[1][8])] == [
        Decimal("10000"), Decimal("10550"), Decimal("150000"), Decimal("139450")]
    journey.finish()
