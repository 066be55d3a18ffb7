"""The tenders pages: list, need's form, tender page and its transitions, by role."""

import html
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from procurement.tenders.enums import CriterionKind, PriceFormula, Procedure, TenderState
from procurement.tenders.models import Tender, TransitionLog
from tests.clock import DEMO_NOW
from tests.factories import UserFactory
from tests.programmes.factories import ProgrammeFactory
from tests.tenders.evaluation.factories import CommitteeMemberFactory
from tests.tenders.factories import CriterionFactory, LotFactory, TenderFactory

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


def text(response) -> str:
    return html.unescape(response.content.decode())


def eur(figure: str) -> str:
    return figure.replace(" ", NBSP) + NBSP + "€"


def detail_url(tender) -> str:
    return reverse("tenders:detail", args=[tender.reference])


def transition_url(tender, name) -> str:
    return reverse("tenders:transition", args=[tender.reference, name])


def lot_with_90_points(tender):
    lot = LotFactory(tender=tender, number=1)
    CriterionFactory(lot=lot, name="Prix", kind=CriterionKind.PRICE, points=50,
                     price_formula=PriceFormula.PROPORTIONAL, position=1)
    CriterionFactory(lot=lot, name="Performance environnementale", kind=CriterionKind.ENVIRONMENTAL, points=40,
                     position=2)
    return lot


# Access -------------------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(reverse("tenders:list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_user_without_a_tenders_role_gets_403(client_for):
    response = client_for(UserFactory(username="stagiaire")).get(reverse("tenders:list"))
    assert response.status_code == 403


def test_evaluator_cannot_see_a_draft_tender(client_for, evaluator):
    tender = TenderFactory()
    response = client_for(evaluator).get(detail_url(tender))
    assert response.status_code in (403, 404)


def test_evaluator_lists_only_the_opened_and_completed_tenders_of_their_committees(client_for, evaluator):
    CommitteeMemberFactory(tender=TenderFactory(reference="BNM-2026-01"), user=evaluator)
    CommitteeMemberFactory(tender=TenderFactory(reference="BNM-2026-02", opened=True), user=evaluator)
    TenderFactory(reference="BNM-2026-03", opened=True)
    page = text(client_for(evaluator).get(reverse("tenders:list")))
    assert "BNM-2026-02" in page
    assert "BNM-2026-01" not in page and "BNM-2026-03" not in page
    assert "Nouvelle consultation" not in page


# List ---------------------------------------------------------------------------------------


def test_list_shows_the_value_of_lots_with_renewals_and_options(client_for, buyer):
    tender = TenderFactory(reference="BNM-2026-07", renewals=3)
    LotFactory(tender=tender, estimated_amount_ht=Decimal("300000.00"), options_amount_ht=Decimal("10000.00"))
    LotFactory(tender=tender, estimated_amount_ht=Decimal("12500.50"))
    response = client_for(buyer).get(reverse("tenders:list"))
    row = next(t for t in response.context["page_obj"].object_list if t.reference == "BNM-2026-07")
    # (300 000 + 12 500,50) × 4 periods + 10 000 of options
    assert row.estimated_value == Decimal("1260002.00")
    assert row.lot_count == 2
    assert eur("1 260 002,00") in text(response)
    assert "Nouvelle consultation" in text(response)


def test_list_filters_by_state_procedure_year_and_programme(client_for, buyer):
    programme = ProgrammeFactory()
    TenderFactory(reference="A-2026-PUB", published=True, programme=programme)
    TenderFactory(reference="B-2026-DRAFT", programme=programme)
    TenderFactory(reference="C-2025-PUB", published=True, consultation_start=date(2025, 3, 1))
    TenderFactory(reference="D-2026-MAPA", published=True, mapa=True)
    client = client_for(buyer)

    def references(**params):
        response = client.get(reverse("tenders:list"), params)
        return {tender.reference for tender in response.context["page_obj"].object_list}

    assert references(state="published") == {"A-2026-PUB", "C-2025-PUB", "D-2026-MAPA"}
    assert references(state="published", procedure=Procedure.MAPA) == {"D-2026-MAPA"}
    assert references(year=2025) == {"C-2025-PUB"}
    assert references(programme=programme.pk) == {"A-2026-PUB", "B-2026-DRAFT"}


def test_list_runs_the_same_number_of_queries_for_2_and_12_tenders(client_for, buyer, django_assert_num_queries):
    client = client_for(buyer)
    for _ in range(2):
        LotFactory(tender=LotFactory().tender)
    with CaptureQueriesContext(connection) as with_two:
        assert client.get(reverse("tenders:list")).status_code == 200
    for _ in range(10):
        LotFactory(tender=LotFactory().tender)
    assert Tender.objects.count() == 12
    with django_assert_num_queries(len(with_two.captured_queries)):
        response = client.get(reverse("tenders:list"))
    assert len(response.context["page_obj"].object_list) == 12


# The need -----------------------------------------------------------------------------------

