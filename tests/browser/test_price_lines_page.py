"""The lot's « Bordereau des prix » page as a buyer sees it on a desktop (1366×900) and a phone
(390×844): no sideways page scroll, each input in its column, the wide table scrolling inside its
``.table-scroll``, axe clean. Screenshots: docs/screenshots/sweep-bordereau-<width>.png."""

import pytest

from tests.browser.test_layout_sweep import DESKTOP, MEASURE, PHONE
from tests.factories import UserFactory
from tests.tenders.factories import LotFactory, TenderFactory

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_price_lines_page_fits_a_desktop_and_a_phone(journey):
    UserFactory(username="acheteur", first_name="Claire", last_name="Morel", buyer=True)
    LotFactory(tender=TenderFactory(reference="BPU-2027-01"), criteria=True, prices=True,
               title="Livres numériques et livres audio")
    page = journey.page
    path = "/consultations/BPU-2027-01/lots/1/bordereau-des-prix/"
    defects = []
    journey.login("acheteur")
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        journey.goto(path)
        journey.check(f"sweep-bordereau-{size['width']}")
        seen = page.evaluate(MEASURE)
        if seen["scrollWidth"] > seen["innerWidth"]:
            defects.append(f"{size['width']} px : la page défile de côté ({seen['scrollWidth']} px)")
        if seen["misplaced"]:
            defects.append(f"{size['width']} px : champs hors de leur colonne : {seen['misplaced'][:5]}")
    assert page.locator(".table-scroll table.price-lines-editor").count() == 1
    assert page.get_by_label("Désignation, ligne 2").input_value() == "Licence de prêt"
    journey.finish()
    assert not defects, "\n".join(defects)
