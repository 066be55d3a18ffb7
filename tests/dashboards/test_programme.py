"""The programme page, its budget against commitments, and the programme_status command."""

import json
from datetime import date
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from freezegun import freeze_time

from procurement.contracts.enums import ContractState
from procurement.contracts.models import PurchaseOrder
from procurement.contracts.selectors.finance import commitments
from procurement.dashboards.selectors.programme import budget_against_committed
from procurement.dashboards.timeline import build_timeline
from procurement.programmes.services import phase_upsert
from tests.contracts.factories import ContractFactory, awarded_lot
from tests.factories import UserFactory
from tests.programmes.factories import BudgetCreditFactory, BudgetLineFactory, ProgrammeFactory
from tests.tenders.factories import TenderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    """Investment: 350 000 € TTC voted in 2025; operating: 300 000 € TTC in 2025 and in 2026.
    A portal (250 000 € HT at 20 %, from 03/03/2025 for 36 months, maintenance 10 000 € HT a year from
    the first anniversary) and a framework with two orders (50 000 € HT at 5,5 % in 2025, 10 000 € HT at
    20 % in 2026); a contract still to sign, which commits nothing."""
    programme = ProgrammeFactory(reference="BNM")
    investment = BudgetLineFactory(programme=programme, label="Portail")
    operating = BudgetLineFactory(programme=programme, label="Ressources", operating=True)
    BudgetCreditFactory(budget_line=investment, year=2025, amount_ttc=D("350000.00"))
    BudgetCreditFactory(budget_line=operating, year=2025, amount_ttc=D("300000.00"))
    BudgetCreditFactory(budget_line=operating, year=2026, amount_ttc=D("300000.00"))
    ContractFactory(lot=awarded_lot(programme=programme), budget_line=investment, amount_ht=D("250000.00"),
                    start_date=date(2025, 3, 3), duration_months=36, maintenance_yearly_ht=D("10000.00"),
                    state=ContractState.NOTIFIED)
    framework = ContractFactory(framework=True, lot=awarded_lot(programme=programme, is_framework=True, renewals=3),
                                budget_line=operating, start_date=date(2025, 1, 6), state=ContractState.NOTIFIED)
    PurchaseOrder.objects.create(contract=framework, number=1, ordered_on=date(2025, 4, 1), description="Livres",
                                 amount_ht=D("50000.00"), vat_rate=D("5.5"))
    PurchaseOrder.objects.create(contract=framework, number=2, ordered_on=date(2026, 1, 15), description="Presse",
                                 amount_ht=D("10000.00"), vat_rate=D("20"))
    ContractFactory(lot=awarded_lot(programme=programme), budget_line=investment, amount_ht=D("90000.00"))
    return programme


def test_the_programme_budget_reads_the_finance_schedule(programme):
    rows = {(row.section, row.year): (row.budget_ttc, row.committed_ttc, row.remaining_ttc)
            for row in budget_against_committed(programme)}
    # The portal's 300 000 € TTC spread day by day from 03/03/2025 to 02/03/2028 (no acceptance
    # recorded): 304 days of 1 096 in 2025; its maintenance waits for the acceptance (forecast only).
    assert rows[("investment", 2025)] == (D("350000.00"), D("83211.68"), D("266788.32"))
    assert rows[("investment", 2026)] == (D("0.00"), D("111908.75"), D("-111908.75"))
    assert rows[("investment", 2028)] == (D("0.00"), D("16970.81"), D("-16970.81"))
    # The orders, each in the year it was placed: 50 000 × 1,055, then 10 000 × 1,20.
    assert rows[("operating", 2025)] == (D("300000.00"), D("52750.00"), D("247250.00"))
    assert rows[("operating", 2026)] == (D("300000.00"), D("12000.00"), D("288000.00"))
    finance = commitments(year_from=2025, year_to=2028, programme=programme)
    assert {key: value[1] for key, value in rows.items()} == {
        (section, year): finance.section_year(section, year).committed_ttc
        for section in finance.sections for year in finance.years if (section, year) in rows}


def phases(programme):
    staff_user = UserFactory(admin=True)  # the programme's phases are the administrators'
    phase_upsert(programme=programme, position=1, name="Consultations", planned_start=date(2024, 5, 1),
                 planned_end=date(2024, 12, 31), actual_start=date(2024, 5, 13), actual_end=date(2024, 11, 1),
                 by=staff_user)
    phase_upsert(programme=programme, position=2, name="Réalisation du portail", planned_start=date(2025, 1, 1),
                 planned_end=date(2025, 5, 31), actual_start=date(2025, 1, 6), actual_end=date(2025, 6, 27),
                 by=staff_user)
    phase_upsert(programme=programme, position=3, name="Tests et formation", planned_start=date(2025, 6, 1),
                 planned_end=date(2025, 8, 31), actual_start=date(2025, 6, 30), by=staff_user)


