"""Lot pages: the lot's form, the criteria editor and the lot's decisions; questions and answers."""

import html
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from procurement.tenders.enums import LotState
from procurement.tenders.models import Criterion, Lot, Tender
from tests.clock import DEMO_NOW
from tests.tenders.factories import BidFactory, LotFactory, TenderFactory, paris
from tests.vendors.factories import VendorFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def criteria_data(rows: list[dict]) -> dict:
    data = {"criteres-TOTAL_FORMS": "12", "criteres-INITIAL_FORMS": "0", "criteres-MIN_NUM_FORMS": "0",
            "criteres-MAX_NUM_FORMS": "12"}
    for index in range(12):
        row = rows[index] if index < len(rows) else {}
        for name in ("name", "kind", "points", "price_formula", "parent"):
            data[f"criteres-{index}-{name}"] = row.get(name, "")
        data[f"criteres-{index}-price_basis"] = row.get("price_basis", "ht")
    return data


def criteria_url(lot) -> str:
    return reverse("tenders:lot-criteria", args=[lot.tender.reference, lot.number])


def test_the_lot_number_defaults_to_the_next_one(client_for, buyer):
    tender = TenderFactory()
    LotFactory(tender=tender, number=1)
    client_for(buyer).post(reverse("tenders:lot-create", args=[tender.reference]), {
        "title": "Presse en ligne", "estimated_amount_ht": "45000", "options_amount_ht": "0"})
    assert list(tender.lots.values_list("number", "title")) == [(1, "Livres numériques"), (2, "Presse en ligne")]


def test_the_lot_form_asks_each_period_amount_and_the_procedure_follows_their_sum(client_for, buyer):
    tender = TenderFactory(duration_months=36, renewals=1, renewal_months=12, procedure="")
    client = client_for(buyer)
    url = reverse("tenders:lot-create", args=[tender.reference])
    page = text(client.get(url))
    assert "Montant estimé HT de la période initiale" in page and "Période initiale de 36 mois" in page
    assert "Montant estimé HT de la reconduction 1" in page and "12 mois ; vide : le montant" in page

    refused = client.post(url, {"title": "Bouquet presse", "estimated_amount_ht": "150000",
                                "renewal_1_amount_ht": "-50000", "options_amount_ht": "0"})
    assert refused.status_code == 200 and refused.context["form"].errors["renewal_1_amount_ht"]
    assert not Lot.objects.exists()

    response = client.post(url, {"title": "Bouquet presse", "estimated_amount_ht": "150000",
                                 "renewal_1_amount_ht": "50000", "options_amount_ht": "0"})
    assert response.status_code == 302
    lot = Lot.objects.get()
    assert (lot.renewal_amounts_ht, lot.estimated_value_ht) == (["50000.00"], Decimal("200000.00"))
    tender.refresh_from_db()
    assert tender.procedure == "mapa"  # not 300 000 € (150 000 × 2 periods), an open procedure

    # left empty, the renewal takes the initial period's amount
    client.post(reverse("tenders:lot-update", args=[tender.reference, 1]), {
        "number": "1", "title": "Bouquet presse", "estimated_amount_ht": "150000", "renewal_1_amount_ht": "",
        "options_amount_ht": "0"})
    lot.refresh_from_db()
    assert (lot.renewal_amounts_ht, lot.estimated_value_ht) == ([], Decimal("300000.00"))
    tender.refresh_from_db()
    assert tender.procedure == "appel_offres_ouvert"


def test_a_lot_is_edited_and_deleted_in_draft_only(client_for, buyer):
    tender = TenderFactory()
    lot = LotFactory(tender=tender, number=1)
    client = client_for(buyer)
    response = client.post(reverse("tenders:lot-update", args=[tender.reference, 1]), {
        "number": "1", "title": "Livres numériques jeunesse", "estimated_amount_ht": "80000",
        "options_amount_ht": "5000"})
    assert response.status_code == 302
    lot.refresh_from_db()
    assert (lot.title, lot.estimated_amount_ht) == ("Livres numériques jeunesse", Decimal("80000.00"))
    client.post(reverse("tenders:lot-delete", args=[tender.reference, 1]))
    assert not Lot.objects.exists()
    published = LotFactory(tender=TenderFactory(published=True), number=1)
    assert client.post(reverse("tenders:lot-delete", args=[published.tender.reference, 1])).status_code == 403


def test_the_criteria_editor_saves_a_tree_from_the_parent_column(client_for, buyer):
    lot = LotFactory(tender=TenderFactory(), number=1)
    response = client_for(buyer).post(criteria_url(lot), criteria_data([
        {"name": "Prix", "kind": "price", "points": "40", "price_formula": "proportional"},
        {"name": "Valeur technique", "kind": "technical", "points": "45"},
        {"name": "Qualité du catalogue", "kind": "technical", "points": "30", "parent": "2"},
        {"name": "Accompagnement", "kind": "technical", "points": "15", "parent": "2"},
        {"name": "Performance environnementale", "kind": "environmental", "points": "15"},
    ]))
    assert response.status_code == 302
    technical = Criterion.objects.get(name="Valeur technique")
    assert sorted(technical.children.values_list("name", flat=True)) == ["Accompagnement", "Qualité du catalogue"]
    assert Criterion.objects.filter(parent__isnull=True).count() == 3


