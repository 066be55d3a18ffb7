"""The two calculators as their users see them on a desktop (1366×900) and a phone (390×844), with
results shown: no sideways page scroll, each input in its column, axe clean. Screenshots:
docs/screenshots/sweep-simulateur-prix-<width>.png and sweep-interets-moratoires-<width>.png."""

import pytest

from tests.browser.test_layout_sweep import DESKTOP, MEASURE, PHONE
from tests.factories import UserFactory
from tests.tenders.factories import LotFactory, TenderFactory

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SIMULATION = ("/consultations/SIM-2027-01/lots/1/simuler-les-notes-de-prix/?prices=100000%0A110000%0A125000%0A160000"
              "&points=40&technical=42%0A49%0A50%0A58&technical_points=60")
INTEREST = "/marches/factures/interets-moratoires/?amount_ttc=12000&received_on=2026-06-02&paid_on=2026-08-20"


def _sweep(journey, path: str, name: str) -> list[str]:
    page, defects = journey.page, []
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        journey.goto(path)
        journey.check(f"{name}-{size['width']}")
        page.screenshot(path=f"/tmp/{name}-{size['width']}-full.png", full_page=True)
        seen = page.evaluate(MEASURE)
        if seen["scrollWidth"] > seen["innerWidth"]:
            defects.append(f"{name} {size['width']} px : la page défile de côté ({seen['scrollWidth']} px)")
        if seen["misplaced"]:
            defects.append(f"{name} {size['width']} px : champs hors de leur colonne : {seen['misplaced'][:5]}")
    return defects


def test_the_calculators_fit_a_desktop_and_a_phone(journey):
    UserFactory(username="acheteur", first_name="Claire", last_name="Morel", buyer=True)
    LotFactory(tender=TenderFactory(reference="SIM-2027-01"), criteria=True, title="Livres numériques")
    journey.login("acheteur")
    defects = _sweep(journey, SIMULATION, "sweep-simulateur-prix")
    assert journey.page.get_by_role("heading", name="Linéaire entre le prix le plus bas et le plus élevé").count() == 1
    defects += _sweep(journey, INTEREST, "sweep-interets-moratoires")
    assert "203,51" in journey.page.locator("dl.facts").inner_text()  # 12 000 × 10,15 % × 49 / 365 + 40
    journey.finish()
    assert not defects, "\n".join(defects)
