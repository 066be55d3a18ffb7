import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from procurement.contracts.enums import RenewalDecisionKind, RenewalMode
from procurement.contracts.models import PurchaseOrder, RenewalDecision
from procurement.contracts.rules import commitments as engine
from procurement.contracts.rules import commitments_years as yearly
from procurement.contracts.selectors.finance import commitments
from tests.contracts.factories import ContractFactory, awarded_lot
from tests.programmes.factories import BudgetCreditFactory, BudgetLineFactory

D = Decimal


def table(*terms, year_from=2025, year_to=2030):
    rows = [row for item in terms for row in engine.obligation_rows(item)]
    frame = yearly.schedule(engine.rows_frame(rows), year_from=year_from, year_to=year_to)
    return frame.set_index(["contract", "budget_line", "year"])


def money(frame, contract, line, year):
    """(committed HT, committed TTC, forecast HT, forecast TTC) in euros."""
    if (contract, line, year) not in frame.index:
        return (D("0.00"),) * 4
    return tuple(yearly.cents_to_money(v) for v in frame.loc[(contract, line, year), yearly.MONEY_COLUMNS])


def subscription(**changes):
    """100 000 € HT a year from 01/03/2025, renewable three times, renewed once; the price revised by
    1,02 on 01/03/2026; maintenance 10 000 € HT a year from 01/03/2026 on line 2."""
    values = {"key": 1, "budget_line": 1, "vat_rate": D("20"), "start_date": date(2025, 3, 1), "duration_months": 12,
              "amount_ht": D("100000.00"), "max_renewals": 3, "renewal_count": 1,
              "maintenance_yearly_ht": D("10000.00"), "maintenance_start": date(2026, 3, 1),
              "maintenance_budget_line": 2, "revisions": ((date(2026, 3, 1), D("1.0200")),)}
    values.update(changes)
    return engine.ContractTerms(**values)


def test_hand_computed_year_of_a_renewed_subscription_with_revision_and_maintenance():
    frame = table(subscription())
    # 2026: the renewed period starts on 01/03/2026 at 100 000 × 1,02 = 102 000 € HT, 122 400 € TTC.
    assert money(frame, 1, 1, 2026) == (D("102000.00"), D("122400.00"), D("102000.00"), D("122400.00"))
    # Maintenance from 01/03/2026 at 10 000 × 1,02, imputed on its own line.
    assert money(frame, 1, 2, 2026) == (D("10200.00"), D("12240.00"), D("10200.00"), D("12240.00"))
    # 2027: the next renewal is not refused: forecast only.
    assert money(frame, 1, 1, 2027) == (D("0.00"), D("0.00"), D("102000.00"), D("122400.00"))


def test_a_refused_renewal_leaves_the_forecast_and_the_maintenance_it_carried():
    frame = table(subscription(refused_renewal=2))
    assert money(frame, 1, 1, 2026)[0] == D("102000.00")
    assert money(frame, 1, 1, 2027) == (D("0.00"),) * 4
    assert money(frame, 1, 2, 2027) == (D("0.00"),) * 4   # the contract ends on 28/02/2027


def test_framework_forecast_adds_what_the_orders_leave_of_the_yearly_estimate():
    terms = engine.ContractTerms(
        key=3, budget_line=5, vat_rate=D("5.5"), start_date=date(2025, 1, 1), duration_months=12,
        is_framework=True, max_renewals=3, yearly_maximum_ht=D("120000.00"),
        orders=((date(2025, 2, 1), D("45000.00"), D("5.5")), (date(2025, 7, 1), D("30000.00"), D("5.5"))))
    frame = table(terms)
    assert money(frame, 3, 5, 2025) == (D("75000.00"), D("79125.00"), D("120000.00"), D("126600.00"))
    assert money(frame, 3, 5, 2026) == (D("0.00"), D("0.00"), D("120000.00"), D("126600.00"))
    assert money(frame, 3, 5, 2029) == (D("0.00"),) * 4


def test_lump_sum_is_spread_by_days_up_to_the_acceptance():
    terms = engine.ContractTerms(key=4, budget_line=6, vat_rate=D("20"), start_date=date(2025, 10, 1),
                                 duration_months=24, amount_ht=D("73000.00"), accepted_on=date(2026, 3, 31))
    frame = table(terms)
    # 92 days in 2025 and 90 in 2026: 73 000 × 92 / 182 = 36 901,10 € HT.
    assert money(frame, 4, 6, 2025)[0] == D("36901.10")
    assert money(frame, 4, 6, 2026)[0] == D("36098.90")


def test_an_unsigned_contract_commits_nothing():
    assert engine.obligation_rows(subscription(signed=False)) == []


@pytest.fixture
def framework_on_line(db, buyer):
    line = BudgetLineFactory(operating=True, label="Ressources en ligne")
    BudgetCreditFactory(budget_line=line, year=2026, amount_ttc=D("150000.00"))
    contract = ContractFactory(
        notified=True, framework=True, budget_line=line, start_date=date(2026, 1, 1), vat_rate=D("5.5"),
        lot=awarded_lot(is_framework=True, renewals=3, vat_rate=D("5.5")))
    PurchaseOrder.objects.create(contract=contract, number=1, ordered_on=date(2026, 2, 2), description="Crédits",
                                 amount_ht=D("40000.00"), vat_rate=D("5.5"))
    return contract


def test_commitments_command_prints_every_year_and_the_remaining_budget(framework_on_line, capsys):
    call_command("commitments", "--year-from", "2025", "--year-to", "2030", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert [item["year"] for item in data["years"]] == [2025, 2026, 2027, 2028, 2029, 2030]
    line_2026 = data["years"][1]["lines"][0]
    assert line_2026 == {"budget_line": "Ressources en ligne", "section": "operating", "committed_ht": "40000.00",
                         "committed_ttc": "42200.00", "forecast_ttc": "126600.00", "budget_ttc": "150000.00",
                         "remaining_ttc": "107800.00"}
    assert data["years"][0]["lines"][0]["committed_ttc"] == "0.00"


def test_refusing_the_renewal_removes_the_next_years_from_the_forecast(framework_on_line, buyer):
    before = commitments(year_from=2027, year_to=2027)
    assert before.lines[0].cells[2027].forecast_ttc == D("126600.00")
    RenewalDecision.objects.create(contract=framework_on_line, renewal_number=1, decision=RenewalDecisionKind.REFUSE,
                                   decided_on=date(2026, 9, 1), deadline=date(2026, 9, 30), reason="Usage faible")
    after = commitments(year_from=2027, year_to=2027)
    assert after.lines[0].cells[2027].forecast_ttc == D("0.00")
    assert framework_on_line.renewal_mode == RenewalMode.TACIT


@pytest.mark.parametrize(("args", "message"), [
    (["--year-from", "2030", "--year-to", "2025"], "--year-from (2030) est après --year-to (2025)"),
    (["--year-from", "deux", "--year-to", "2025"], "« deux » n'est pas une année"),
])
def test_commitments_command_refuses_bad_years_with_status_2(db, args, message):
    with pytest.raises(CommandError) as error:
        call_command("commitments", *args, "--format", "json")
    assert error.value.returncode == 2
    assert message in str(error.value)
