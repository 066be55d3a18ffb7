from datetime import date
from decimal import Decimal

import pytest
from freezegun import freeze_time
from rest_framework.test import APIClient

from procurement.api.services import api_token_create
from procurement.tenders.enums import TenderState
from procurement.tenders.models import Tender, TransitionLog
from tests.factories import UserFactory
from tests.tenders.factories import LotFactory, TenderFactory

pytestmark = pytest.mark.django_db

CRITERIA = [
    {"name": "Prix", "kind": "price", "points": "40", "price_formula": "proportional"},
    {"name": "Valeur technique", "kind": "technical", "points": "45", "children": [
        {"name": "Catalogue", "kind": "technical", "points": "30"},
        {"name": "Accompagnement", "kind": "technical", "points": "15"},
    ]},
    {"name": "Performance environnementale", "kind": "environmental", "points": "15"},
]


def post(api, url, data=None):
    return api.post(url, data or {}, format="json")


def test_a_buyer_takes_a_tender_from_draft_to_opened_through_the_api(api_for, buyer):
    api = api_for(buyer)
    with freeze_time("2026-11-25 10:00:00+01:00"):
        created = post(api, "/api/tenders/", {
            "reference": "API-2026-01", "object": "Ressources numériques en ligne", "nature": "services",
            "cpv_code": "92511000-6", "place_code": "37100", "duration_months": 12,
            "consultation_start": "2026-11-25", "notice_sent_on": "2026-11-25",
            "bid_deadline": "2027-01-08T12:00:00+01:00",
        })
        assert created.status_code == 201, created.json()
        assert (created.json()["state"], created.json()["buyer"]) == ("draft", "acheteur")
        lot = post(api, "/api/lots/", {"tender": "API-2026-01", "title": "Presse en ligne",
                                        "description": "Journaux et magazines en ligne.",
                                        "estimated_amount_ht": "250000.00"})
        assert lot.status_code == 201, lot.json()
        assert lot.json()["number"] == 1
        criteria = post(api, f"/api/lots/{lot.json()['id']}/criteria/", CRITERIA)
        assert criteria.status_code == 200, criteria.json()
        assert [c["name"] for c in criteria.json()][:2] == ["Prix", "Valeur technique"]
        prices = post(api, f"/api/lots/{lot.json()['id']}/price-lines/", [
            {"label": "Abonnement annuel au bouquet de presse", "unit": "an", "quantity": "1"},
            {"number": "2", "label": "Accès simultané supplémentaire", "unit": "accès", "quantity": "50"}])
        assert prices.status_code == 200, prices.json()
        assert [(p["number"], p["position"]) for p in prices.json()] == [("1", 1), ("2", 2)]
        assert api.get("/api/tenders/API-2026-01/").json()["procedure"] == "appel_offres_ouvert"
        assert post(api, "/api/tenders/API-2026-01/dce/").status_code == 201
        for name, state in (("mark_ready", "ready"), ("publish", "published")):
            response = post(api, "/api/tenders/API-2026-01/transition/", {"transition": name})
            assert response.status_code == 200, response.json()
            assert response.json()["state"] == state
    with freeze_time("2027-01-08 13:00:00+01:00"):
        closed = post(api, "/api/tenders/API-2026-01/transition/", {"transition": "close"})
        assert closed.json()["state"] == "closed"
    with freeze_time("2027-01-09 10:00:00+01:00"):
        opening = post(api, "/api/tenders/API-2026-01/opening/", {
            "opened_at": "2027-01-09T09:00:00+01:00", "attendees": "Claire Morel, Julien Faure"})
        assert opening.status_code == 201, opening.json()
        opened = post(api, "/api/tenders/API-2026-01/transition/", {"transition": "open_bids"})
    assert opened.status_code == 200
    assert opened.json()["state"] == "opened"
    assert list(TransitionLog.objects.filter(tender__reference="API-2026-01").values_list("target", flat=True)) == [
        "ready", "published", "closed", "opened"]


def test_an_evaluator_is_refused_with_403_and_the_tender_does_not_move(api_for, evaluator):
    lot = LotFactory(criteria=True, prices=True)
    response = post(api_for(evaluator), f"/api/tenders/{lot.tender.reference}/transition/",
                    {"transition": "mark_ready"})
    assert response.status_code == 403
    assert "n'est pas permise" in response.json()["detail"]
    assert Tender.objects.get(pk=lot.tender.pk).state == TenderState.DRAFT


def test_a_draft_is_unknown_to_an_evaluator_404_without_detail(api_for, evaluator):
    tender = TenderFactory()
    response = api_for(evaluator).get(f"/api/tenders/{tender.reference}/")
    assert response.status_code == 404
    assert tender.object not in response.content.decode()


