"""Journey (b): an evaluator declares no conflict, scores blind, is refused the consolidation while
another member has not submitted, then reads it."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from procurement.tenders.evaluation.services import scores_submit
from procurement.tenders.models import BidFile, BidFileDownload, Score, Submission
from tests.browser.conftest import VIEWPORT, assert_focus_visible, menu, seen, tab_to
from tests.browser.test_layout_sweep import DESKTOP, MEASURE, PHONE, SCIENTIFIC
from tests.factories import UserFactory
from tests.tenders.evaluation.factories import (
    NOTES_A,
    NOTES_B,
    CommitteeMemberFactory,
    DeclarationFactory,
    record_notes,
)
from tests.tenders.factories import BidFactory, LotFactory, TenderFactory

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

EVALUATION = "/consultations/BNM-2026-09/lots/1/evaluation/"
PDF_BYTES = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def committee():
    """An opened tender, a lot priced 40 (proportional) / technique 45 (catalogue 30, support 15) /
    environment 15, two compliant bids; Sophie (chair) and Nadia have declared and scored, Sophie
    has submitted; Thomas sits but has done nothing yet. Lectura's bid has its technical memo."""
    tender = TenderFactory(reference="BNM-2026-09", opened=True, object="Bouquet de livres numériques")
    lot = LotFactory(tender=tender, number=1, title="Livres numériques", criteria=True)
    lectura = BidFactory(lot=lot, compliant=True, vendor__name="Lectura Numérique", amount_ht=Decimal("100000.00"))
    kiosque = BidFactory(lot=lot, compliant=True, vendor__name="Kiosque Horizon", amount_ht=Decimal("112000.00"))
    BidFile.objects.create(bid=lectura, file=ContentFile(PDF_BYTES, name="memoire.pdf"),
                           original_name="memoire-technique-lectura.pdf", size=len(PDF_BYTES), sha256="a" * 64)
    people = [UserFactory(username=username, first_name=first, last_name=last, evaluator=True)
              for username, first, last in (("sophie", "Sophie", "Lambert"), ("nadia", "Nadia", "Benali"),
                                            ("thomas", "Thomas", "Girard"))]
    members = [CommitteeMemberFactory(tender=tender, user=user, is_chair=index == 0)
               for index, user in enumerate(people)]
    for index in (0, 1):
        DeclarationFactory(member=members[index], lot=lot)
        record_notes(lot, lectura, people[index], NOTES_A, index)
        record_notes(lot, kiosque, people[index], NOTES_B, index)
    Submission.objects.create(lot=lot, evaluator=people[0])
    return lot, people


