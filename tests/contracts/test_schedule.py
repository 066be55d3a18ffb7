from datetime import date

from procurement.contracts.rules.schedule import anniversaries, decision_deadline, maintenance_years, periods


def test_a_yearly_framework_renewed_three_times_has_four_back_to_back_periods():
    rows = periods(start=date(2024, 11, 1), duration_months=12, renewal_months=12, renewals=3)
    assert [(p.start, p.end) for p in rows] == [
        (date(2024, 11, 1), date(2025, 10, 31)),
        (date(2025, 11, 1), date(2026, 10, 31)),
        (date(2026, 11, 1), date(2027, 10, 31)),
        (date(2027, 11, 1), date(2028, 10, 31)),
    ]


def test_the_renewal_deadline_is_the_period_end_minus_the_notice():
    assert decision_deadline(end=date(2025, 10, 31), notice_months=3) == date(2025, 7, 31)
    assert decision_deadline(end=date(2026, 5, 31), notice_months=3) == date(2026, 2, 28)


def test_maintenance_from_the_second_year_of_a_four_year_contract_lasts_three_years():
    assert maintenance_years(maintenance_start=date(2025, 10, 15), contract_end=date(2028, 10, 14)) == 3


def test_revision_dates_are_the_anniversaries_of_the_start():
    assert anniversaries(start=date(2024, 10, 15), until=date(2028, 10, 14)) == [
        date(2025, 10, 15), date(2026, 10, 15), date(2027, 10, 15)]
