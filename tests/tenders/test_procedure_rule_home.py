"""The procedure rules each page, guard, service and command calls: the notice date taken at
publication, the earliest bid deadline, the European threshold a need is measured against."""

from datetime import date
from decimal import Decimal

import pytest

from procurement.contracts.rules.figures import eu_threshold
from procurement.core.enums import ReferenceKind
from procurement.tenders.enums import Nature
from procurement.tenders.rules.procedure import (
    earliest_bid_deadline,
    eu_threshold_kind,
    notice_date_at_publication,
    rules_in_force,
)

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("planned", "expected"),
    [(None, TODAY), (date(2026, 11, 20), TODAY), (TODAY, TODAY), (date(2026, 12, 1), date(2026, 12, 1))],
)
def test_the_notice_is_taken_as_sent_on_the_planned_day_or_today_if_that_day_is_past(planned, expected):
    assert notice_date_at_publication(planned=planned, today=TODAY) == expected


def test_the_earliest_bid_deadline_counts_the_days_from_the_notice_and_skips_to_a_working_day():
    assert earliest_bid_deadline(notice=date(2026, 12, 1), min_days=30).end == date(2026, 12, 31)
    # 2026-12-25 + 30 days = Sunday 24 January 2027 → Monday 25 January.
    deadline = earliest_bid_deadline(notice=date(2026, 12, 25), min_days=30)
    assert (deadline.end, deadline.extended_from) == (date(2027, 1, 25), date(2027, 1, 24))


def test_works_use_the_works_threshold_and_everything_else_the_sub_central_supplies_one():
    assert eu_threshold_kind(Nature.WORKS) == ReferenceKind.EU_THRESHOLD_WORKS
    assert eu_threshold_kind(Nature.SUPPLIES) == ReferenceKind.EU_THRESHOLD_SUPPLIES_SERVICES_SUBCENTRAL
    assert eu_threshold_kind(Nature.SERVICES) == ReferenceKind.EU_THRESHOLD_SUPPLIES_SERVICES_SUBCENTRAL


@pytest.mark.django_db
@pytest.mark.parametrize(("nature", "value"), [(Nature.WORKS, "5404000.00"), (Nature.SERVICES, "216000.00")])
def test_the_procedure_advice_and_the_contracts_read_the_same_threshold(nature, value):
    assert rules_in_force(nature=nature, at=TODAY).eu_threshold.value == Decimal(value)
    assert eu_threshold(nature=nature, at=TODAY) == Decimal(value)
