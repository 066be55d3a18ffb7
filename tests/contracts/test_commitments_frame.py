"""The vectorised schedule (``obligation_frame``) gives every contract exactly the rows of the rule
stated contract by contract (``obligation_rows``), on generated terms that reach the edges: month
ends, closings before the start or within a period, refused renewals, acceptance before the start,
amendments on any day, several revisions on a contract."""

from datetime import date, timedelta
from decimal import Decimal

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from procurement.contracts.rules import commitments as engine
from procurement.contracts.rules import commitments_frame as frames
from procurement.contracts.rules import commitments_years as yearly
from procurement.contracts.rules.schedule import maintenance_years, months_later

D = Decimal
FIRST_DAY = date(2019, 1, 1)

# Month ends and the days around them, where month arithmetic goes wrong first.
days = st.one_of(st.dates(min_value=FIRST_DAY, max_value=date(2032, 12, 31)),
                 st.builds(lambda year, month, back: months_later(date(year, month, 1), 1) - timedelta(days=back),
                           st.integers(2019, 2032), st.integers(1, 12), st.integers(1, 4)))
money = st.integers(0, 10 ** 9).map(lambda value: D(value) / 100)
changes = st.integers(-10 ** 7, 10 ** 7).map(lambda value: D(value) / 100)
rates = st.sampled_from([D("0"), D("2.1"), D("5.5"), D("10"), D("20")])
coefficients = st.integers(90_000_000, 130_000_000).map(lambda value: D(value) / 10 ** 8)


@st.composite
def contract_terms(draw, key: int) -> engine.ContractTerms:
    start = draw(days)
    duration = draw(st.integers(1, 60))
    # Some dates fall on the start or the initial period's end, where a comparison may be off by one.
    near = days | st.sampled_from([start, months_later(start, duration) - timedelta(days=1)])
    return engine.ContractTerms(
        key=key, budget_line=draw(st.sampled_from([None, 1, 2, 3])), vat_rate=draw(rates), start_date=start,
        duration_months=duration, signed=draw(st.booleans() | st.just(True)),
        is_framework=draw(st.booleans()), amount_ht=draw(st.none() | money),
        renewal_months=draw(st.integers(1, 24)), max_renewals=draw(st.integers(0, 5)),
        renewal_count=draw(st.integers(0, 6)), refused_renewal=draw(st.none() | st.integers(0, 6)),
        closed_on=draw(st.none() | near), accepted_on=draw(st.none() | near),
        yearly_maximum_ht=draw(st.none() | money), maintenance_yearly_ht=draw(st.none() | st.just(D("0")) | money),
        maintenance_start=draw(st.none() | near), maintenance_confirmed=draw(st.booleans()),
        maintenance_budget_line=draw(st.none() | st.sampled_from([2, 4])),
        revisions=tuple(draw(st.dictionaries(near, coefficients, max_size=4)).items()),
        orders=tuple(draw(st.lists(st.tuples(days, money, rates), max_size=5))),
        amendments=tuple(draw(st.lists(st.tuples(near, changes, changes), max_size=3))),
    )


def rows_of(frame) -> list[tuple]:
    return sorted(tuple(int(value) for value in row) for row in frame[engine.COLUMNS].itertuples(index=False))


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 6).flatmap(lambda size: st.tuples(*(contract_terms(key) for key in range(1, size + 1)))))
def test_the_vectorised_rows_are_the_rows_of_each_contract(terms):
    expected = engine.rows_frame([row for item in terms for row in engine.obligation_rows(item)])
    assert rows_of(frames.obligation_frame(frames.tables_of(terms))) == rows_of(expected)


@settings(max_examples=200, deadline=None)
@given(days, st.integers(-30, 400))
def test_adding_months_to_day_numbers_is_months_later(day, months):
    assert frames.add_months(np.array([frames.day_number(day)]), [months])[0] == frames.day_number(
        months_later(day, months))


@settings(max_examples=200, deadline=None)
@given(days, days)
def test_whole_years_over_day_numbers_are_the_maintenance_years(start, end):
    assert frames.whole_years(np.array([frames.day_number(start)]), np.array([frames.day_number(end)]))[0] == (
        maintenance_years(maintenance_start=start, contract_end=end))


def test_a_hand_computed_subscription_gives_the_same_schedule_through_the_tables():
    # 100 000 € HT a year from 01/03/2025, renewed once, revised by 1,02 on 01/03/2026 (see test_commitments).
    terms = engine.ContractTerms(key=1, budget_line=1, vat_rate=D("20"), start_date=date(2025, 3, 1),
                                 duration_months=12, amount_ht=D("100000.00"), max_renewals=3, renewal_count=1,
                                 revisions=((date(2026, 3, 1), D("1.0200")),))
    table = yearly.schedule(frames.obligation_frame(frames.tables_of([terms])), year_from=2026, year_to=2027)
    assert table[["year", *yearly.MONEY_COLUMNS]].values.tolist() == [
        [2026, 10_200_000, 12_240_000, 10_200_000, 12_240_000],   # 102 000 € HT, 122 400 € TTC
        [2027, 0, 0, 10_200_000, 12_240_000],                       # the next renewal: forecast only
    ]


def test_a_coefficient_with_more_than_eight_decimals_is_refused():
    import pytest

    with pytest.raises(ValueError, match="eight decimals"):
        frames.coefficient_units(D("1.000000001"))
