"""The contract page's advance per purchase order, and the evaluation page refusing a price formula
that neutralises the price gaps, on a desktop (1366×900) and a phone (390×844): no sideways page
scroll, axe clean. Screenshots: docs/screenshots/sweep-avance-bons-<width>.png and
sweep-formule-refusee-<width>.png."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from procurement.contracts.services.orders import order_create
from tests.browser.test_layout_sweep import DESKTOP, MEASURE, PHONE
from tests.contracts.factories import ContractFactory
from tests.factories import UserFactory
from tests.tenders.evaluation.factories import worked_example
from tests.tenders.factories import BidFactory

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def sweep(journey, path: str, name: str, at: str) -> list[str]:
    page, defects = journey.page, []
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        journey.goto(path)
        journey.check(f"{name}-{size['width']}", at=at)
        seen = page.evaluate(MEASURE)
        if seen["scrollWidth"] > seen["innerWidth"]:
            defects.append(f"{path} {size['width']} px : la page défile de côté ({seen['scrollWidth']} px)")
    return defects


def test_the_advance_per_order_and_a_refused_price_formula_fit_a_desktop_and_a_phone(journey):
    buyer = UserFactory(username="acheteur", first_name="Claire", last_name="Morel", buyer=True)
    contract = ContractFactory(framework=True, notified=True, reference="MAR-2026-201")
    order_create(contract=contract, ordered_on=date(2026, 5, 2), amount_ht=Decimal("60000"),
                 description="Abonnements de presse en ligne", by=buyer)
    order_create(contract=contract, ordered_on=date(2026, 5, 3), amount_ht=Decimal("20000"),
                 description="Livres numériques", by=buyer)
    example = worked_example()
    example.lot.criteria.filter(kind="price").update(price_formula="mean")
    BidFactory(lot=example.lot, compliant=True, vendor__name="Biblio Services", amount_ht=Decimal("104000.00"))
    journey.login("acheteur")
    defects = sweep(journey, reverse("contracts:detail", args=[contract.reference]), "sweep-avance-bons",
                    "#commandes")
    assert "au moins 3\u00a0600,00\u00a0€" in journey.page.inner_text("#commandes")
    results = reverse("tenders:evaluation-results", args=[example.tender.reference, example.lot.number])
    defects += sweep(journey, results, "sweep-formule-refusee", "#prix")
    assert "Formule refusée pour ces offres" in journey.page.inner_text("section[aria-labelledby=prix]")
    journey.finish()
    assert not defects, "\n".join(defects)
