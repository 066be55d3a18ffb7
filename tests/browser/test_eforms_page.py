"""The tender page's « Avis européens (eForms) » section for the demo's portal tender (BNM-2024-01,
awarded): both notices download as XML valid against the SDK's XSDs; the section fits a desktop and a
phone. Screenshots: docs/screenshots/eforms-avis-<width>.png."""

import pytest

from procurement.tenders.exports.eforms import notice_errors
from tests.browser.conftest import PASSWORD
from tests.browser.test_layout_sweep import DESKTOP, MEASURE, PHONE
from tests.clock import load_demo

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def demo(transactional_db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    load_demo()


def test_the_buyer_downloads_both_eu_notices_of_the_portal_tender(demo, journey):
    page, defects = journey.page, []
    journey.login("claire.morel")
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        journey.goto("/consultations/BNM-2024-01/")
        journey.check(f"eforms-avis-{size['width']}", at="#avis-europeens", again=True)
        seen = page.evaluate(MEASURE)
        if seen["scrollWidth"] > seen["innerWidth"]:
            defects.append(f"{size['width']} px : la page défile de côté ({seen['scrollWidth']} px)")
    for kind, label in (("cn", "Télécharger l'avis de marché"), ("can", "Télécharger l'avis d'attribution")):
        saved = journey.download(page.get_by_role("link", name=label))
        assert saved.name == f"BNM-2024-01-eforms-{kind}.xml"
        assert notice_errors(saved.read_bytes(), kind) == []
    journey.finish()
    assert not defects, "\n".join(defects)