def test_criteria_summing_to_90_show_the_error_on_the_points_field_and_save_nothing(client_for, buyer):
    lot = LotFactory(tender=TenderFactory(), number=1, criteria=True)
    response = client_for(buyer).post(criteria_url(lot), criteria_data([
        {"name": "Prix", "kind": "price", "points": "50", "price_formula": "proportional"},
        {"name": "Performance environnementale", "kind": "environmental", "points": "40"},
    ]))
    assert response.status_code == 200
    first_row = response.context["formset"].forms[0]
    assert first_row.errors["points"] == ["Les critères totalisent 90 points au lieu de 100."]
    assert 'aria-describedby="id_criteres-0-points_error"' in response.content.decode()
    assert lot.criteria.count() == 5  # unchanged


def test_a_parent_below_its_child_is_refused(client_for, buyer):
    lot = LotFactory(tender=TenderFactory(), number=1)
    response = client_for(buyer).post(criteria_url(lot), criteria_data([
        {"name": "Sous-critère", "kind": "technical", "points": "30", "parent": "2"},
        {"name": "Valeur technique", "kind": "technical", "points": "100"},
    ]))
    assert response.context["formset"].forms[0].errors["parent"]
    assert not Criterion.objects.exists()


def test_the_editor_is_prefilled_with_the_current_tree(client_for, buyer):
    lot = LotFactory(tender=TenderFactory(), number=1, criteria=True)
    formset = client_for(buyer).get(criteria_url(lot)).context["formset"]
    rows = [(form.initial.get("name"), form.initial.get("parent")) for form in formset.forms[:5]]
    assert rows == [("Prix", None), ("Valeur technique", None), ("Catalogue", 2), ("Accompagnement", 2),
                    ("Performance environnementale", None)]


def test_the_lot_page_shows_the_criteria_tree(client_for, finance_user):
    lot = LotFactory(tender=TenderFactory(), number=1, criteria=True)
    page = text(client_for(finance_user).get(reverse("tenders:lot-detail", args=[lot.tender.reference, 1])))
    assert "Valeur technique" in page and "Catalogue" in page
    assert "Proportionnelle au prix le plus bas" in page
    assert "Modifier les critères" not in page


def test_a_lot_without_compliant_bid_is_declared_unsuccessful_with_a_reason(client_for, buyer):
    tender = TenderFactory(opened=True)
    lot = LotFactory(tender=tender, number=1)
    BidFactory(lot=lot, vendor=VendorFactory(), status="irregular", status_reason="Bordereau non signé")
    client = client_for(buyer)
    url = reverse("tenders:lot-transition", args=[tender.reference, 1, "declare_unsuccessful"])
    response = client.post(url, {"declare_unsuccessful-reason": ""}, follow=True)
    assert "Le motif est obligatoire." in text(response)
    client.post(url, {"declare_unsuccessful-reason": "Seule offre irrégulière."})
    lot.refresh_from_db()
    assert lot.state == LotState.UNSUCCESSFUL
    assert lot.decision_reason == "Seule offre irrégulière."


def test_finance_cannot_decide_a_lot(client_for, finance_user):
    tender = TenderFactory(opened=True)
    LotFactory(tender=tender, number=1)
    url = reverse("tenders:lot-transition", args=[tender.reference, 1, "abandon"])
    assert client_for(finance_user).post(url, {"abandon-reason": "Budget supprimé"}).status_code == 403
    assert Lot.objects.get().state == LotState.EVALUATING


# Questions and answers ----------------------------------------------------------------------


@pytest.mark.freeze_time(DEMO_NOW)
def test_buyer_records_and_answers_a_question_in_time(client_for, buyer):
    tender = TenderFactory(published=True)  # deadline 08/01/2027: answers until 02/01/2027
    vendor = VendorFactory(name="Bibliovox")
    client = client_for(buyer)
    client.post(reverse("tenders:question-create", args=[tender.reference]), {
        "text": "Les licences sont-elles simultanées ?", "asked_at": "2026-11-24T10:00", "asked_by": vendor.pk})
    question = tender.questions.get()
    assert question.asked_by == vendor
    response = client.post(reverse("tenders:question-answer", args=[tender.reference, question.pk]),
                           {f"reponse-{question.pk}-answer": "Oui, trois accès simultanés par titre."}, follow=True)
    question.refresh_from_db()
    assert question.answer == "Oui, trois accès simultanés par titre."
    assert "Oui, trois accès simultanés par titre." in text(response)


def test_the_deadline_is_pushed_back_with_a_reason(client_for, buyer):
    deadline = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0) + timedelta(days=3)
    tender = TenderFactory(published=True, bid_deadline=deadline)
    client = client_for(buyer)
    proposal = client.get(reverse("tenders:detail", args=[tender.reference])).context["proposed_deadline"]
    assert proposal > deadline
    response = client.post(reverse("tenders:push-back", args=[tender.reference]), {
        "report-bid_deadline": timezone.localtime(proposal).strftime("%Y-%m-%dT%H:%M"),
        "report-reason": "Question tardive sur le format des fichiers."}, follow=True)
    assert Tender.objects.get(pk=tender.pk).bid_deadline == proposal
    assert "Report de la date limite" in text(response)
    assert "Question tardive sur le format des fichiers." in text(response)


def test_questions_are_closed_outside_publication(client_for, buyer):
    tender = TenderFactory()
    response = client_for(buyer).post(reverse("tenders:question-create", args=[tender.reference]), {
        "text": "Question ?", "asked_at": paris(2026, 11, 24, 10, 0).strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 403
