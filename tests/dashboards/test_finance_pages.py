from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from procurement.contracts.models import PurchaseOrder
from procurement.contracts.services.invoices import invoice_pay, invoice_receive
from procurement.core.models import ReferenceValue
from tests.clock import DEMO_NOW
from tests.contracts.factories import ContractFactory, awarded_lot
from tests.programmes.factories import BudgetCreditFactory, BudgetLineFactory

D = Decimal
TODAY = date(2026, 11, 25)


@pytest.fixture
def line(db):
    line = BudgetLineFactory(operating=True, label="Ressources en ligne")
    BudgetCreditFactory(budget_line=line, year=2026, amount_ttc=D("150000.00"))
    return line


def framework(line, number: int):
    contract = ContractFactory(notified=True, framework=True, budget_line=line, start_date=date(2026, 1, 1),
                               vat_rate=D("5.5"), lot=awarded_lot(is_framework=True, renewals=3, vat_rate=D("5.5")))
    PurchaseOrder.objects.create(contract=contract, number=1, ordered_on=date(2026, 2, 2), description="Crédits",
                                 amount_ht=D("10000.00"), vat_rate=D("5.5"))
    return contract


URLS = ["dashboards:finance-overview", "dashboards:finance-lines", "dashboards:finance-contracts"]


@pytest.mark.parametrize("name", URLS)
def test_finance_pages_read_in_a_constant_number_of_queries(name, line, finance_user, client_for,
                                                            django_assert_max_num_queries):
    client = client_for(finance_user)
    framework(line, 1)
    url = reverse(name) + "?year_from=2025&year_to=2027"
    with django_assert_max_num_queries(40) as small:
        assert client.get(url).status_code == 200
    for number in range(2, 7):
        framework(line, number)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        response = client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)
    assert response.status_code == 200


def test_overview_shows_budget_committed_and_the_chart(line, finance_user, client_for):
    framework(line, 1)
    response = client_for(finance_user).get(reverse("dashboards:finance-overview") + "?year_from=2026&year_to=2026")
    html = response.content.decode()
    assert "<svg" in html and "Budget voté, engagé et prévisionnel TTC par année" in html
    assert "150\u00a0000,00\u00a0€" in html      # budget
    assert "10\u00a0550,00\u00a0€" in html       # committed TTC: 10 000 × 1,055
    assert "139\u00a0450,00\u00a0€" in html      # remaining


def test_wrong_years_give_a_french_message_and_no_table(line, finance_user, client_for):
    response = client_for(finance_user).get(reverse("dashboards:finance-overview") + "?year_from=2030&year_to=2025")
    assert "L&#x27;année de fin suit l&#x27;année de début." in response.content.decode()
    assert response.context["table"] is None


def test_xlsx_export_holds_the_line_figures(line, finance_user, client_for):
    framework(line, 1)
    response = client_for(finance_user).get(reverse("dashboards:finance-xlsx") + "?year_from=2026&year_to=2026")
    book = load_workbook(BytesIO(response.content))
    rows = list(book["Par ligne"].iter_rows(values_only=True))
    assert rows[1][:2] == (2026, "Ressources en ligne")
    assert [D(str(v)) for v in rows[1][4:9]] == [D("10000"), D("10550"), D("126600"), D("150000"), D("139450")]


def test_pdf_export_is_a_pdf_with_the_chart(line, finance_user, client_for):
    framework(line, 1)
    response = client_for(finance_user).get(reverse("dashboards:finance-pdf") + "?year_from=2025&year_to=2027")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="engagements-2025-2027.pdf"' in response["Content-Disposition"]


def test_pdf_export_sums_each_budget_line_over_the_years_asked(line, finance_user, client_for):
    framework(line, 1)
    BudgetCreditFactory(budget_line=line, year=2027, amount_ttc=D("100000.00"))
    response = client_for(finance_user).get(reverse("dashboards:finance-pdf") + "?year_from=2025&year_to=2027")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages).split())
    assert "Par ligne budgétaire, de 2025 à 2027" in text
    assert "dans l’export tableur (.xlsx)" in text
    # One row for the line: 10 000 × 1,055 committed in 2026 against 150 000 + 100 000 voted.
    row = text[text.index("Par ligne budgétaire"):]
    assert row.count("Ressources en ligne") == 1
    assert "10 550,00 € " in row and "250 000,00 € 239 450,00 €" in row


