"""The shares of the demo's agreement: taken from the finance schedule's figures, adding up to them to
the cent, following the population of each year, a member without use, keys refused with the reason,
and two keys compared."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from procurement.contracts.selectors.finance import commitments
from procurement.programmes.models import Programme
from procurement.resources.models import Library
from procurement.sharing.models import Member, MemberBound
from procurement.sharing.rules import SharingRefused
from procurement.sharing.selectors.agreements import agreement_for, population_table
from procurement.sharing.selectors.comparison import compare_keys
from procurement.sharing.selectors.costs import year_cost
from procurement.sharing.selectors.keys import key_list
from procurement.sharing.selectors.shares import shares
from procurement.sharing.services.bounds import bounds_set
from procurement.sharing.services.keys import key_create
from procurement.sharing.services.members import member_update
from procurement.sharing.services.populations import population_set, populations_set

pytestmark = pytest.mark.django_db

SHARED = {("BNM-2024-02-L1", "Ressources en ligne"), ("BNM-2024-02-L2", "Ressources en ligne"),
          ("BNM-2024-02-L3", "Ressources en ligne"), ("BNM-2024-02-L4", "Ressources en ligne"),
          ("BNM-2024-01-L1", "Maintenance du portail")}


@pytest.fixture
def agreement(demo):
    return agreement_for(programme=Programme.objects.get(reference="BNM"), year=2026)


def test_the_2026_shares_add_up_to_what_the_finance_page_says_the_shared_contracts_cost(agreement):
    finance = commitments(year_from=2025, year_to=2030, programme=agreement.programme)
    shared = [row for row in finance.contracts if (row.contract.reference, row.line.label) in SHARED]
    assert len(shared) == 5
    finance_total = sum(row.cells[2026].committed_ttc for row in shared)
    # 167 745,00 + 59 422,20 + 80 400,00 + 58 680,00 (online resources) + 64 026,90 (portal maintenance)
    assert finance_total == Decimal("430274.10")
    for key in ("mixte", "mixte-bornes", "population", "usage", "flat"):
        sharing = shares(agreement=agreement, year=2026, key=key)
        assert sharing.total_ttc == finance_total
        assert sum(row.share_ttc for row in sharing.members) == finance_total, key
        assert len(sharing.members) == 58


def test_the_demo_applies_half_population_half_uses(agreement):
    sharing = shares(agreement=agreement, year=2026)
    assert (sharing.key.name, sharing.key.description) == ("mixte", "50 % population, 50 % usages")
    centre = next(row for row in sharing.members if row.member.name == "Ville-centre")
    assert (centre.population, centre.uses, sharing.total_population, sharing.total_uses) == (
        527871, 139241, 1416161, 345608)
    # 430 274,10 × (½ × 527 871 / 1 416 161 + ½ × 139 241 / 345 608) = 166 867,82 (to the cent)
    assert (centre.share_ttc, centre.share_percent, centre.cost_per_use, centre.tier) == (
        Decimal("166867.82"), Decimal("38.78"), Decimal("1.20"), "large")
    assert max(sharing.members, key=lambda row: row.share_ttc).member.name == "Ville-centre"


def test_the_bounded_key_caps_the_central_city_and_lifts_the_smallest_communes(agreement):
    sharing = shares(agreement=agreement, year=2026, key="mixte-bornes")
    held = {row.member.name: (row.share_ttc, row.bound) for row in sharing.members if row.bound}
    assert held["Ville-centre"] == (Decimal("150000.00"), "cap")
    assert sorted(name for name, (amount, bound) in held.items() if bound == "floor") == [
        "Curis-sur-Saône", "Fleurieu-Val", "Poleymieux-Mont", "Rochetaillée-Château", "Saint-Germain-Rivage",
        "Saint-Romain-Mont"]
    assert all(amount == Decimal("500.00") for amount, bound in held.values() if bound == "floor")


def test_a_change_of_population_between_years_changes_that_years_shares_only(agreement, buyer):
    Member.objects.filter(agreement=agreement).exclude(name__in=["Ville-centre", "Villebrune"]).delete()
    centre, villebrune = Member.objects.get(name="Ville-centre"), Member.objects.get(name="Villebrune")
    populations_set(agreement=agreement, year=2025, populations={centre: 300000, villebrune: 100000},
                    by=buyer)
    populations_set(agreement=agreement, year=2026, populations={centre: 300000, villebrune: 200000},
                    by=buyer)
    in_2025 = shares(agreement=agreement, year=2025, key="population")
    in_2026 = shares(agreement=agreement, year=2026, key="population")
    # 2025: 377 915,20 × 3/4 and × 1/4; 2026: 430 274,10 × 3/5 and × 2/5.
    assert [(row.member.name, row.population, row.share_ttc) for row in in_2025.members] == [
        ("Ville-centre", 300000, Decimal("283436.40")), ("Villebrune", 100000, Decimal("94478.80"))]
    assert [(row.member.name, row.population, row.share_ttc) for row in in_2026.members] == [
        ("Ville-centre", 300000, Decimal("258164.46")), ("Villebrune", 200000, Decimal("172109.64"))]
    assert [row.populations for row in population_table(agreement=agreement)] == [
        {2025: 300000, 2026: 300000, 2027: 526038}, {2025: 100000, 2026: 200000, 2027: 152963}]


def test_a_member_without_use_pays_nothing_for_the_uses_and_its_part_of_the_population(agreement, buyer):
    curis = Member.objects.get(agreement=agreement, name="Curis-sur-Saône")
    member_update(member=curis, name=curis.name, kind=curis.kind, libraries=[], by=buyer)
    by_use = shares(agreement=agreement, year=2026, key="usage").of(curis)
    assert (by_use.uses, by_use.share_ttc, by_use.cost_per_use) == (0, Decimal("0.00"), None)
    mixed = shares(agreement=agreement, year=2026, key="mixte")
    # Only the population half: 430 274,10 / 2 × 1 200 / 1 416 161 = 182,30
    assert mixed.of(curis).share_ttc == Decimal("182.30")
    assert Library.objects.filter(code="CURI").exists()


def test_a_key_that_cannot_divide_is_refused_with_the_reason(agreement, buyer):
    with pytest.raises(SharingRefused) as refused:
        shares(agreement=agreement, year=2027, key="usage")
    # 2027: the portal's maintenance is committed, but no COUNTER report is in yet.
    assert refused.value.reason == ("La composante « usages COUNTER 2027 » ne peut rien répartir : tous les membres "
                                    "y comptent pour zéro.")
    key = key_create(agreement=agreement, name="plancher-eleve", label="Plancher trop haut",
                     components={"population": 1}, by=buyer)
    # Floors that fitted the cost when they were set, before an order was cancelled, say: the service would
    # refuse them now (tests/sharing/test_services.py), so they are written as they stand.
    MemberBound.objects.bulk_create(MemberBound(key=key, member=member, floor_ttc=Decimal("8000.00"))
                                    for member in agreement.members.all())
    with pytest.raises(SharingRefused) as refused:
        shares(agreement=agreement, year=2026, key="plancher-eleve")
    assert refused.value.reason.replace("\u00a0", " ").replace("\u202f", " ") == (
        "Les planchers (464 000,00 €) dépassent ensemble le total à répartir (430 274,10 €).")


def plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def test_a_floor_above_a_years_total_is_refused_naming_the_member_and_nothing_is_stored(agreement, buyer):
    key = agreement.keys.get(name="mixte-bornes")
    villebrune = Member.objects.get(agreement=agreement, name="Villebrune")
    before = sorted(MemberBound.objects.filter(key=key).values_list("member__name", "floor_ttc", "cap_ttc"))
    with pytest.raises(ValidationError) as refused:
        bounds_set(key=key, bounds={villebrune: ("400000", None)}, by=buyer)
    # 2025 costs 377 915,20 €: the floor would have Villebrune pay more than everything shared that year.
    assert {field: [plain(message) for message in messages] for field, messages in
            refused.value.message_dict.items()} == {"floor_ttc": [
                "Villebrune : le plancher (400 000,00 €) dépasse le total à répartir en 2025 (377 915,20 €) : le "
                "membre paierait plus que le total."]}
    assert sorted(MemberBound.objects.filter(key=key).values_list("member__name", "floor_ttc", "cap_ttc")) == before


def test_floors_that_add_up_to_more_than_a_years_total_are_refused_and_nothing_is_stored(agreement, buyer):
    key = agreement.keys.get(name="mixte-bornes")
    with pytest.raises(ValidationError) as refused:
        bounds_set(key=key, bounds=dict.fromkeys(agreement.members.all(), ("7000", None)), by=buyer)
    assert [plain(message) for message in refused.value.message_dict["__all__"]] == [
        "En 2025, ces planchers et plafonds empêcheraient la clé de répartir : Les planchers (406 000,00 €) "
        "dépassent ensemble le total à répartir (377 915,20 €)."]
    assert set(MemberBound.objects.filter(key=key).values_list("floor_ttc", flat=True)) == {Decimal("500.00")}


@pytest.mark.parametrize(("year", "key", "reason"), [
    (2024, "mixte", "2024 est hors de la convention « Partage des coûts de la Bibliothèque numérique "
                    "métropolitaine » (2025–2027)."),
    (2026, "inconnue", "Clé de répartition inconnue : « inconnue ». Clés possibles : population, usage, flat, mixte, "
                       "mixte-bornes."),
])
def test_a_year_outside_the_agreement_and_an_unknown_key_are_refused(agreement, year, key, reason):
    with pytest.raises(SharingRefused) as refused:
        shares(agreement=agreement, year=year, key=key)
    assert refused.value.reason == reason


def test_a_missing_population_is_named_before_dividing_by_population(agreement, buyer):
    centre = Member.objects.get(agreement=agreement, name="Ville-centre")
    population_set(member=centre, year=2026, population=None, by=buyer)
    with pytest.raises(SharingRefused, match=r"^Population 2026 manquante pour : Ville-centre\. "):
        shares(agreement=agreement, year=2026, key="mixte")
    assert shares(agreement=agreement, year=2026, key="usage").of(centre).population is None


def test_comparing_two_keys_names_who_gains_and_who_loses(agreement):
    comparison = compare_keys(agreement=agreement, year=2026, first="mixte", second="mixte-bornes")
    assert len(comparison.rows) == 58 and comparison.total_ttc == Decimal("430274.10")
    assert [(row.member.name, row.difference_ttc) for row in comparison.gainers] == [
        ("Ville-centre", Decimal("-16867.82"))]
    assert [(row.member.name, row.difference_ttc) for row in comparison.losers[:3]] == [
        ("Villebrune", Decimal("2929.59")), ("Saint-Aurèle", Decimal("1647.88")), ("Montvernay", Decimal("955.20"))]
    assert sum(row.difference_ttc for row in comparison.rows) == 0
    with pytest.raises(SharingRefused, match=r"^Clé « usage » : La composante « usages COUNTER 2027 »"):
        compare_keys(agreement=agreement, year=2027, first="flat", second="usage")


def test_the_keys_offered_and_the_cost_lines(agreement):
    assert [(key.name, key.is_applied, key.description) for key in key_list(agreement=agreement)] == [
        ("mixte", True, "50 % population, 50 % usages"), ("mixte-bornes", False, "50 % population, 50 % usages"),
        ("population", False, "100 % population"), ("usage", False, "100 % usages"),
        ("flat", False, "100 % part égale")]
    cost = year_cost(agreement=agreement, year=2026)
    assert sorted((line.contract.reference, line.budget_line.label) for line in cost.lines) == sorted(SHARED)


def test_the_shares_take_as_many_queries_for_58_members_as_for_8(agreement, django_assert_num_queries):
    with CaptureQueriesContext(connection) as all_members:
        shares(agreement=agreement, year=2026, key="mixte-bornes")
    Member.objects.filter(agreement=agreement).exclude(
        name__in=["Ville-centre", "Villebrune", "Saint-Aurèle", "Montvernay", "Curis-sur-Saône", "Fleurieu-Val",
                  "Poleymieux-Mont", "Bron-les-Prés"]).delete()
    with django_assert_num_queries(len(all_members.captured_queries)):
        assert len(shares(agreement=agreement, year=2026, key="mixte-bornes").members) == 8
