"""The commitments read from the database (only the contracts and rows that can reach the years asked,
their terms as columns, the schedule in one pass) are the figures of the rule applied to every signed
contract one by one, all its orders, revisions, amendments and renewal decisions included, on
contracts chosen to sit at the edges of the years: ended or terminated long before, closed within,
orders and amendments dated outside their periods, an acceptance years after the start, a maintenance
waiting for its acceptance, a refused renewal (and one numbered 0, which leaves no period)."""

from datetime import date
from decimal import Decimal

import pytest

from procurement.contracts.enums import ContractState, MaintenanceStart, RenewalDecisionKind, RenewalMode
from procurement.contracts.models import Amendment, Contract, PriceRevision, PurchaseOrder, RenewalDecision
from procurement.contracts.rules import commitments as engine
from procurement.contracts.rules import commitments_years as yearly
from procurement.contracts.rules.schedule import months_later
from procurement.contracts.selectors.finance import commitments
from tests.contracts.factories import ContractFactory, awarded_lot
from tests.programmes.factories import BudgetCreditFactory, BudgetLineFactory, ProgrammeFactory

D = Decimal


def terms_of(contract: Contract) -> engine.ContractTerms:
    """The rule's input, read field by field from the contract and its related rows."""
    maintenance_start, confirmed = contract.maintenance_starts_on, True
    if contract.maintenance_yearly_ht and maintenance_start is None:
        maintenance_start, confirmed = months_later(contract.start_date, 12), False
    refused = [d.renewal_number for d in contract.renewal_decisions.filter(decision=RenewalDecisionKind.REFUSE)]
    return engine.ContractTerms(
        key=contract.pk, budget_line=contract.budget_line_id, vat_rate=contract.vat_rate,
        start_date=contract.start_date, duration_months=contract.duration_months,
        signed=contract.state != ContractState.TO_SIGN, is_framework=contract.is_framework,
        amount_ht=contract.amount_ht, renewal_months=contract.renewal_months, max_renewals=contract.max_renewals,
        renewal_count=contract.renewal_count, refused_renewal=min(refused) if refused else None,
        closed_on=contract.ended_on or contract.terminated_on, accepted_on=contract.accepted_on,
        yearly_maximum_ht=contract.yearly_maximum_ht, maintenance_yearly_ht=contract.maintenance_yearly_ht,
        maintenance_start=maintenance_start,
        maintenance_confirmed=confirmed and not (contract.maintenance_start == MaintenanceStart.ACCEPTANCE
                                                 and contract.accepted_on is None),
        maintenance_budget_line=contract.maintenance_budget_line_id,
        revisions=tuple((r.revision_on, r.coefficient) for r in contract.revisions.all()),
        orders=tuple((o.ordered_on, o.amount_ht, o.vat_rate) for o in contract.orders.all()),
        amendments=tuple((a.signed_on, a.amount_change_ht, a.yearly_maximum_change_ht)
                         for a in contract.amendments.all()))


def expected(year_from: int, year_to: int) -> tuple[dict, dict]:
    """Per (budget line, year) and per (contract, budget line, year): the four amounts in euros."""
    rows = [row for contract in Contract.objects.all() for row in engine.obligation_rows(terms_of(contract))]
    table = yearly.schedule(engine.rows_frame(rows), year_from=year_from, year_to=year_to)
    money = yearly.cents_to_money

    def amounts(frame, keys):
        return {tuple(int(v) for v in key): tuple(money(v) for v in values)
                for key, values in zip(frame[keys].values.tolist(), frame[yearly.MONEY_COLUMNS].values.tolist(),
                                       strict=True)}

    return (amounts(yearly.by_budget_line(table), ["budget_line", "year"]),
            amounts(table, ["contract", "budget_line", "year"]))


def cell_amounts(cell) -> tuple:
    return (cell.committed_ht, cell.committed_ttc, cell.forecast_ht, cell.forecast_ttc)


def contract(line, *, start: date, state=ContractState.NOTIFIED, **fields) -> Contract:
    framework = fields.get("is_framework", False)
    renewals = fields.get("max_renewals", 0)
    created = ContractFactory(notified=True, budget_line=line, start_date=start, framework=framework,
                              lot=awarded_lot(is_framework=framework, renewals=renewals),
                              **{k: v for k, v in fields.items() if k != "is_framework"})
    if state != ContractState.NOTIFIED:
        Contract.objects.filter(pk=created.pk).update(state=state)
    return created