def test_pdf_export_of_one_year_says_the_year(line, finance_user, client_for):
    framework(line, 1)
    response = client_for(finance_user).get(reverse("dashboards:finance-pdf") + "?year_from=2026&year_to=2026")
    text = " ".join(PdfReader(BytesIO(response.content)).pages[0].extract_text().split())
    assert "Par ligne budgétaire, en 2026" in text and "export tableur" not in text
    assert "150 000,00 € 139 450,00 €" in text


def test_evaluators_cannot_read_the_finance_pages(evaluator, client_for, db):
    assert client_for(evaluator).get(reverse("dashboards:finance-overview")).status_code == 403


def test_late_payment_appears_with_its_figures(line, buyer, finance_user, client_for):
    contract = framework(line, 1)
    invoice = invoice_receive(contract=contract, number="F-1", issued_on=date(2026, 3, 1), received_on=date(2026, 3, 2),
                              service_done_on=date(2026, 3, 1), lines=[(D("5.5"), D("10000.00"))], by=buyer,
                              today=TODAY)
    invoice_pay(invoice=invoice, on=date(2026, 4, 11), by=finance_user, today=TODAY)
    client = client_for(finance_user)
    html = client.get(reverse("contracts:invoice-detail", args=[invoice.pk])).content.decode()
    # Deadline 01/04/2026, 10 days late at 10,15 %: 10 550 × 10,15 % × 10 / 365 = 29,34 €.
    assert "10 jours de retard" in html and "29,34\u00a0€" in html and "40,00\u00a0€" in html
    overview = client.get(reverse("dashboards:finance-overview")).content.decode()
    assert "F-1" in overview


def test_a_late_interest_at_an_ecb_rate_to_confirm_says_so_on_every_page(line, buyer, finance_user, client_for):
    contract = framework(line, 1)
    paid_in_h1 = invoice_receive(contract=contract, number="F-1", issued_on=date(2026, 3, 1),
                                 received_on=date(2026, 3, 2), service_done_on=date(2026, 3, 1),
                                 lines=[(D("5.5"), D("10000.00"))], by=buyer, today=TODAY)
    invoice_pay(invoice=paid_in_h1, on=date(2026, 4, 11), by=finance_user, today=TODAY)
    # Received 01/07/2026, deadline 31/07, paid 10/08: interest runs in 2026 H2, its ECB rate « à confirmer ».
    paid_in_h2 = invoice_receive(contract=contract, number="F-2", issued_on=date(2026, 7, 1),
                                 received_on=date(2026, 7, 1), service_done_on=date(2026, 7, 1),
                                 lines=[(D("5.5"), D("10000.00"))], by=buyer, today=TODAY)
    invoice_pay(invoice=paid_in_h2, on=date(2026, 8, 10), by=finance_user, today=TODAY)
    client = client_for(finance_user)
    detail = client.get(reverse("contracts:invoice-detail", args=[paid_in_h2.pk])).content.decode()
    assert "Taux à confirmer : le taux de la BCE au 01/07/2026 a été saisi « à confirmer »" in detail
    assert "Taux à confirmer" not in client.get(
        reverse("contracts:invoice-detail", args=[paid_in_h1.pk])).content.decode()
    for url in (reverse("dashboards:finance-overview"), reverse("contracts:invoices")):
        html = client.get(url).content.decode()
        assert html.count("taux à confirmer") == 1, url
    reference = client.get(reverse("core:reference-values")).content.decode()
    assert "Valeurs à confirmer" in reference and "BCE, taux au 1er juillet 2026 (à confirmer)" in reference
    ReferenceValue.objects.filter(kind="ecb_main_rate", valid_from=date(2026, 7, 1)).update(confirmed=True)
    assert "Taux à confirmer" not in client.get(
        reverse("contracts:invoice-detail", args=[paid_in_h2.pk])).content.decode()
    assert "Valeurs à confirmer" not in client.get(reverse("core:reference-values")).content.decode()


