"""« Mon agenda » on a desktop (1366×900) and a phone (390×844): a buyer creates the secret link of her
calendar feed, reads it once, and a calendar application (no session) reads her deadlines from it;
no sideways page scroll, axe clean. Screenshots: docs/screenshots/agenda-lien-<width>.png."""

import pytest
from django.urls import reverse

from tests.browser.test_layout_sweep import DESKTOP, MEASURE, PHONE
from tests.factories import UserFactory
from tests.tenders.factories import TenderFactory

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_buyer_creates_her_agenda_link_on_a_desktop_and_a_phone(journey):
    UserFactory(username="claire", first_name="Claire", last_name="Morel", buyer=True)
    tender = TenderFactory(published=True)
    page, defects = journey.page, []
    journey.login("claire")
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        journey.goto(reverse("agenda:page"))
        journey.check()
        assert f"Remise des offres — {tender.reference}" in page.inner_text("main")
        journey.submit(page.get_by_role("button", name="Créer mon lien d'agenda")
                       if size is DESKTOP else page.get_by_role("button", name="Remplacer mon lien d'agenda"))
        journey.check(f"agenda-lien-{size['width']}")
        seen = page.evaluate(MEASURE)
        if seen["scrollWidth"] > seen["innerWidth"]:
            defects.append(f"{size['width']} px : la page défile de côté ({seen['scrollWidth']} px)")
        url = page.get_by_label("Lien d'abonnement (iCalendar)").input_value()

        feed = page.context.request.get(url, headers={"Cookie": ""})

        assert feed.status == 200 and feed.headers["content-type"] == "text/calendar; charset=utf-8"
        assert f"SUMMARY:Remise des offres — {tender.reference}" in feed.text()
    journey.finish()
    assert not defects, "\n".join(defects)
