"""Usage counts on the resources pages are written with thousands separators: « 224 165 »."""

from datetime import date

import pytest

from tests.contracts.factories import ContractFactory
from tests.resources.factories import LibraryFactory, PlatformFactory, ResourceFactory, order, usage

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


@pytest.fixture
def resource():
    contract = ContractFactory(framework=True, notified=True)
    order(contract, on=date(2026, 4, 1), amount_ht="1000.00")
    resource = ResourceFactory(contract=contract, platform=PlatformFactory(name="Plateforme"))
    usage(platform=resource.platform, library=LibraryFactory(), year=2026, metric="Unique_Title_Requests",
          monthly=[200000, 24165])
    return resource


def test_the_value_page_groups_the_thousands_of_the_usage_count(resource, buyer, client_for):
    page = client_for(buyer).get("/ressources/?annee=2026").content.decode()
    assert f'<td class="num">224{NBSP}165</td>' in page
    assert "224165" not in page


def test_the_resource_page_groups_the_thousands_of_the_usage_count(resource, buyer, client_for):
    page = client_for(buyer).get(f"/ressources/{resource.pk}/?annee=2026").content.decode()
    assert f'<td class="num">224{NBSP}165</td>' in page
    assert "224165" not in page