@pytest.mark.freeze_time(DEMO_NOW)
def test_invoice_form_records_an_invoice_and_names_a_bad_field(line, buyer, client_for):
    contract = framework(line, 1)
    client = client_for(buyer)
    url = reverse("contracts:invoice-create", args=[contract.reference])
    bad = client.post(url, {"number": "F-2", "issued_on": "2026-03-01", "received_on": "2026-03-02",
                            "amount_ht_1": "100", "vat_rate_1": "5.5", "amount_ht_2": "50"})
    assert "Un second montant a son taux de TVA" in bad.content.decode()
    ok = client.post(url, {"number": "F-2", "issued_on": "2026-03-01", "received_on": "2026-03-02",
                           "amount_ht_1": "100", "vat_rate_1": "5.5", "is_electronic": "on"})
    assert ok.status_code == 302
    assert contract.invoices.get().payment_deadline == date(2026, 4, 1)


def test_the_tables_per_contract_and_per_line_come_by_pages_keeping_the_filters(line, finance_user, client_for,
                                                                               monkeypatch):
    from procurement.dashboards.views import finance as views

    monkeypatch.setattr(views, "CONTRACTS_PER_PAGE", 2)
    monkeypatch.setattr(views, "LINES_PER_PAGE", 1)
    BudgetLineFactory(operating=True, label="Abonnements")
    references = sorted(framework(line, number).reference for number in range(3))
    client = client_for(finance_user)
    url = reverse("dashboards:finance-contracts") + "?year_from=2026&year_to=2026"
    first = client.get(url).content.decode()
    assert [reference in first for reference in references] == [True, True, False]
    assert "Page 1 sur 2" in first and "year_from=2026&amp;year_to=2026&amp;page=2" in first
    second = client.get(url + "&page=2").content.decode()
    assert [reference in second for reference in references] == [False, False, True]
    assert "export.xlsx?year_from=2026&amp;year_to=2026\"" in second   # the exports hold every page
    url = reverse("dashboards:finance-lines") + "?year_from=2026&year_to=2026&page="
    pages = [client.get(url + number).content.decode() for number in "12"]
    assert "Page 2 sur 2" in pages[1]
    assert sorted(["<caption>Ressources en ligne" in page, "<caption>Abonnements" in page] for page in pages) == [
        [False, True], [True, False]]   # one line a page


@pytest.mark.freeze_time(DEMO_NOW)
def test_the_overview_shows_the_most_urgent_invoices_and_links_to_them_all(line, finance_user, client_for,
                                                                            monkeypatch):
    from procurement.contracts.models import Invoice
    from procurement.dashboards.views import finance as views

    monkeypatch.setattr(views, "WATCH_ROWS", 2)
    contract = framework(line, 1)
    client, url = client_for(finance_user), reverse("dashboards:finance-overview")
    client.get(url)
    with CaptureQueriesContext(connection) as none_due:
        client.get(url)
    for number, deadline in enumerate([date(2026, 12, 5), date(2026, 11, 20), date(2026, 12, 1)], start=1):
        Invoice.objects.create(contract=contract, number=f"F-{number}", issued_on=date(2026, 10, 1),
                               received_on=date(2026, 10, 2), payment_deadline=deadline, total_ht=D("100.00"),
                               total_ttc=D("105.50"))
    with CaptureQueriesContext(connection) as more_than_shown:
        html = client.get(url).content.decode()
    assert len(more_than_shown) == len(none_due)
    assert ">F-2<" in html and ">F-3<" in html and ">F-1<" not in html   # the two nearest deadlines
    assert "Les 2 plus proches sur 3." in html and 'href="/marches/factures/?status=unpaid"' in html