NEED = {
    "reference": "BNM-2026-12",
    "object": "Abonnements à des bases de données de presse pour le réseau des bibliothèques",
    "nature": "services",
    "cpv_code": "79980000-7",
    "place_code": "69003",
    "place_code_type": "Code postal",
    "duration_months": "12",
    "renewals": "3",
    "renewal_months": "12",
    "consultation_start": "2026-11-25",
    "notice_sent_on": "2026-12-01",
    "bid_deadline": "2027-01-08T12:00",
    "price_form": "Forfaitaire",
    "price_types": ["Définitif révisable"],
    "techniques": ["Accord-cadre"],
    "execution_modes": ["Bons de commande"],
    "ccag": "Fournitures courantes et services",
    "environmental_considerations": ["Critère environnemental"],
    "social_considerations": ["Pas de considération sociale"],
}


def test_buyer_creates_a_tender_and_its_lot_and_gets_the_open_procedure(client_for, buyer):
    client = client_for(buyer)
    response = client.post(reverse("tenders:create"), NEED)
    assert response.status_code == 302
    tender = Tender.objects.get(reference="BNM-2026-12")
    assert tender.buyer == buyer
    assert tender.state == TenderState.DRAFT
    assert tender.price_types == ["Définitif révisable"]
    assert tender.techniques == ["Accord-cadre"]
    assert tender.bid_deadline.isoformat() == "2027-01-08T11:00:00+00:00"  # 12:00 in Paris

    response = client.post(reverse("tenders:lot-create", args=[tender.reference]),
                           {"title": "Presse nationale et régionale", "estimated_amount_ht": "300000",
                            "options_amount_ht": "0"})
    assert response.status_code == 302
    page = text(client.get(detail_url(tender)))
    assert "Appel d'offres ouvert" in page
    assert eur("1 200 000,00") in page  # 300 000 € × 4 periods
    assert Tender.objects.get(pk=tender.pk).procedure == Procedure.OPEN


def test_a_form_error_names_the_field_and_saves_nothing(client_for, buyer):
    response = client_for(buyer).post(reverse("tenders:create"), {**NEED, "cpv_code": "7998"})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["cpv_code"]
    page = text(response)
    assert "Le code CPV s'écrit avec 8 chiffres" in page
    assert 'aria-invalid="true"' in page
    assert not Tender.objects.exists()


def test_finance_cannot_open_the_need_form(client_for, finance_user):
    assert client_for(finance_user).get(reverse("tenders:create")).status_code == 403


def test_a_published_tender_cannot_be_edited(client_for, buyer):
    tender = TenderFactory(published=True)
    assert client_for(buyer).get(reverse("tenders:update", args=[tender.reference])).status_code == 403


# Transitions --------------------------------------------------------------------------------


def test_buyer_sees_mark_ready_refused_with_its_reason(client_for, buyer):
    tender = TenderFactory()
    lot_with_90_points(tender)
    response = client_for(buyer).get(detail_url(tender))
    page = text(response)
    refused = next(item for item in response.context["transitions"] if item["name"] == "mark_ready")
    assert "Lot 1 : Les critères totalisent 90 points au lieu de 100." in refused["refusals"]
    assert "Marquer prête" in page
    assert "Les critères totalisent 90 points au lieu de 100." in page
    assert 'disabled aria-describedby="refus-consultation-mark_ready"' in page
    assert transition_url(tender, "mark_ready") not in page


def test_a_refused_transition_shows_its_reasons_and_keeps_the_state(client_for, buyer):
    tender = TenderFactory()
    lot_with_90_points(tender)
    response = client_for(buyer).post(transition_url(tender, "mark_ready"), follow=True)
    assert "Lot 1 : Les critères totalisent 90 points au lieu de 100." in text(response)
    assert Tender.objects.get(pk=tender.pk).state == TenderState.DRAFT
    assert not TransitionLog.objects.exists()


@pytest.mark.freeze_time(DEMO_NOW)
def test_buyer_marks_a_complete_tender_ready_and_the_log_shows_it(client_for, buyer):
    tender = TenderFactory()
    LotFactory(tender=tender, criteria=True, prices=True)
    client = client_for(buyer)
    assert transition_url(tender, "mark_ready") in text(client.get(detail_url(tender)))
    response = client.post(transition_url(tender, "mark_ready"), follow=True)
    assert Tender.objects.get(pk=tender.pk).state == TenderState.READY
    page = text(response)
    assert "Brouillon → Prête à publier" in page
    assert transition_url(tender, "publish") in page


def test_finance_sees_no_button_and_a_posted_transition_is_forbidden(client_for, finance_user):
    tender = TenderFactory()
    LotFactory(tender=tender, criteria=True, prices=True)
    client = client_for(finance_user)
    response = client.get(detail_url(tender))
    assert response.status_code == 200
    assert response.context["transitions"] == []
    assert "/transition/" not in text(response)
    assert "Modifier le besoin" not in text(response)
    assert client.post(transition_url(tender, "mark_ready")).status_code == 403
    assert Tender.objects.get(pk=tender.pk).state == TenderState.DRAFT