def test_an_evaluator_scores_blind_then_reads_the_consolidated_ranking(journey):
    lot, (_sophie, nadia, thomas) = committee()
    page = journey.page

    journey.login("thomas")
    journey.submit(menu(page).get_by_role("link", name="Mes évaluations"))
    journey.check()
    mine = seen(page.locator("main table"))
    assert "BNM-2026-09 — lot 1 — Livres numériques" in mine and "à signer" in mine

    journey.submit(page.get_by_role("link", name="BNM-2026-09 — lot 1 — Livres numériques"))
    journey.check()
    progress = seen(page.locator("section[aria-labelledby=commission]"))
    assert "Sophie Lambert" in progress and "Thomas Girard" in progress
    assert page.get_by_role("link", name="Classement consolidé").count() == 0

    # The declaration, with the keyboard alone: Tab to the first answer, Space ticks it, Enter signs.
    journey.submit(page.get_by_role("link", name="Signer ma déclaration d'intérêts"))
    journey.check("07-declaration-interets")
    bidders = seen(page.locator("ul[aria-labelledby=candidats]"))
    assert "Lectura Numérique" in bidders and "Kiosque Horizon" in bidders
    tab_to(page, "#id_answer_0")
    page.keyboard.press("Space")
    assert page.locator("#id_answer_0").is_checked()
    tab_to(page, "main form button[type=submit]")
    assert_focus_visible(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    journey.expect_path(EVALUATION)
    journey.check()
    assert "Déclaration signée : vous pouvez noter les offres du lot." in seen(page.locator(".messages"))

    # The notes: Thomas sees only his own grid (bids × criteria in the RC's order, sub-criteria under
    # their parent); the price is scored by the formula; each row links to the bid's files.
    journey.submit(page.get_by_role("link", name="Noter les offres"))
    journey.check()
    headers = seen(page.locator("table.scoring-grid thead"))
    assert headers.index("Valeur technique") < headers.index("Catalogue") < headers.index("Accompagnement")
    assert "30 points — note sur 30" in headers and "calculée par la formule du lot" in headers
    received = journey.download(page.get_by_role("link", name="memoire-technique-lectura.pdf"))
    assert received.read_bytes() == PDF_BYTES
    assert BidFileDownload.objects.get().user == thomas
    for bidder, notes in (("Lectura Numérique", NOTES_A), ("Kiosque Horizon", NOTES_B)):
        for criterion, values in notes.items():
            page.get_by_label(f"Note de {bidder} sur « {criterion} »").fill(values[2])
            page.get_by_label(f"Commentaire de {bidder} sur « {criterion} »").fill(
                f"Appréciation de Thomas sur {criterion.lower()}.")
    journey.check("08-notation")
    # The grid on a desktop and on a phone: the inputs in their columns, the page never scrolls sideways
    # (the grid scrolls inside its .table-scroll).
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        journey.check(f"sweep-notation-{size['width']}", again=True)
        measured = page.evaluate(MEASURE)
        assert measured["scrollWidth"] <= measured["innerWidth"], measured["scrollWidth"]
        assert not measured["misplaced"], measured["misplaced"]
        assert not SCIENTIFIC.findall(measured["text"])
    page.set_viewport_size(VIEWPORT)
    journey.submit(page.get_by_role("button", name="Enregistrer et soumettre mes notes"), to=EVALUATION)
    journey.check()
    assert "Vos notes sont soumises : elles ne changent plus." in seen(page.locator(".messages"))
    assert Score.objects.filter(evaluator=thomas).count() == 6

    # Nadia has not submitted: the ranking stays closed to Thomas, who is told why.
    progress = seen(page.locator("section[aria-labelledby=commission]"))
    assert "Nadia Benali" in progress and "en cours" in progress
    response = page.goto(journey.base_url + EVALUATION + "classement/")
    assert response.status == 403
    journey.check()
    refusal = seen(page.locator("main"))
    assert "Accès refusé" in refusal
    assert "Le classement consolidé reste fermé" in refusal
    assert "Notes attendues de : Nadia Benali." in refusal
    assert "87,50" not in refusal

    # Nadia submits: the round is final, the consolidated ranking appears.
    scores_submit(lot=lot, by=nadia)
    journey.goto(EVALUATION)
    journey.check(again=True)
    assert "le classement consolidé est lisible" in seen(page.locator("main"))
    journey.submit(page.get_by_role("link", name="Classement consolidé"))
    rows = page.locator("section[aria-labelledby=classement] tbody tr")
    first, second = seen(rows.nth(0)), seen(rows.nth(1))
    # Medians of the three notes; price 40 × 100 000 / 112 000 = 35,71.
    assert first.startswith("1") and "Lectura Numérique" in first and "87,50" in first
    assert second.startswith("2") and "Kiosque Horizon" in second and "85,71" in second
    assert "40,00 × 100 000,00 / 112 000,00 = 35,71" in seen(page.locator("main"))
    # The totals are in the page at 1280 px, not beyond its right edge.
    total = page.get_by_role("columnheader", name="Total /100").bounding_box()
    assert total["x"] + total["width"] <= page.viewport_size["width"]
    journey.check("09-classement-consolide")
    journey.finish()
