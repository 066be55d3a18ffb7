"""The late-interest calculator: the command with a worked example, its refusals (exit 2,
one French line), and the page reached from the invoice list and an invoice."""

import html
import json
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from procurement.contracts.management.commands.late_interest import Command
from procurement.contracts.services.invoices import invoice_receive
from tests.contracts.factories import ContractFactory

pytestmark = pytest.mark.django_db
EXAMPLE = ["--amount-ttc", "12000", "--received", "2026-03-02", "--paid", "2026-04-20"]


def run_cli(capsys, *args):
    status = 0
    try:
        Command().run_from_argv(["manage.py", "late_interest", *args])
    except SystemExit as exit_:
        status = exit_.code
    out, err = capsys.readouterr()
    return status, out, err


def test_the_command_gives_the_issues_worked_example(capsys):
    status, out, _ = run_cli(capsys, *EXAMPLE, "--format", "json")
    data = json.loads(out)
    assert status == 0
    # 01/04 + 19 days; 12 000 × (2,15 % + 8) × 19 / 365 = 63,403… ; + 40 €
    assert {key: value for key, value in data.items() if key != "sources"} == {
        "deadline": "2026-04-01", "days_late": 19, "rate": "10.15", "interest": "63.40", "indemnity": "40.00",
        "total": "103.40", "rate_confirmed": True}
    assert any("R.2192-10" in source for source in data["sources"])
    assert any("D.2192-35" in source for source in data["sources"])


def test_a_rate_to_confirm_is_said_so(capsys):
    _, out, _ = run_cli(capsys, "--amount-ttc", "12000", "--received", "2026-06-02", "--paid", "2026-08-20",
                        "--format", "json")
    data = json.loads(out)
    assert (data["deadline"], data["days_late"], data["rate_confirmed"]) == ("2026-07-02", 49, False)


# One command per test: run_from_argv closes the database connections when it ends, as from a shell.
def test_a_service_done_later_moves_the_deadline(capsys):
    _, out, _ = run_cli(capsys, "--amount-ttc", "12000", "--received", "2026-03-02", "--service-done", "2026-03-10",
                        "--paid", "2026-04-20", "--format", "json")
    assert json.loads(out)["deadline"] == "2026-04-09"


def test_a_suspension_moves_the_deadline(capsys):
    _, out, _ = run_cli(capsys, "--amount-ttc", "12000", "--received", "2026-03-02", "--suspended-from", "2026-03-05",
                        "--resumed-on", "2026-03-20", "--paid", "2026-04-20", "--format", "json")
    assert json.loads(out)["deadline"] == "2026-04-19"  # 30 new days from the resumption


def test_paid_on_time_owes_nothing(capsys):
    _, out, _ = run_cli(capsys, "--amount-ttc", "12000", "--received", "2026-03-02", "--paid", "2026-04-01",
                        "--format", "json")
    data = json.loads(out)
    assert (data["days_late"], data["interest"], data["indemnity"], data["total"]) == (0, "0.00", "0.00", "0.00")


@pytest.mark.parametrize(("args", "message"), [
    (["--amount-ttc", "-1", "--received", "2026-03-02", "--paid", "2026-04-20"], "strictement positif"),
    (["--amount-ttc", "100", "--received", "2026-02-30", "--paid", "2026-04-20"], "« 2026-02-30 » n'est pas une date"),
    (["--amount-ttc", "100", "--received", "2026-03-02", "--paid", "2026-02-20"], "précède la réception"),
    (["--amount-ttc", "100", "--received", "2026-03-02", "--paid", "2026-04-20", "--suspended-from", "2026-03-05"],
     "--resumed-on : Une suspension du délai se donne avec sa date de début et sa date de reprise"),
    (["--amount-ttc", "100", "--received", "2026-03-02"], "argument(s) obligatoire(s) manquant(s) : --paid"),
])
def test_bad_input_exits_2_with_one_french_line(capsys, args, message):
    status, out, err = run_cli(capsys, *args, "--format", "json")
    assert (status, out) == (2, "")
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_the_page_is_linked_from_the_invoice_list_and_computes(client_for, finance_user):
    client = client_for(finance_user)
    url = reverse("contracts:late-interest")
    assert f'href="{url}"' in client.get(reverse("contracts:invoices")).content.decode()
    page = client.get(url, {"amount_ttc": "12000", "received_on": "2026-03-02", "paid_on": "2026-04-20"})
    text = html.unescape(page.content.decode())
    assert page.status_code == 200
    assert "01/04/2026" in text and "63,40\u00a0€" in text and "103,40\u00a0€" in text and "10,15" in text
    assert "à confirmer" not in text


def test_an_invoice_links_to_the_calculator_with_its_amount_and_dates(client_for, buyer):
    contract = ContractFactory(notified=True, start_date=date(2025, 1, 6))
    invoice = invoice_receive(contract=contract, number="F-1", issued_on=date(2026, 3, 2), received_on=date(2026, 3, 2),
                              service_done_on=None, lines=[(Decimal("20"), Decimal("10000.00"))], by=buyer,
                              today=date(2026, 3, 3))
    page = client_for(buyer).get(reverse("contracts:invoice-detail", args=[invoice.pk]))
    assert (f'href="{reverse("contracts:late-interest")}?amount_ttc=12000.00&amp;received_on=2026-03-02"'
            in page.content.decode())


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"amount_ttc": "-5", "received_on": "2026-03-02", "paid_on": "2026-04-20"}, "amount_ttc", "supérieure ou égale"),
    ({"amount_ttc": "abc", "received_on": "2026-03-02", "paid_on": "2026-04-20"}, "amount_ttc", "Saisissez un nombre"),
    ({"amount_ttc": "100", "received_on": "2026-02-30", "paid_on": "2026-04-20"}, "received_on", "date valide"),
    ({"amount_ttc": "100", "received_on": "2026-03-02", "paid_on": "2026-01-20"}, "paid_on", "précède la réception"),
    ({"amount_ttc": "100", "received_on": "2026-03-02", "paid_on": "2026-04-20", "resumed_on": "2026-03-20"},
     "suspended_from", "sa date de début et sa date de reprise"),
    ({"amount_ttc": "100", "received_on": "1900-03-02", "paid_on": "1900-04-20"}, None, "Aucune valeur"),
])
def test_hostile_input_gives_french_form_errors(client_for, finance_user, data, field, message):
    page = client_for(finance_user).get(reverse("contracts:late-interest"), data)
    assert page.status_code == 200
    errors = page.context["form"].errors.get(field or "__all__", [])
    assert message in " ".join(errors)
