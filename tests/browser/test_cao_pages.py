"""A buyer records a CAO meeting in the browser, on a desktop (1366×900) and a phone (390×844): the
members in columns, the quorum computed before saving, then the meeting's page; no page scrolls
sideways and axe finds nothing serious. Screenshots: docs/screenshots/cao-<page>-<width>.png."""

import pytest

from procurement.tenders.enums import CaoRole
from tests.factories import UserFactory
from tests.programmes.factories import ProgrammeFactory
from tests.tenders.cao_factories import cao_members
from tests.tenders.factories import LotFactory, TenderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = {1366: 900, 390: 844}


def wide(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_a_buyer_records_a_meeting_and_reads_its_quorum_on_a_desktop_and_a_phone(journey):
    UserFactory(username="acheteur", first_name="Claire", last_name="Morel", buyer=True)
    programme = ProgrammeFactory()
    LotFactory(tender=TenderFactory(opened=True, programme=programme), criteria=True)
    members = cao_members(programme.authority)
    page = journey.page
    journey.login("acheteur")
    for width, height in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        journey.goto(f"/consultations/cao/acheteur/{programme.authority.pk}/reunions/nouvelle/")
        page.get_by_label("Convoquée le").fill("2026-11-18")
        page.get_by_label("Réunie le").fill("2026-11-24T14:00")
        for member in members[CaoRole.PRESIDENT] + members[CaoRole.MEMBER][:3]:
            page.get_by_label(f"{member.name} — {member.get_role_display()}").check()
        journey.submit(page.get_by_role("button", name="Calculer le quorum"))
        assert "4 présents à voix délibérative sur 6 — il en faut 4 : quorum atteint." in \
            page.locator("#quorum").inner_text().replace("\u00a0", " ")
        journey.check(f"cao-reunion-formulaire-{width}", again=True)
        assert wide(page) <= 0, f"le formulaire défile de côté à {width} px"
        journey.submit(page.get_by_role("button", name="Enregistrer la réunion"))
        assert "quorum atteint (4/6)" in page.locator("h1").inner_text()
        journey.check(f"cao-reunion-{width}", again=True)
        assert wide(page) <= 0, f"la réunion défile de côté à {width} px"
    journey.finish()
