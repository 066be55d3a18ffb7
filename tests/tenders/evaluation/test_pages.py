"""The evaluation pages, as each profile uses them."""

import html
from datetime import date
from decimal import Decimal as D

import pytest
from django.urls import reverse

from procurement.tenders.enums import AbnormallyLowDecision
from procurement.tenders.models import AbnormallyLowReview, CommitteeMember, ConflictDeclaration, Score, Submission
from tests.factories import UserFactory
from tests.tenders.evaluation.factories import CommitteeMemberFactory, criteria_of, worked_example
from tests.tenders.factories import BidFactory, LotFactory, TenderFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def url(name, lot, *args):
    return reverse(f"tenders:{name}", args=[lot.tender.reference, lot.number, *args])


def test_a_buyer_seats_the_committee_and_names_its_chair(client_for, buyer):
    tender = TenderFactory(opened=True)
    sophie = UserFactory(evaluator=True, first_name="Sophie", last_name="Lambert")
    client = client_for(buyer)
    page = reverse("tenders:committee", args=[tender.reference])
    assert "Sophie Lambert" in text(client.get(page))
    client.post(page, {"action": "add", "membre-user": sophie.pk, "membre-is_chair": "on"})
    assert CommitteeMember.objects.get(tender=tender).is_chair


def test_an_evaluator_signs_the_declaration_then_scores_and_submits(client_for):
    lot = LotFactory(tender=TenderFactory(opened=True), criteria=True)
    bid = BidFactory(lot=lot, compliant=True, vendor__name="Lectura Numérique")
    member = CommitteeMemberFactory(tender=lot.tender)
    client = client_for(member.user)
    response = client.post(url("evaluation-declare", lot), {"answer": "no", "comment": ""})
    assert response.status_code == 302
    assert ConflictDeclaration.objects.get().bidders_shown[0].startswith("Lectura Numérique")
    data = {"action": "submit"}
    for name, criterion in criteria_of(lot).items():
        if name in ("Catalogue", "Accompagnement", "Performance environnementale"):
            data[f"{bid.pk}-{criterion.pk}-value"] = "10"
            data[f"{bid.pk}-{criterion.pk}-comment"] = f"Appréciation sur {name}."
    assert client.post(url("evaluation-scores", lot), data).status_code == 302
    assert Score.objects.count() == 3 and Submission.objects.filter(evaluator=member.user).exists()
    assert "elles ne changent plus" in text(client.get(url("evaluation-scores", lot)))


def test_a_note_without_comment_is_refused_on_its_cell(client_for):
    example = worked_example(submitted=0)
    catalogue = criteria_of(example.lot)["Catalogue"]
    client = client_for(example.evaluators[1])
    response = client.post(url("evaluation-scores", example.lot), {
        "action": "save", f"{example.a.pk}-{catalogue.pk}-value": "25", f"{example.a.pk}-{catalogue.pk}-comment": ""})
    assert response.status_code == 200
    assert "Un commentaire justifie chaque note." in text(response)
    assert Score.objects.get(evaluator=example.evaluators[1], bid=example.a, criterion=catalogue).value == D("27")


def test_the_buyer_requests_a_justification_and_records_the_decision_from_the_hub(client_for, buyer):
    lot = LotFactory(tender=TenderFactory(opened=True), criteria=True)
    BidFactory(lot=lot, compliant=True, amount_ht=D("47800"))
    BidFactory(lot=lot, compliant=True, amount_ht=D("52000"))
    low = BidFactory(lot=lot, compliant=True, vendor__name="Kiosque Horizon", amount_ht=D("38000"))
    client = client_for(buyer)
    hub = text(client.get(url("evaluation", lot)))
    assert "Kiosque Horizon" in hub and "moyenne réduite" in hub
    client.post(url("evaluation-oab", lot, low.pk, "demande"), {f"oab-{low.pk}-requested_on": "2026-11-02"})
    client.post(url("evaluation-oab", lot, low.pk, "decision"), {
        f"oab-{low.pk}-decision": "accepted", f"oab-{low.pk}-received_on": "2026-11-09",
        f"oab-{low.pk}-reason": "Prix justifié par une plateforme mutualisée."})
    review = AbnormallyLowReview.objects.get(bid=low)
    assert (review.decision, review.justification_received_on) == (AbnormallyLowDecision.ACCEPTED, date(2026, 11, 9))


