"""The demo's evaluation: three evaluators scored BNM-2024-01 and BNM-2024-02, the winners win."""


import pytest

from procurement.tenders.enums import AbnormallyLowDecision, LotState
from procurement.tenders.evaluation.selectors import lot_evaluation
from procurement.tenders.models import Lot
from tests.demo_snapshot import restore
from tests.shared_rows import module_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(demo_snapshot, django_db_blocker, tmp_path_factory):
    with module_rows(django_db_blocker, tmp_path_factory):
        restore(demo_snapshot)
        yield


def evaluation(reference, number):
    return lot_evaluation(Lot.objects.get(tender__reference=reference, number=number))


def ranking(reference, number):
    return [(r.bidder, f"{r.total}") for r in evaluation(reference, number).ranking.ranked]


def test_the_demo_winners_come_first_with_the_points_of_the_award_letters(demo):
    assert ranking("BNM-2024-01", 1) == [("Médiaflux Solutions SAS", "88.33"), ("Ouvrage Logiciel SAS", "80.89")]
    assert ranking("BNM-2024-01", 2) == [("Ouvrage Logiciel SAS", "88.00"), ("Médiaflux Solutions SAS", "51.00")]
    assert ranking("BNM-2024-02", 1) == [("Lectura Prêt Numérique SAS", "88.40"), ("Kiosque Horizon", "82.81")]
    assert ranking("BNM-2024-02", 4) == [("Savoirs en Ligne SAS", "84.00"),
                                         ("Cinévasion Médiathèques SARL", "74.23"), ("Kiosque Horizon", "71.00")]
    for lot in Lot.objects.filter(tender__reference__in=["BNM-2024-01", "BNM-2024-02"]):
        assert lot.state == LotState.AWARDED
        assert lot.winner_id == evaluation(lot.tender.reference, lot.number).ranking.winner.bid_id


def test_the_portal_lot_shows_a_dispersion_on_accessibility(demo):
    [flag] = evaluation("BNM-2024-01", 1).consolidation.dispersion
    assert (flag.low, flag.high) == (7, 12)


def test_the_self_training_lot_has_an_accepted_abnormally_low_bid(demo):
    result = evaluation("BNM-2024-02", 4)
    [flag] = result.oab_flags
    assert result.names[flag.key] == "Kiosque Horizon"
    assert result.oab_reviews[flag.key].decision == AbnormallyLowDecision.ACCEPTED


def test_the_linear_formula_with_two_bids_is_flagged_in_the_demo(demo):
    warnings = evaluation("BNM-2024-01", 2).consolidation.price_warnings
    assert any("CAA Paris" in text for texts in warnings.values() for text in texts)
