import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from procurement.contracts.models import Invoice
from tests.contracts.factories import ContractFactory
from tests.programmes.factories import BudgetCreditFactory, BudgetLineFactory

pytestmark = pytest.mark.django_db

INVOICE = {"contract": "MAR-FAC-1", "number": "F-2025-031", "issued_on": "2025-05-19", "received_on": "2025-05-21",
           "service_done_on": "2025-05-15", "lines": [{"vat_rate": "20", "amount_ht": "10000.00"}]}


@pytest.fixture
def contract():
    return ContractFactory(reference="MAR-FAC-1", notified=True, start_date=date(2025, 1, 6))


def test_a_buyer_records_an_invoice_and_finance_pays_it_late_with_the_interest(api_for, buyer, finance_user,
                                                                                contract):
    response = api_for(buyer).post("/api/invoices/", INVOICE, format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert (created["total_ttc"], created["payment_deadline"], created["status"]) == (
        "12000.00", "2025-06-20", Invoice.objects.get().status)
    assert api_for(buyer).post(f"/api/invoices/{created['id']}/event/", {"action": "pay", "on": "2025-07-20"},
                               format="json").status_code == 403
    paid = api_for(finance_user).post(f"/api/invoices/{created['id']}/event/",
                                      {"action": "pay", "on": "2025-07-20"}, format="json")
    assert paid.status_code == 200, paid.json()
    # 12 000 € TTC × 11,15 % (3,15 % on 01/01/2025 + 8 points) × 30 / 365, plus the 40 € compensation.
    assert (paid.json()["late_days"], paid.json()["late_interest_rate"], paid.json()["late_interest"],
            paid.json()["late_compensation"]) == (30, "11.15", "109.97", "40.00")


def test_a_suspension_needs_its_reason_and_is_named_per_field(api_for, buyer, contract):
    invoice_id = api_for(buyer).post("/api/invoices/", INVOICE, format="json").json()["id"]
    response = api_for(buyer).post(f"/api/invoices/{invoice_id}/event/", {"action": "interrupt", "on": "2025-05-28"},
                                   format="json")
    assert response.status_code == 400
    assert Invoice.objects.get().interrupted_on is None


def test_a_negative_line_is_refused_with_the_field_and_nothing_is_stored(api_for, buyer, contract):
    bad = {**INVOICE, "lines": [{"vat_rate": "20", "amount_ht": "-5"}]}
    response = api_for(buyer).post("/api/invoices/", bad, format="json")
    assert response.status_code == 400
    assert "amount_ht" in response.json()["lines"]["0"]  # the first line
    assert not Invoice.objects.exists()


def test_evaluators_read_no_invoice_nor_commitment(api_for, evaluator, contract):
    api = api_for(evaluator)
    assert api.get("/api/invoices/").status_code == 403
    assert api.get("/api/commitments/?year_from=2025&year_to=2026").status_code == 403


def test_the_commitments_endpoint_spreads_a_contract_over_its_budget_lines_years_as_the_command(
        api_for, finance_user, capsys):
    line = BudgetLineFactory(operating=True, label="Portail")
    BudgetCreditFactory(budget_line=line, year=2025, amount_ttc=Decimal("150000.00"))
    ContractFactory(reference="MAR-ENG-1", notified=True, budget_line=line, start_date=date(2025, 1, 6))
    response = api_for(finance_user).get("/api/commitments/?year_from=2025&year_to=2027")
    assert response.status_code == 200
    # 98 000 € HT (117 600 € TTC) spread by days over its 12 months, 06/01/2025 to 05/01/2026: 360 days of 365
    # in 2025 (96 657,53 € HT, 115 989,04 € TTC), 5 in 2026; nothing in 2027. No renewal: forecast = committed.
    assert [(year["year"], year["lines"]) for year in response.json()["years"]] == [
        (2025, [{"budget_line": "Portail", "section": "operating", "committed_ht": "96657.53",
                 "committed_ttc": "115989.04", "forecast_ttc": "115989.04", "budget_ttc": "150000.00",
                 "remaining_ttc": "34010.96"}]),
        (2026, [{"budget_line": "Portail", "section": "operating", "committed_ht": "1342.47",
                 "committed_ttc": "1610.96", "forecast_ttc": "1610.96", "budget_ttc": "0.00",
                 "remaining_ttc": "-1610.96"}]),
        (2027, [{"budget_line": "Portail", "section": "operating", "committed_ht": "0.00", "committed_ttc": "0.00",
                 "forecast_ttc": "0.00", "budget_ttc": "0.00", "remaining_ttc": "0.00"}])]
    call_command("commitments", "--year-from", "2025", "--year-to", "2027", "--format", "json")
    assert json.loads(capsys.readouterr().out) == response.json()


def test_commitment_years_in_the_wrong_order_are_a_400_naming_the_field(api_for, finance_user):
    response = api_for(finance_user).get("/api/commitments/?year_from=2030&year_to=2025")
    assert response.status_code == 400
    assert "year_to" in response.json()
    assert api_for(finance_user).get("/api/commitments/?year_from=abc&year_to=2025").status_code == 400