def test_the_results_page_shows_the_ranking_the_formula_and_the_sensitivity_chart(client_for, finance_user):
    example = worked_example()
    content = text(client_for(finance_user).get(url("evaluation-results", example.lot)))
    assert "87,50" in content and "85,71" in content
    assert "40,00 × 100\u202f000,00 / 112\u202f000,00 = 35,71" in content
    assert "<svg" in content or "stable" in content


def test_the_award_report_downloads_as_a_pdf(client_for, buyer):
    example = worked_example()
    response = client_for(buyer).get(url("evaluation-report", example.lot))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_my_evaluations_lists_the_lots_of_my_committees_only(client_for):
    example = worked_example(submitted=0)
    LotFactory(tender=TenderFactory(opened=True), title="Autre consultation")
    content = text(client_for(example.evaluators[0]).get(reverse("tenders:my-evaluations")))
    assert example.tender.reference in content and "Autre consultation" not in content


def test_the_evaluators_menu_leads_to_their_evaluations(client_for, evaluator):
    assert reverse("tenders:my-evaluations") in text(client_for(evaluator).get(reverse("tenders:list")))


def test_the_price_schedule_page_reports_the_cells_in_error(client_for, buyer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from procurement.tenders.models import PriceItem
    from tests.tenders.evaluation.factories import LINES, workbook

    lot = LotFactory(tender=TenderFactory(opened=True), number=1)
    lot2 = LotFactory(tender=lot.tender, number=2)
    for position, (number, quantity, _price) in enumerate(LINES, start=1):
        PriceItem.objects.create(lot=lot2, number=number, label="Ligne", unit="u", quantity=D(quantity),
                                 position=position)
    bid = BidFactory(lot=lot2, compliant=True)
    upload = SimpleUploadedFile("bpu.xlsx", workbook({"4": "abc"}).getvalue())
    response = client_for(buyer).post(url("evaluation-price-import", lot2, bid.pk), {"file": upload})
    assert "Lot 2!E9 : « abc » n'est pas un montant" in text(response)


def test_the_chair_closes_the_round_from_the_hub_with_a_reason(client_for):
    example = worked_example(submitted=2)
    client = client_for(example.evaluators[0])
    client.post(url("evaluation-close", example.lot), {"reason": ""})
    assert client.get(url("evaluation-results", example.lot)).status_code == 403
    client.post(url("evaluation-close", example.lot), {"reason": "Thomas Girard, malade, ne siégera pas."})
    assert client.get(url("evaluation-results", example.lot)).status_code == 200


def test_the_chair_sets_a_committee_note_from_the_results_page(client_for):
    example = worked_example()
    support = criteria_of(example.lot)["Accompagnement"]
    client = client_for(example.evaluators[0])
    client.post(url("evaluation-committee-score", example.lot), {
        "commission-target": f"{example.a.pk}-{support.pk}", "commission-value": "14",
        "commission-justification": "Références vérifiées auprès de deux réseaux en séance."})
    content = text(client.get(url("evaluation-results", example.lot)))
    assert "89,50" in content and "Références vérifiées" in content


def test_the_award_form_proposes_the_first_of_the_final_ranking(client_for):
    example = worked_example(submitted=3)
    buyer = example.tender.buyer or UserFactory(buyer=True)
    page = text(client_for(buyer).get(url("lot-detail", example.lot)))
    # Lectura Numérique leads with 87.50 points against 85.71.
    assert f'<option value="{example.a.pk}" selected>' in page
    assert f'<option value="{example.b.pk}">' in page


def test_while_the_round_is_blind_the_lot_page_says_why_and_offers_no_award_form(client_for):
    example = worked_example(submitted=2)
    buyer = example.tender.buyer or UserFactory(buyer=True)
    page = text(client_for(buyer).get(url("lot-detail", example.lot)))
    assert ("Le tour de notation est encore à l'aveugle : attendez que chaque évaluateur ait soumis ses notes, "
            "ou que le président clôture le tour.") in page
    assert f'<option value="{example.a.pk}"' not in page
    assert "Étape suivante : terminer l'évaluation du lot." in page
