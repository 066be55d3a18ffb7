"""The sharing services: who may write (buyers and finance, never evaluators), the agreement and its
convention, members and their libraries, populations per year, keys with their weights, floors and caps;
every refusal names its field in French and leaves the stored data as it was."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from procurement.sharing.models import (
    Agreement,
    KeyComponent,
    Member,
    MemberBound,
    MemberLibrary,
    MemberPopulation,
    SharingKey,
)
from procurement.sharing.services.agreements import agreement_create, agreement_delete, agreement_update
from procurement.sharing.services.bounds import bound_set, bounds_set
from procurement.sharing.services.keys import key_apply, key_create, key_update
from procurement.sharing.services.members import member_create, members_from_libraries
from procurement.sharing.services.populations import population_set, populations_copy, populations_set
from tests.factories import UserFactory
from tests.programmes.factories import CouncilActFactory, ProgrammeFactory
from tests.resources.factories import LibraryFactory
from tests.sharing.factories import AgreementFactory, MemberFactory

pytestmark = pytest.mark.django_db


def messages(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict


@pytest.fixture
def agreement():
    return AgreementFactory()


WRITES = {
    "agreement_create": lambda by, agreement: agreement_create(
        programme=ProgrammeFactory(), name="Partage", start_year=2025, end_year=2027,
        convention_reference="Convention n° 1", by=by),
    "agreement_update": lambda by, agreement: agreement_update(
        agreement=agreement, name="Autre nom", start_year=2025, end_year=2026,
        convention_reference="Convention n° 2", by=by),
    "agreement_delete": lambda by, agreement: agreement_delete(agreement=agreement, by=by),
    "member_create": lambda by, agreement: member_create(agreement=agreement, name="Valbrune", by=by),
    "members_from_libraries": lambda by, agreement: members_from_libraries(
        agreement=agreement, year=2025, libraries=[LibraryFactory()], by=by),
    "populations_set": lambda by, agreement: populations_set(
        agreement=agreement, year=2026, populations={MemberFactory(agreement=agreement): 1200}, by=by),
    "key_create": lambda by, agreement: key_create(
        agreement=agreement, name="mixte", label="Moitié-moitié", components={"population": 1, "usage": 1}, by=by),
}


@pytest.mark.parametrize("write", WRITES)
def test_an_evaluator_may_not_keep_an_agreement_and_nothing_is_written(write, agreement):
    before = (Agreement.objects.count(), Member.objects.count(), MemberPopulation.objects.count(),
              SharingKey.objects.count(), Agreement.objects.get().name)
    with pytest.raises(PermissionDenied) as refused:
        WRITES[write](UserFactory(evaluator=True), agreement)
    assert str(refused.value) == ("Seuls les acheteurs et les agents des finances tiennent les conventions de "
                                  "partage des coûts.")
    assert (Agreement.objects.count(), Member.objects.filter(name="Valbrune").count(),
            MemberPopulation.objects.count(), SharingKey.objects.count(), Agreement.objects.get(pk=agreement.pk).name
            ) == (before[0], 0, 0, 0, before[4])


@pytest.mark.parametrize("traits", [{"buyer": True}, {"finance": True}], ids=["buyer", "finance"])
def test_buyers_and_finance_keep_the_agreements(traits):
    user = UserFactory(**traits)
    agreement = agreement_create(programme=ProgrammeFactory(), name="Partage", start_year=2025,
                                 end_year=2027, convention_reference="Convention n° 1", by=user)
    assert agreement.history.get().history_user == user


def test_the_agreement_refers_to_its_convention_and_its_years_are_in_order(buyer):
    programme = ProgrammeFactory()
    with pytest.raises(ValidationError) as refused:
        agreement_create(programme=programme, name="Partage", start_year=2027, end_year=2025, by=buyer)
    assert messages(refused.value)["__all__"] == [
        "La dernière année suit la première.",
        "Indiquez la convention : la délibération qui l'approuve ou sa référence."]
    assert not Agreement.objects.exists()


def test_two_agreements_of_a_programme_may_not_cover_the_same_year(buyer, agreement):
    with pytest.raises(ValidationError) as refused:
        agreement_create(programme=agreement.programme, name="Avenant", start_year=2027, end_year=2029,
                         convention_reference="Convention n° 2", by=buyer)
    assert messages(refused.value) == {"start_year": [
        f"La convention « {agreement.name} » couvre déjà 2025–2027 pour ce programme : les années de deux "
        "conventions ne se chevauchent pas."]}
    agreement_create(programme=agreement.programme, name="Suite", start_year=2028, end_year=2030,
                     convention_reference="Convention n° 2", by=buyer)


def test_the_deliberation_must_be_one_of_the_programmes_buyer(buyer, agreement):
    act = CouncilActFactory()  # another authority
    with pytest.raises(ValidationError) as refused:
        agreement_update(agreement=agreement, name=agreement.name, start_year=2025, end_year=2027,
                         council_act=act, by=buyer)
    assert messages(refused.value) == {"council_act": [f"{act} émane d'un autre acheteur public que celui du "
                                                       "programme."]}
    act = CouncilActFactory(authority=agreement.programme.authority)
    updated = agreement_update(agreement=agreement, name=agreement.name, start_year=2025, end_year=2027,
                               council_act=act, convention_reference=agreement.convention_reference,
                               by=buyer)
    assert updated.convention_label == f"Convention de groupement de commandes n° 2024-031 — {act}"


def test_a_library_answers_to_one_member_only(buyer, agreement):
    library = LibraryFactory(commune="Valbrune", name="Médiathèque de Valbrune")
    member_create(agreement=agreement, name="Valbrune", libraries=[library], by=buyer)
    with pytest.raises(ValidationError) as refused:
        member_create(agreement=agreement, name="Métropole", kind="metropole", libraries=[library], by=buyer)
    assert messages(refused.value) == {"libraries": ["Médiathèque de Valbrune (Valbrune) est déjà rattachée à "
                                                     "Valbrune."]}
    assert list(Member.objects.values_list("name", flat=True)) == ["Valbrune"]


def test_members_come_from_the_network_libraries_with_their_population(buyer, agreement):
    large = LibraryFactory(commune="Valbrune", large=True)
    small = LibraryFactory(commune="Orme")
    created = members_from_libraries(agreement=agreement, year=2025, by=buyer)
    assert [(m.name, m.populations.get().population, list(m.libraries.all())) for m in created] == [
        ("Valbrune", 60000, [large]), ("Orme", 8000, [small])]
    assert members_from_libraries(agreement=agreement, year=2025, by=buyer) == []
    assert MemberLibrary.objects.count() == 2


def test_populations_are_set_per_year_and_a_wrong_one_changes_nothing(buyer, agreement):
    valbrune = MemberFactory(agreement=agreement, name="Valbrune")
    orme = MemberFactory(agreement=agreement, name="Orme")
    populations_set(agreement=agreement, year=2025, populations={valbrune: 12000, orme: "3 400"}, by=buyer)
    populations_copy(agreement=agreement, from_year=2025, to_year=2026, by=buyer)
    population_set(member=valbrune, year=2026, population=12150, by=buyer)
    with pytest.raises(ValidationError) as refused:
        populations_set(agreement=agreement, year=2026, populations={valbrune: 13000, orme: "-4"}, by=buyer)
    assert messages(refused.value) == {"population": ["Orme : une population est positive ou nulle."]}
    with pytest.raises(ValidationError) as refused:
        populations_set(agreement=agreement, year=2028, populations={valbrune: 13000}, by=buyer)
    assert messages(refused.value) == {"year": ["L'année doit être l'une de celles de la convention (2025–2027)."]}
    assert sorted(MemberPopulation.objects.values_list("member__name", "year", "population")) == [
        ("Orme", 2025, 3400), ("Orme", 2026, 3400), ("Valbrune", 2025, 12000), ("Valbrune", 2026, 12150)]
    population_set(member=orme, year=2026, population=None, by=buyer)
    assert not MemberPopulation.objects.filter(member=orme, year=2026).exists()


def test_a_key_keeps_its_positive_weights_and_one_key_is_applied(buyer, agreement):
    mixte = key_create(agreement=agreement, name="Mixte", label="Moitié population, moitié usages",
                       components={"population": "50", "usage": "50", "flat": ""}, apply=True, by=buyer)
    other = key_create(agreement=agreement, name="egal", label="Part égale", components={"flat": 1},
                       by=buyer)
    assert mixte.name == "mixte"
    assert sorted(KeyComponent.objects.filter(key=mixte).values_list("basis", "weight")) == [
        ("population", Decimal("50")), ("usage", Decimal("50"))]
    key_apply(key=other, by=buyer)
    assert list(SharingKey.objects.filter(is_applied=True)) == [other]
    with pytest.raises(ValidationError) as refused:
        key_update(key=mixte, name="mixte", label="x", components={"population": "-1"}, by=buyer)
    assert messages(refused.value) == {"population": ["Population légale (INSEE) de l'année : un poids est positif."]}
    with pytest.raises(ValidationError) as refused:
        key_update(key=mixte, name="mixte", label="x", components={"usage": "0"}, by=buyer)
    assert messages(refused.value) == {"components": ["Donnez un poids à une composante au moins : population, "
                                                      "usages ou part égale."]}
    with pytest.raises(ValidationError) as refused:
        key_create(agreement=agreement, name="usage", label="x", components={"usage": 1}, by=buyer)
    assert messages(refused.value) == {"__all__": ["population, usage et flat désignent les clés à une seule "
                                                   "composante : choisissez un autre nom."]}
    with pytest.raises(ValidationError) as refused:
        key_create(agreement=agreement, name="clé mixte", label="x", components={"usage": 1}, by=buyer)
    assert list(messages(refused.value)) == ["name"]
    assert SharingKey.objects.count() == 2 and KeyComponent.objects.filter(key=mixte).count() == 2


def test_floors_and_caps_are_checked_before_anything_is_written(buyer, agreement):
    key = key_create(agreement=agreement, name="bornes", label="Avec bornes", components={"population": 1},
                     by=buyer)
    valbrune = MemberFactory(agreement=agreement, name="Valbrune")
    orme = MemberFactory(agreement=agreement, name="Orme")
    with pytest.raises(ValidationError) as refused:
        bounds_set(key=key, bounds={valbrune: ("500", None), orme: ("900", "800")}, by=buyer)
    assert messages(refused.value) == {"cap_ttc": ["Orme : le plafond ne peut pas être inférieur au plancher."]}
    assert not MemberBound.objects.exists()
    bounds_set(key=key, bounds={valbrune: ("500", None), orme: (None, "800,00")}, by=buyer)
    assert sorted(MemberBound.objects.values_list("member__name", "floor_ttc", "cap_ttc")) == [
        ("Orme", None, Decimal("800.00")), ("Valbrune", Decimal("500.00"), None)]
    assert bound_set(key=key, member=orme, by=buyer) is None
    assert list(MemberBound.objects.values_list("member__name", flat=True)) == ["Valbrune"]
    stranger = MemberFactory()
    with pytest.raises(ValidationError) as refused:
        bound_set(key=key, member=stranger, floor_ttc="10", by=buyer)
    assert list(messages(refused.value)) == ["member"]
