"""The demo: 58 libraries, the BNM resources and their synthetic COUNTER reports for 2025 and 2026."""

from decimal import Decimal

import pytest

from procurement.resources import presentation
from procurement.resources.enums import LibraryTier
from procurement.resources.models import Library, UsageReport
from procurement.resources.selectors import cost_per_use_table, equity, report_list
from tests.clock import load_demo

pytestmark = pytest.mark.django_db


def test_the_demo_shows_a_poor_cost_per_use_and_a_resource_used_in_large_communes_only(demo):
    assert Library.objects.count() == 58
    assert Library.objects.filter(tier=LibraryTier.LARGE).count() == 17
    assert Library.objects.get(is_network_head=True).code == "BML"
    assert UsageReport.objects.count() == 2 * (4 * 58 + 1)
    assert report_list(unmatched_only=True).count() == 2  # the CinéBib trial account, each year

    values = cost_per_use_table(year=2026)
    by_name = {value.resource.name: value for value in values}
    training = by_name["Apprendre+ — autoformation"]
    assert training.cost_ttc == Decimal("58680.00")  # 48 900 € HT ordered in 2026 + 20 % VAT
    assert training.cost_per_use > 10 * by_name["Numilib — livres numériques et audio"].cost_per_use
    poor = [values[index].resource.name for index in presentation.poor_value_indexes(values)]
    assert poor == [training.resource.name]
    assert training.uses_trend < 0

    press = by_name["Kiosque Média — presse en ligne"].resource
    tiers = equity(year=2026)
    large = tiers.tier(LibraryTier.LARGE).per_thousand(press.pk)
    small = tiers.tier(LibraryTier.SMALL).per_thousand(press.pk)
    assert large > 20 * small

    load_demo("--no-users")  # again: replaced, not doubled
    assert UsageReport.objects.count() == 2 * (4 * 58 + 1)