@freeze_time("2025-09-10")
def test_programme_status_prints_the_issue_json(programme):
    phases(programme)
    TenderFactory(programme=programme, reference="BNM-2024-09", mapa=True, consultation_start=date(2024, 9, 2))
    out = StringIO()
    call_command("programme_status", "--programme", "BNM", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert set(data) == {"programme", "phases", "procurements", "budget"}
    assert data["programme"] == "BNM"
    assert data["phases"] == [
        {"name": "Consultations", "planned_start": "2024-05-01", "planned_end": "2024-12-31",
         "actual_end": "2024-11-01", "late_days": 0},
        {"name": "Réalisation du portail", "planned_start": "2025-01-01", "planned_end": "2025-05-31",
         "actual_end": "2025-06-27", "late_days": 27},
        {"name": "Tests et formation", "planned_start": "2025-06-01", "planned_end": "2025-08-31",
         "actual_end": None, "late_days": 10},   # still open on 10/09/2025
    ]
    assert {"reference": "BNM-2024-09", "procedure": "mapa", "state": "draft"} in data["procurements"]
    assert {row["procedure"] for row in data["procurements"]} <= {
        "dispense", "mapa", "appel_offres_ouvert"}
    assert {"section": "investment", "year": 2025, "budget_ttc": "350000.00", "committed_ttc": "83211.68"} \
        in data["budget"]


def test_programme_status_refuses_an_unknown_reference_with_exit_status_2(capsys):
    from procurement.dashboards.management.commands.programme_status import Command

    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(["manage.py", "programme_status", "--programme", "NOPE", "--format", "json"])
    out, err = capsys.readouterr()
    assert exit_info.value.code == 2
    assert (out, err.strip()) == ("", "Erreur : aucun programme ne porte la référence « NOPE ».")


def test_the_programme_page_shows_late_phases_and_commitments(client_for, finance_user, programme):
    phases(programme)
    with freeze_time("2025-09-10"):
        response = client_for(finance_user).get(reverse("dashboards:programme-detail", args=["BNM"]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "2 phases en retard" in content
    assert "27 jours" in content and "10 jours" in content
    assert "<svg" in content and "#a4161a" in content
    assert "83\u00a0211,68\u00a0€" in content
    assert 'id="committed-rule"' in content


def test_the_programme_page_is_for_buyers_and_finance(client_for, evaluator, programme):
    response = client_for(evaluator).get(reverse("dashboards:programme-detail", args=["BNM"]))
    assert response.status_code == 403


def test_an_unknown_programme_page_is_404(client_for, buyer):
    assert client_for(buyer).get(reverse("dashboards:programme-detail", args=["NOPE"])).status_code == 404


def test_the_programme_page_runs_a_constant_number_of_queries(client_for, buyer, programme,
                                                              django_assert_max_num_queries, staff_user):
    phases(programme)
    url = reverse("dashboards:programme-detail", args=["BNM"])
    client = client_for(buyer)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for number in range(4, 10):
        phase_upsert(programme=programme, position=number, name=f"Phase {number}", planned_start=date(2026, 1, 1),
                     planned_end=date(2026, 2, 28), by=staff_user)
        TenderFactory(programme=programme)
        ContractFactory(lot=awarded_lot(programme=programme), budget_line=programme.budget_lines.first(),
                        state=ContractState.NOTIFIED)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_timeline_places_bars_by_date():
    from procurement.dashboards.selectors.programme import PhaseRow

    row = PhaseRow(name="Réalisation", position=1, planned_start=date(2025, 1, 1), planned_end=date(2025, 12, 31),
                   actual_start=date(2025, 1, 1), actual_end=None, late_days=0)
    timeline = build_timeline([row], today=date(2025, 7, 2))
    [drawn] = timeline.rows
    assert drawn.planned.x == 40 and drawn.planned.width == pytest.approx(718.0, abs=0.2)
    assert drawn.actual.width == pytest.approx(360.0, abs=1)   # half the year, up to today
    assert [tick.label for tick in timeline.ticks] == ["2025"]