def test_abandon_needs_a_reason(client_for, buyer):
    tender = TenderFactory(published=True)
    client = client_for(buyer)
    response = client.post(transition_url(tender, "abandon"), {"reason": "  "}, follow=True)
    assert "Le motif est obligatoire." in text(response)
    assert Tender.objects.get(pk=tender.pk).state == TenderState.PUBLISHED
    client.post(transition_url(tender, "abandon"), {"reason": "Besoin couvert par un groupement de commandes."})
    abandoned = Tender.objects.get(pk=tender.pk)
    assert abandoned.state == TenderState.ABANDONED
    assert abandoned.abandon_reason == "Besoin couvert par un groupement de commandes."


def test_an_abandoned_tender_is_relaunched_as_a_new_draft(client_for, buyer):
    tender = TenderFactory(reference="BNM-2026-03", state=TenderState.ABANDONED, abandon_reason="Offres trop chères")
    LotFactory(tender=tender, criteria=True, prices=True)
    client = client_for(buyer)
    assert "Relancer" in text(client.get(detail_url(tender)))
    response = client.post(reverse("tenders:relaunch", args=[tender.reference]),
                           {"consultation_start": "2026-12-01"})
    copy = Tender.objects.get(reference="BNM-2026-03-R1")
    assert response.url == detail_url(copy)
    assert copy.state == TenderState.DRAFT
    assert copy.relaunched_from == tender


def test_the_detail_page_runs_a_bounded_number_of_queries(client_for, buyer, django_assert_max_num_queries):
    tender = TenderFactory(opened=True)
    for _ in range(3):
        LotFactory(tender=tender, criteria=True, prices=True)
    client = client_for(buyer)
    with django_assert_max_num_queries(40):
        assert client.get(detail_url(tender)).status_code == 200


# Every page renders (templates are strict in tests) -------------------------------------------


@pytest.mark.parametrize("state", ["draft", "published", "closed", "opened", "abandoned"])
def test_every_page_of_a_tender_renders_for_a_buyer(client_for, buyer, state):
    tender = TenderFactory(state=state, abandon_reason="Sans suite" if state == "abandoned" else "")
    LotFactory(tender=tender, number=1, criteria=True, prices=True)
    client = client_for(buyer)
    urls = [reverse("tenders:list"), reverse("tenders:create"), detail_url(tender),
            reverse("tenders:lot-detail", args=[tender.reference, 1])]
    if state == "draft":
        urls += [reverse("tenders:update", args=[tender.reference]),
                 reverse("tenders:lot-create", args=[tender.reference]),
                 reverse("tenders:lot-update", args=[tender.reference, 1]),
                 reverse("tenders:lot-criteria", args=[tender.reference, 1])]
    if state in ("published", "closed"):
        urls.append(reverse("tenders:bid-receive", args=[tender.reference]))
    if state == "closed":
        urls.append(reverse("tenders:opening", args=[tender.reference]))
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_the_admin_pages_of_the_tenders_app_render(client_for, staff_user):
    tender = TenderFactory(opened=True)
    lot = LotFactory(tender=tender, number=1, criteria=True, prices=True)
    client = client_for(staff_user)
    urls = [reverse("admin:tenders_tender_change", args=[tender.pk]),
            reverse("admin:tenders_lot_change", args=[lot.pk]), reverse("admin:tenders_criterion_changelist"),
            reverse("admin:tenders_question_changelist"), reverse("admin:tenders_openingrecord_changelist"),
            reverse("admin:tenders_transitionlog_changelist"), reverse("admin:tenders_bid_changelist")]
    for model in ("tender", "lot", "criterion", "question", "openingrecord"):
        urls.append(reverse(f"admin:tenders_{model}_changelist"))
    for url in urls:
        assert client.get(url).status_code == 200, url
    for model in ("transitionlog", "tender", "lot", "criterion", "question", "openingrecord", "bid"):
        assert client.get(reverse(f"admin:tenders_{model}_add")).status_code == 403, model


def test_the_evaluation_records_are_read_only_in_the_admin_and_the_notes_absent(client_for, staff_user):
    from tests.tenders.evaluation.factories import worked_example

    example = worked_example(submitted=2)
    client = client_for(staff_user)
    for model in ("evaluationsettings", "committeemember", "conflictdeclaration", "submission", "roundclosure",
                  "committeescore", "abnormallylowreview", "dcegeneration", "letterdocument"):
        assert client.get(reverse(f"admin:tenders_{model}_changelist")).status_code == 200, model
        assert client.get(reverse(f"admin:tenders_{model}_add")).status_code == 403, model
    page = client.get(reverse("admin:tenders_committeemember_changelist")).content.decode()
    assert "Lambert" in page or "sophie" in page
    # The round is still blind (two of three submitted): no admin page lists the notes.
    with pytest.raises(NoReverseMatch):
        reverse("admin:tenders_score_changelist")
    assert example.lot.scores.count() == 18
