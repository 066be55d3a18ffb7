"""Cost per use and equity: worked examples."""

import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from procurement.resources.enums import LibraryTier, ResourceKind
from procurement.resources.selectors import cost_per_use, cost_per_use_table, equity, per_thousand, resource_value
from tests.contracts.factories import ContractFactory
from tests.resources.factories import LibraryFactory, PlatformFactory, ResourceFactory, order, usage

pytestmark = pytest.mark.django_db


@pytest.fixture
def books():
    """Half of a framework lot (e-books at 5.5 % VAT) with 12 000 € HT ordered in 2026 and 9 000 € HT in
    2025 (an order of 2024 does not count)."""
    contract = ContractFactory(framework=True, notified=True)
    order(contract, on=date(2024, 12, 20), amount_ht="4000.00")
    order(contract, on=date(2025, 3, 10), amount_ht="9000.00")
    order(contract, on=date(2026, 3, 10), amount_ht="10000.00")
    order(contract, on=date(2026, 9, 1), amount_ht="2000.00")
    return ResourceFactory(name="Livres", kind=ResourceKind.EBOOK, contract=contract, share_percent=Decimal("50"))


def test_cost_per_use_worked_example(books):
    library = LibraryFactory()
    usage(platform=books.platform, library=library, year=2026, metric="Unique_Title_Requests",
          monthly=[100, 134, 1000])
    usage(platform=books.platform, library=library, year=2026, metric="Total_Item_Requests", monthly=[5000])
    value = resource_value(resource=books, year=2026)
    # 50 % of 12 000,00 € HT = 6 000,00 € HT; 5,5 % VAT → 6 330,00 € TTC; 1 234 unique title requests
    assert value.cost_ht == Decimal("6000.00")
    assert value.cost_ttc == Decimal("6330.00")
    assert (value.metric, value.uses) == ("Unique_Title_Requests", 1234)
    assert value.cost_per_use == Decimal("5.13")  # 6 330 / 1 234 = 5,1296… half-up to the cent


def test_the_trend_compares_with_the_previous_year(books):
    library = LibraryFactory()
    usage(platform=books.platform, library=library, year=2025, metric="Unique_Title_Requests", monthly=[1000])
    usage(platform=books.platform, library=library, year=2026, metric="Unique_Title_Requests", monthly=[1234])
    value = resource_value(resource=books, year=2026)
    assert value.previous_cost_ttc == Decimal("4747.50")  # 4 500,00 € HT + 5,5 %
    assert value.previous_cost_per_use == Decimal("4.75")
    assert value.uses_trend == Decimal("23.4")
    assert value.cost_per_use_trend == Decimal("8.0")  # 5,13 against 4,75


def test_without_uses_the_cost_per_use_is_null(books):
    value = resource_value(resource=books, year=2026)
    assert value.uses == 0
    assert value.cost_per_use is None
    assert cost_per_use(Decimal("10"), 0) is None


def test_the_default_metric_is_unique_item_requests_beyond_books():
    press = ResourceFactory(kind=ResourceKind.PRESS, platform=PlatformFactory(name="Kiosque"), report_id="DR_D1")
    usage(platform=press.platform, library=None, year=2026, metric="Unique_Item_Requests", monthly=[40],
          report_id="DR_D1")
    usage(platform=press.platform, library=None, year=2026, metric="Unique_Title_Requests", monthly=[7],
          report_id="DR_D1", institution="ISIL:AUTRE")
    [row] = cost_per_use_table(year=2026)
    assert (row.metric, row.uses, row.cost_ttc) == ("Unique_Item_Requests", 40, Decimal("0.00"))


def test_a_report_of_another_type_on_the_same_platform_is_not_counted(books):
    usage(platform=books.platform, library=None, year=2026, metric="Unique_Title_Requests", monthly=[999],
          report_id="PR_P1")
    assert resource_value(resource=books, year=2026).uses == 0


def test_equity_counts_uses_per_thousand_inhabitants_per_library_and_per_tier(books):
    big = LibraryFactory(large=True)  # 60 000 inhabitants
    small = LibraryFactory()  # 8 000
    LibraryFactory()  # 8 000, no use at all
    usage(platform=books.platform, library=big, year=2026, metric="Unique_Title_Requests", monthly=[6000, 3000])
    usage(platform=books.platform, library=small, year=2026, metric="Unique_Title_Requests", monthly=[400])
    result = equity(year=2026)
    assert result.tier(LibraryTier.LARGE).per_thousand(books.pk) == Decimal("150.0")
    assert result.tier(LibraryTier.SMALL).population == 16000
    assert result.tier(LibraryTier.SMALL).per_thousand(books.pk) == Decimal("25.0")
    rows = {row.library.pk: row for row in result.libraries}
    assert rows[small.pk].per_thousand(books.pk) == Decimal("50.0")
    assert per_thousand(0, 8000) == Decimal("0.0")


def test_the_tier_follows_the_population():
    assert LibraryFactory(population=15000).tier == LibraryTier.SMALL
    assert LibraryFactory(population=15001).tier == LibraryTier.LARGE


def test_cost_per_use_command_prints_the_contract_shape(books):
    usage(platform=books.platform, library=None, year=2026, metric="Unique_Title_Requests", monthly=[1234])
    ResourceFactory(name="Sans marché", kind=ResourceKind.VIDEO, report_id="PR_P1")
    out = StringIO()
    call_command("cost_per_use", "--year", "2026", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data == {"year": 2026, "resources": [
        {"resource": "Livres", "cost_ttc": "6330.00", "uses": 1234, "metric": "Unique_Title_Requests",
         "cost_per_use": "5.13"},
        {"resource": "Sans marché", "cost_ttc": "0.00", "uses": 0, "metric": "Unique_Item_Requests",
         "cost_per_use": None},
    ]}