@pytest.fixture
def edges(db):
    programme = ProgrammeFactory()
    investment = BudgetLineFactory(programme=programme, label="Équipement")
    operating = BudgetLineFactory(programme=programme, operating=True, label="Abonnements")
    for line in (investment, operating):
        for year in range(2018, 2033):
            BudgetCreditFactory(budget_line=line, year=year, amount_ttc=D("90000.00"))
    # A framework renewed twice from 2019, ended in 2021, with orders before its start and after its end.
    ended = contract(operating, start=date(2019, 1, 31), is_framework=True, state=ContractState.ENDED,
                     ended_on=date(2021, 1, 30), renewal_count=1, vat_rate=D("5.5"))
    for number, day in enumerate([date(2018, 11, 5), date(2019, 6, 1), date(2020, 2, 29), date(2027, 4, 1)], 1):
        PurchaseOrder.objects.create(contract=ended, number=number, ordered_on=day, description="Crédits",
                                     amount_ht=D("3333.33"), vat_rate=D("5.5"))
    # A lump sum accepted six years after its start, with an amendment signed long after.
    late = contract(investment, start=date(2020, 10, 1), amount_ht=D("73000.00"), duration_months=24,
                    accepted_on=date(2026, 9, 30))
    Amendment.objects.create(contract=late, number=1, basis="R2194-8", object="Reprise",
                             amount_change_ht=D("-1500.00"), signed_on=date(2029, 3, 1),
                             change_share=D("-2"), cumulated_share=D("-2"))
    # A subscription from the end of a month, revised, one renewal refused, maintenance on its own line
    # waiting for the acceptance.
    subscription = contract(investment, start=date(2024, 1, 31), amount_ht=D("41000.00"),
                            renewal_mode=RenewalMode.TACIT, max_renewals=4, renewal_count=2,
                            maintenance_yearly_ht=D("5000.00"), maintenance_start=MaintenanceStart.ACCEPTANCE,
                            maintenance_budget_line=operating)
    revision = PriceRevision.objects.create(
        contract=subscription, revision_on=date(2025, 1, 31), series_code="SYNTEC", base_month=date(2023, 10, 1),
        index_month=date(2024, 10, 1), base_index=D("300"), index=D("309"), fixed_part=D("0.15"),
        raw_coefficient=D("1.0255000000"), coefficient=D("1.02550000"), rounding="4 décimales",
        base_price_ht=D("41000.00"), price_ht=D("42045.50"))
    revision.pk, revision.revision_on, revision.coefficient = None, date(2026, 1, 31), D("1.04123457")
    revision.save()
    RenewalDecision.objects.create(contract=subscription, renewal_number=3, decision=RenewalDecisionKind.REFUSE,
                                   decided_on=date(2026, 9, 1), deadline=date(2026, 10, 31))
    # Terminated within its first period; a framework whose yearly maximum an amendment raised.
    contract(operating, start=date(2022, 5, 15), amount_ht=D("12000.00"), state=ContractState.TERMINATED,
             terminated_on=date(2022, 9, 30), termination_reason="Défaillance")
    raised = contract(operating, start=date(2026, 3, 1), is_framework=True, vat_rate=D("20"))
    Amendment.objects.create(contract=raised, number=1, basis="R2194-8", object="Hausse",
                             yearly_maximum_change_ht=D("6000.00"), signed_on=date(2027, 6, 1),
                             change_share=D("5"), cumulated_share=D("5"))
    # A refusal numbered 0 (no period at all) on a framework whose periods end before an order it carries.
    cancelled = contract(operating, start=date(2019, 1, 1), is_framework=True)
    PurchaseOrder.objects.create(contract=cancelled, number=1, ordered_on=date(2027, 5, 1), description="Crédits",
                                 amount_ht=D("800.00"), vat_rate=D("20"))
    RenewalDecision.objects.create(contract=cancelled, renewal_number=0, decision=RenewalDecisionKind.REFUSE,
                                   decided_on=date(2019, 1, 1), deadline=date(2019, 1, 1))
    # Not signed, and signed without a budget line: nothing.
    ContractFactory(budget_line=investment, start_date=date(2026, 1, 1))
    contract(None, start=date(2026, 1, 1), amount_ht=D("5000.00"))
    return investment, operating


@pytest.mark.parametrize(("year_from", "year_to"), [(2018, 2018), (2019, 2021), (2022, 2022), (2024, 2026),
                                                    (2025, 2030),
                                                    (2027, 2027), (2029, 2032), (2033, 2040)])
def test_the_figures_read_from_the_database_are_the_rule_applied_contract_by_contract(edges, year_from, year_to):
    lines, contracts = expected(year_from, year_to)
    table = commitments(year_from=year_from, year_to=year_to)
    zero = (D("0.00"),) * 4
    assert {(row.line.pk, year): cell_amounts(cell) for row in table.lines for year, cell in row.year_cells} == {
        (line.pk, year): lines.get((line.pk, year), zero) for line in edges for year in table.years}
    assert {(row.contract.pk, row.line.pk, year): cell_amounts(cell) for row in table.contracts
            for year, cell in row.year_cells if cell.has_amount} == {
        key: value for key, value in contracts.items() if any(value)}
    assert {row.contract.pk for row in table.contracts} == {contract for contract, _, _ in contracts}


def test_without_years_the_table_runs_over_every_year_with_credits_or_amounts(edges):
    table = commitments()
    assert (table.years[0], table.years[-1]) == (2018, 2032)
    lines, _ = expected(2018, 2032)
    assert {(row.line.pk, year): cell_amounts(cell) for row in table.lines for year, cell in row.year_cells
            if any(cell_amounts(cell))} == {key: value for key, value in lines.items() if any(value)}
