from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from procurement.contracts.models import Amendment, Contract, IndexValue, PriceRevision, PurchaseOrder
from procurement.contracts.selectors.contracts import consumption
from procurement.demo.loaders.contracts import load_demo_contracts
from tests.clock import DEMO_TODAY
from tests.demo_snapshot import restore
from tests.shared_rows import module_rows

pytestmark = pytest.mark.django_db
CONTRACTS = Path(settings.BASE_DIR) / "fixtures" / "bnm" / "contracts.json"


@pytest.fixture(scope="module")
def demo(demo_snapshot, django_db_blocker, tmp_path_factory):
    with module_rows(django_db_blocker, tmp_path_factory):
        restore(demo_snapshot)
        buyer = get_user_model().objects.get(username="claire.morel")
        contracts = load_demo_contracts(path=CONTRACTS, buyer=buyer, today=DEMO_TODAY)
        yield {contract.reference: contract for contract in contracts}


def test_the_demo_carries_the_bnm_contracts_through_their_lifecycle(demo):
    assert {reference: (c.state, c.initial_amount_ht) for reference, c in demo.items()} == {
        "BNM-2023-01-L1": ("ended", Decimal("76500.00")),          # the AMO, 18 months
        "BNM-2024-01-L1": ("notified", Decimal("425900.00")),      # the portal: 268 400 + 3 × 52 500 of maintenance
        "BNM-2024-01-L2": ("ended", Decimal("61500.00")),          # integration, 12 months
        "BNM-2024-02-L1": ("renewed", Decimal("480000.00")),       # online resources: 4 lots, 300 000 a year
        "BNM-2024-02-L2": ("renewed", Decimal("240000.00")),
        "BNM-2024-02-L3": ("renewed", Decimal("280000.00")),
        "BNM-2024-02-L4": ("renewed", Decimal("200000.00")),
    }
    portal = demo["BNM-2024-01-L1"]
    assert (portal.transmitted_on, portal.maintenance_starts_on) == (date(2024, 10, 4), date(2025, 10, 15))
    assert demo["BNM-2024-02-L4"].transmitted_on is None  # 200 000 € HT: below the legality control threshold
    assert (demo["BNM-2023-01-L1"].advance_rate, demo["BNM-2023-01-L1"].ended_on) == (Decimal("10.00"),
                                                                                        date(2025, 6, 3))


def test_the_online_resources_framework_is_renewed_tacitly_with_orders_and_an_amendment(demo):
    ebooks = demo["BNM-2024-02-L1"]
    assert (ebooks.renewal_count, ebooks.period_end, ebooks.renewal_deadline) == (2, date(2027, 10, 31),
                                                                                  date(2027, 7, 31))
    usage = consumption(ebooks)
    assert [(row.consumed_ht, row.maximum_ht) for row in usage.periods] == [
        (Decimal("114500.00"), Decimal("126000.00")), (Decimal("119000.00"), Decimal("126000.00")),
        (Decimal("40000.00"), Decimal("126000.00"))]
    assert usage.maximum_ht == Decimal("498000.00")
    amendment = Amendment.objects.get(contract=ebooks)
    assert (amendment.basis, amendment.change_share) == ("R2194-8", Decimal("3.75"))
    orders = PurchaseOrder.objects.filter(contract__reference__startswith="BNM-2024-02")
    assert {order.ordered_on.year for order in orders} == {2025, 2026}


def test_the_syntec_revisions_use_the_demo_index_values(demo):
    revision = PriceRevision.objects.get(contract=demo["BNM-2024-02-L1"], revision_on=date(2025, 11, 1))
    assert (revision.base_index, revision.index, revision.coefficient, revision.price_ht) == (
        Decimal("297.5000"), Decimal("300.6000"), Decimal("1.0089"), Decimal("112996.80"))
    assert not IndexValue.objects.filter(month__gt=DEMO_TODAY).exists()


def test_loading_the_contracts_twice_duplicates_nothing(demo):
    counts = (Contract.objects.count(), PurchaseOrder.objects.count(), PriceRevision.objects.count())
    buyer = get_user_model().objects.get(username="claire.morel")
    load_demo_contracts(path=CONTRACTS, buyer=buyer, today=DEMO_TODAY)
    assert (Contract.objects.count(), PurchaseOrder.objects.count(), PriceRevision.objects.count()) == counts == (
        7, 15, 10)
