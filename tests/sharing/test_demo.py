"""The demo's agreement: the 58 communes with their library and three years of population, what is shared,
the two keys; loading it again changes nothing."""

import pytest

from procurement.demo.loaders.sharing import load_demo_sharing
from procurement.sharing.models import (
    Agreement,
    KeyComponent,
    Member,
    MemberBound,
    MemberLibrary,
    MemberPopulation,
    SharedItem,
    SharingKey,
)

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    models = (Agreement, Member, MemberLibrary, MemberPopulation, SharedItem, SharingKey, KeyComponent, MemberBound)
    return tuple(model.objects.count() for model in models) + tuple(
        model.history.count() for model in models)


def test_the_demo_agreement_covers_the_58_communes_for_2025_to_2027(demo):
    agreement = Agreement.objects.get()
    assert (agreement.programme.reference, agreement.start_year, agreement.end_year) == ("BNM", 2025, 2027)
    assert agreement.council_act.reference == "CM-2024-131"
    assert demo["cost_sharing"] == {"agreement": agreement.name, "years": [2025, 2027], "members": 58,
                                    "keys": ["mixte", "mixte-bornes"]}
    largest = MemberPopulation.objects.filter(year=2026).order_by("-population").first()
    assert largest.member.name == "Ville-centre"
    assert MemberPopulation.objects.count() == 58 * 3 and MemberLibrary.objects.count() == 58


def test_loading_the_agreement_again_changes_nothing(demo, django_user_model):
    before = counts()
    load_demo_sharing(by=django_user_model.objects.get(username="claire.morel"))
    assert counts() == before
