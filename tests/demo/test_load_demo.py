from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from procurement.tenders.models import Bid, Tender
from procurement.vendors.models import Vendor
from tests.clock import load_demo
from tests.demo_snapshot import restore
from tests.shared_rows import module_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(demo_snapshot, django_db_blocker, tmp_path_factory):
    with module_rows(django_db_blocker, tmp_path_factory):
        yield restore(demo_snapshot)


def test_the_demo_creates_one_user_per_role_and_prints_their_passwords(demo):
    roles = {user["role"] for user in demo["users"]}
    assert roles == {"buyers", "evaluators", "finance", "admin"}
    assert sum(user["role"] == "evaluators" for user in demo["users"]) == 3
    claire = get_user_model().objects.get(username="claire.morel")
    password = next(u["password"] for u in demo["users"] if u["username"] == "claire.morel")
    assert claire.check_password(password)


def test_the_demo_carries_the_three_bnm_procedures_with_their_estimated_values(demo):
    values = {t.reference: (t.procedure, t.state, t.estimated_value_ht()) for t in Tender.objects.all()}
    assert values["BNM-2023-01"] == ("mapa", "completed", Decimal("80000.00"))
    assert values["BNM-2024-01"] == ("appel_offres_ouvert", "completed", Decimal("507500.00"))
    assert values["BNM-2024-02"] == ("appel_offres_ouvert", "completed", Decimal("1200000.00"))
    assert values["BNM-2026-01"][1] == "published"
    assert set(Tender.objects.values_list("programme__reference", flat=True)) == {"BNM"}


def test_the_in_progress_consultation_has_sealed_bids(demo):
    bids = Bid.objects.filter(lot__tender__reference="BNM-2026-01")
    assert bids.count() == 2
    assert all(bid.amount_ht is None and bid.files.count() == 1 for bid in bids)


def test_every_bnm_lot_has_price_lines_and_every_dce_is_free_of_placeholders(demo):
    from procurement.tenders.models import DceGeneration, Lot

    assert not Lot.objects.filter(tender__reference__startswith="BNM", price_items__isnull=True).exists()
    assert Lot.objects.get(tender__reference="BNM-2024-02", number=1).price_items.count() == 3
    generations = DceGeneration.objects.filter(tender__reference__startswith="BNM")
    assert generations.count() == 4
    assert [g.placeholders for g in generations] == [[], [], [], []]


def test_loading_the_demo_twice_duplicates_nothing(demo):
    counts = (Vendor.objects.count(), Tender.objects.count(), Bid.objects.count())
    load_demo("--no-users")
    assert (Vendor.objects.count(), Tender.objects.count(), Bid.objects.count()) == counts == (8, 4, 15)


def test_the_mapa_letters_give_the_scores_of_the_amo_evaluation(demo):
    from procurement.tenders.evaluation.selectors import lot_ranking
    from procurement.tenders.models import LetterDocument, Lot
    from procurement.tenders.models.documents import LetterKind

    lot = Lot.objects.get(tender__reference="BNM-2023-01")
    ranking = lot_ranking(lot)
    assert ranking.final
    # Price 40 (proportional) + methodology 30 + team 21.20 for Traverse; 36.91 + 28 + 23 for Cap Lecture.
    assert [(ranked.bidder, str(ranked.total)) for ranked in ranking.ranked] == [
        ("Traverse Conseil SARL", "91.20"), ("Cap Lecture Publique Conseil", "87.91")]
    assert LetterDocument.objects.filter(lot=lot, kind=LetterKind.REJECTION).count() == 1