def test_a_refused_transition_is_a_409_with_the_guards_french_reasons(api_for, buyer):
    tender = TenderFactory()
    response = post(api_for(buyer), f"/api/tenders/{tender.reference}/transition/", {"transition": "mark_ready"})
    assert response.status_code == 409
    assert "La consultation n'a aucun lot." in response.json()["reasons"]
    assert Tender.objects.get(pk=tender.pk).state == TenderState.DRAFT


def test_abandoning_without_a_reason_is_refused_409(api_for, buyer):
    tender = TenderFactory()
    response = post(api_for(buyer), f"/api/tenders/{tender.reference}/transition/", {"transition": "abandon"})
    assert (response.status_code, response.json()["reasons"]) == (409, ["Le motif est obligatoire."])


def test_bad_input_is_a_400_with_french_errors_per_field_and_nothing_saved(api_for, buyer):
    response = post(api_for(buyer), "/api/tenders/", {
        "reference": "API-2026-02", "object": "Presse", "nature": "services", "cpv_code": "9251",
        "place_code": "37100", "duration_months": 0, "consultation_start": "26/11/2026",
    })
    assert response.status_code == 400
    errors = response.json()
    assert errors["consultation_start"] == [
        "La date n'a pas le bon format. Utilisez un des formats suivants\u00a0: YYYY-MM-DD."]
    assert "cpv_code" in errors or "duration_months" in errors
    assert not Tender.objects.filter(reference="API-2026-02").exists()


def test_a_model_error_comes_back_on_its_field(api_for, buyer):
    response = post(api_for(buyer), "/api/tenders/", {
        "reference": "API-2026-03", "object": "Presse", "nature": "services", "cpv_code": "9251",
        "place_code": "37100", "duration_months": 12, "consultation_start": "2026-11-26",
    })
    assert response.status_code == 400
    assert response.json() == {"cpv_code": [
        "Le code CPV s'écrit avec 8 chiffres, suivis éventuellement d'un tiret et d'un chiffre."]}


def test_criteria_that_do_not_add_up_are_refused_per_field(api_for, buyer):
    lot = LotFactory()
    rows = [{"name": "Prix", "kind": "price", "points": "40", "price_formula": "proportional"},
            {"name": "Valeur technique", "kind": "technical", "points": "50"}]
    response = post(api_for(buyer), f"/api/lots/{lot.pk}/criteria/", rows)
    assert response.status_code == 400
    assert response.json()["points"] == ["Les critères totalisent 90 points au lieu de 100."]


def test_finance_reads_tenders_but_cannot_create_one(api_for, finance_user):
    TenderFactory(reference="API-2026-04")
    api = api_for(finance_user)
    assert [t["reference"] for t in api.get("/api/tenders/").json()["results"]] == ["API-2026-04"]
    assert post(api, "/api/tenders/", {"reference": "API-2026-05"}).status_code == 403


def test_anonymous_clients_are_asked_to_authenticate(api_for):
    response = api_for().get("/api/tenders/")
    assert response.status_code == 401
    assert response.json()["detail"] == "Informations d'authentification non fournies."


def test_a_token_authenticates_a_client(db):
    user = UserFactory(username="api-acheteur", buyer=True)
    _token, key = api_token_create(by=user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    TenderFactory(reference="API-2026-06")
    assert api.get("/api/tenders/API-2026-06/").json()["abilities"]["edit"] is True


def test_filters_are_checked(api_for, buyer):
    TenderFactory(reference="API-2026-07")
    TenderFactory(reference="API-2026-08", published=True)
    api = api_for(buyer)
    assert [t["reference"] for t in api.get("/api/tenders/?state=published").json()["results"]] == ["API-2026-08"]
    bad = api.get("/api/tenders/?state=envolee&year=deux")
    assert bad.status_code == 400
    assert bad.json() == {"state": ["« envolee » n'est pas une valeur possible."]}


@pytest.mark.parametrize("size", [2, 6])
def test_the_tender_list_runs_a_constant_number_of_queries(api_for, buyer, django_assert_num_queries, size):
    for _ in range(size):
        LotFactory(estimated_amount_ht=Decimal("1000.00"))
    api = api_for(buyer)
    api.get("/api/tenders/")  # the user's roles are cached from here on
    with django_assert_num_queries(3):  # the count, the page, its lots (the estimated value, R.2121-1)
        response = api.get("/api/tenders/")
    assert response.json()["count"] == size


def test_a_lot_is_added_to_a_draft_only(api_for, buyer):
    tender = TenderFactory(published=True, consultation_start=date(2026, 11, 25))
    response = post(api_for(buyer), "/api/lots/", {"tender": tender.reference, "title": "Vidéo",
                                                   "estimated_amount_ht": "1000.00"})
    assert response.status_code == 403
    assert response.json()["detail"] == "Seule une consultation en brouillon reçoit de nouveaux lots."
