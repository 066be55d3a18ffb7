"""Sealed bids and blind notes through the API: exactly what the pages show, no more."""

from decimal import Decimal

import pytest

from procurement.tenders.evaluation.services import scores_submit
from procurement.tenders.models import Bid, BidFile, Score
from tests.tenders.evaluation.factories import criteria_of, worked_example
from tests.tenders.factories import BidFactory, LotFactory, TenderFactory

pytestmark = pytest.mark.django_db


def sealed_bid() -> Bid:
    lot = LotFactory(tender=TenderFactory(closed=True))
    bid = BidFactory(lot=lot, vendor__name="Kiosque Horizon")
    Bid.objects.filter(pk=bid.pk).update(amount_ht=Decimal("87654.32"), vat_rate=Decimal("5.5"))
    BidFile.objects.create(bid=bid, file="tenders/bids/x", original_name="offre-kiosque-prix.pdf", size=10,
                           sha256="ab" * 32)
    return bid


def test_before_the_opening_a_buyer_reads_only_the_bidder_the_time_the_status_and_the_hashes(api_for, buyer):
    bid = sealed_bid()
    response = api_for(buyer).get(f"/api/bids/{bid.pk}/")
    data = response.json()
    body = response.content.decode()
    assert (data["vendor_name"], data["sealed"], data["file_hashes"]) == ("Kiosque Horizon", True, ["ab" * 32])
    assert (data["amount_ht"], data["vat_rate"], data["final_amount_ht"], data["files"]) == (None, None, None, [])
    assert "87654" not in body and "offre-kiosque-prix" not in body


def test_the_sealed_bids_list_hides_the_amounts_too(api_for, buyer):
    bid = sealed_bid()
    response = api_for(buyer).get(f"/api/bids/?lot={bid.lot_id}")
    assert [row["amount_ht"] for row in response.json()["results"]] == [None]
    assert "87654" not in response.content.decode()


def test_a_bid_of_a_sealed_tender_is_unknown_to_an_evaluator(api_for, evaluator):
    bid = sealed_bid()
    api = api_for(evaluator)
    assert api.get(f"/api/bids/{bid.pk}/").status_code == 404
    assert api.get("/api/bids/").json()["count"] == 0


def test_recording_a_sealed_bid_is_refused_with_403(api_for, buyer):
    bid = sealed_bid()
    response = api_for(buyer).post(f"/api/bids/{bid.pk}/opening/", {"amount_ht": "1.00", "vat_rate": "20",
                                                                    "admissible": True}, format="json")
    assert response.status_code == 403
    assert Bid.objects.get(pk=bid.pk).amount_ht == Decimal("87654.32")


def test_after_the_opening_a_buyer_records_and_reads_the_amounts(api_for, buyer):
    lot = LotFactory(tender=TenderFactory(opened=True))
    bid = BidFactory(lot=lot)
    response = api_for(buyer).post(f"/api/bids/{bid.pk}/opening/", {
        "amount_ht": "98000.00", "vat_rate": "5.50", "admissible": True}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["amount_ht"], response.json()["final_amount_ttc"], response.json()["sealed"]) == (
        "98000.00", "103390.00", False)


def test_a_refused_recording_names_the_field(api_for, buyer):
    lot = LotFactory(tender=TenderFactory(opened=True))
    bid = BidFactory(lot=lot)
    response = api_for(buyer).post(f"/api/bids/{bid.pk}/opening/", {
        "amount_ht": "98000.00", "vat_rate": "5.50", "admissible": False}, format="json")
    assert response.status_code == 400
    assert response.json() == {"admissibility_reason": ["Motivez l'irrecevabilité de la candidature."]}


def values(response) -> set[tuple[str, str]]:
    return {(row["evaluator"], row["value"]) for row in response.json()["results"]}


def test_while_the_round_is_blind_an_evaluator_reads_only_their_own_notes(api_for):
    example = worked_example(submitted=1)
    response = api_for(example.evaluators[1]).get(f"/api/scores/?lot={example.lot.pk}")
    assert {row["evaluator"] for row in response.json()["results"]} == {"nadia"}
    assert response.json()["count"] == 6


def test_while_the_round_is_blind_a_buyer_reads_no_note(api_for, buyer):
    example = worked_example(submitted=2)
    assert api_for(buyer).get(f"/api/scores/?lot={example.lot.pk}").json()["count"] == 0


def test_once_everyone_submitted_the_counted_notes_are_readable(api_for, buyer):
    example = worked_example(submitted=3)
    response = api_for(example.evaluators[1]).get(f"/api/scores/?lot={example.lot.pk}")
    assert {row["evaluator"] for row in response.json()["results"]} == {"sophie", "nadia", "thomas"}
    assert api_for(buyer).get("/api/scores/").json()["count"] == 18


def test_another_evaluators_note_is_a_404_while_blind(api_for):
    example = worked_example(submitted=1)
    other = Score.objects.filter(evaluator=example.evaluators[0]).first()
    assert api_for(example.evaluators[1]).get(f"/api/scores/{other.pk}/").status_code == 404


def test_an_evaluator_corrects_a_note_through_the_api(api_for):
    example = worked_example(submitted=1)
    nadia = example.evaluators[1]
    criterion = criteria_of(example.lot)["Catalogue"]
    response = api_for(nadia).post("/api/scores/", {"bid": example.a.pk, "criterion": criterion.pk,
                                                    "value": "29", "comment": "Catalogue très complet."},
                                   format="json")
    assert response.status_code == 201, response.json()
    assert Score.objects.get(evaluator=nadia, bid=example.a, criterion=criterion).value == Decimal("29")


def test_a_note_above_the_criterions_points_is_refused_on_its_field(api_for):
    example = worked_example(submitted=1)
    criterion = criteria_of(example.lot)["Accompagnement"]
    response = api_for(example.evaluators[1]).post(
        "/api/scores/", {"bid": example.a.pk, "criterion": criterion.pk, "value": "16", "comment": "Trop."},
        format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["value"]


def test_a_submitted_evaluator_can_no_longer_score(api_for):
    example = worked_example(submitted=1)
    criterion = criteria_of(example.lot)["Catalogue"]
    response = api_for(example.evaluators[0]).post(
        "/api/scores/", {"bid": example.a.pk, "criterion": criterion.pk, "value": "20", "comment": "Revu."},
        format="json")
    assert response.status_code == 403


def test_a_buyer_cannot_score(api_for, buyer):
    example = worked_example(submitted=1)
    criterion = criteria_of(example.lot)["Catalogue"]
    response = api_for(buyer).post("/api/scores/", {"bid": example.a.pk, "criterion": criterion.pk, "value": "20",
                                                    "comment": "Non."}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("lots", [1, 3])
def test_the_notes_list_runs_a_constant_number_of_queries(api_for, django_assert_num_queries, lots):
    examples = [worked_example(submitted=3)]
    for _ in range(lots - 1):
        examples.append(worked_example(submitted=2, tender=TenderFactory(opened=True)))
    api = api_for(examples[0].evaluators[0])
    api.get("/api/scores/")
    with django_assert_num_queries(8):
        response = api.get("/api/scores/")
    assert response.json()["count"] == 18 + 6 * (lots - 1)


def test_scores_submit_makes_the_round_final(api_for):
    example = worked_example(submitted=2)
    scores_submit(lot=example.lot, by=example.evaluators[2])
    assert api_for(example.evaluators[0]).get(f"/api/scores/?lot={example.lot.pk}").json()["count"] == 18
