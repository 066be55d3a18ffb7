"""The tenders' services check the acting user's ability before writing, as the transitions do:
finance officers and evaluators, who do not drive consultations on the pages, are refused, and
nothing changes."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from procurement.tenders.models import CaoMember, Criterion, DceGeneration, Lot, Question, Tender
from procurement.tenders.services import cao, dce, need, qa
from tests.factories import UserFactory
from tests.programmes.factories import AuthorityFactory
from tests.tenders.factories import LotFactory, TenderFactory

pytestmark = pytest.mark.django_db

MODELS = (Tender, Lot, Criterion, Question, DceGeneration, CaoMember)


def _writes(draft: Tender, published: Tender) -> dict:
    lot = draft.lots.first()
    return {
        "tender_create": lambda by: need.tender_create(by=by, reference="BNM-2026-09", title="Autre besoin"),
        "tender_update": lambda by: need.tender_update(tender=draft, title="Nouveau titre", by=by),
        "lot_save": lambda by: need.lot_save(tender=draft, title="Nouveau lot", by=by),
        "lot_delete": lambda by: need.lot_delete(lot=lot, by=by),
        "criteria_replace": lambda by: need.criteria_replace(lot=lot, rows=[], by=by),
        "question_record": lambda by: qa.question_record(tender=published, text="Une question ?",
                                                         asked_at=timezone.now(), by=by),
        "dce_generate": lambda by: dce.dce_generate(tender=draft, on=date(2026, 11, 25), by=by),
        "cao_member_upsert": lambda by: cao.cao_member_upsert(authority=AuthorityFactory(), name="A. Roussel",
                                                              role="president", by=by),
    }


def _snapshot() -> list:
    return [list(model.objects.order_by("pk").values()) for model in MODELS]


@pytest.mark.parametrize("traits", [{"finance": True}, {"evaluator": True}], ids=["finance", "evaluator"])
@pytest.mark.parametrize("write", ["tender_create", "tender_update", "lot_save", "lot_delete", "criteria_replace",
                                   "question_record", "dce_generate", "cao_member_upsert"])
def test_a_role_without_the_ability_is_refused_and_nothing_is_written(write, traits):
    user = UserFactory(**traits)
    writes = _writes(LotFactory().tender, TenderFactory(published=True))
    before = _snapshot()
    with pytest.raises(PermissionDenied) as refused:
        writes[write](user)
    assert str(refused.value).startswith("Seuls les acheteurs ")
    assert _snapshot() == before
