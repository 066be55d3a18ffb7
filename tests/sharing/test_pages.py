"""The pages that keep an agreement, on a small agreement of two communes: who opens them (buyers and finance
read and edit, evaluators get a 403), and each form's success and refusal — a refusal names the field in
French and leaves the stored data as it was."""

from decimal import Decimal

import pytest

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
from tests.contracts.factories import ContractFactory
from tests.programmes.factories import BudgetLineFactory, ProgrammeFactory
from tests.resources.factories import LibraryFactory
from tests.sharing.factories import AgreementFactory, MemberFactory

pytestmark = pytest.mark.django_db


class World:
    def __init__(self):
        self.programme = ProgrammeFactory(reference="BNM")
        self.agreement = AgreementFactory(programme=self.programme, name="Partage BNM")
        self.valbrune = MemberFactory(agreement=self.agreement, name="Valbrune")
        self.orme = MemberFactory(agreement=self.agreement, name="Orme")
        MemberPopulation.objects.create(member=self.valbrune, year=2025, population=12000)
        MemberPopulation.objects.create(member=self.orme, year=2025, population=3400)
        self.key = SharingKey.objects.create(agreement=self.agreement, name="mixte", label="Moitié-moitié",
                                             is_applied=True)
        KeyComponent.objects.create(key=self.key, basis="population", weight=Decimal("1"))
        self.base = f"/programmes/BNM/repartition-des-couts/convention/{self.agreement.pk}/"


@pytest.fixture
def world():
    return World()


def read_pages(world) -> list[str]:
    return ["/programmes/BNM/repartition-des-couts/", "/programmes/BNM/repartition-des-couts/comparer/"]


def edit_pages(world) -> list[str]:
    base = world.base
    return ["/programmes/BNM/repartition-des-couts/convention/nouvelle/", base, f"{base}membres/",
            f"{base}membres/nouveau/", f"{base}membres/{world.orme.pk}/", f"{base}populations/2025/",
            f"{base}depenses/", f"{base}cles/", f"{base}cles/nouvelle/", f"{base}cles/{world.key.pk}/",
            f"{base}cles/{world.key.pk}/bornes/"]


@pytest.mark.parametrize("role", ["buyer", "finance_user", "staff_user"])
def test_buyers_finance_and_administrators_read_and_keep_the_agreement(role, request, world, client_for):
    client = client_for(request.getfixturevalue(role))
    for url in read_pages(world) + edit_pages(world):
        assert client.get(url).status_code == 200, url


def test_an_evaluator_gets_a_403_on_every_page_and_cannot_post(evaluator, world, client_for):
    client = client_for(evaluator)
    for url in read_pages(world) + edit_pages(world):
        assert client.get(url).status_code == 403, url
    assert client.post(f"{world.base}membres/{world.orme.pk}/retirer/").status_code == 403
    assert client.post(f"{world.base}cles/{world.key.pk}/supprimer/").status_code == 403
    assert Member.objects.count() == 2 and SharingKey.objects.count() == 1


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, world):
    response = client.get("/programmes/BNM/repartition-des-couts/")
    assert response.status_code == 302 and response["Location"].startswith("/connexion/")


def test_an_unknown_programme_or_agreement_is_a_404(buyer, world, client_for):
    client = client_for(buyer)
    assert client.get("/programmes/XYZ/repartition-des-couts/").status_code == 404
    other = AgreementFactory()
    assert client.get(f"/programmes/BNM/repartition-des-couts/convention/{other.pk}/cles/").status_code == 404
    assert client.get(f"{world.base}populations/2031/").status_code == 404


def test_the_programme_pages_link_to_the_sharing_page_for_those_who_may_read_it(buyer, world, client_for):
    client = client_for(buyer)
    for url in ("/programmes/BNM/", "/tableaux-de-bord/programme/BNM/"):
        assert 'href="/programmes/BNM/repartition-des-couts/"' in client.get(url).content.decode(), url


def test_without_cost_the_page_says_there_is_nothing_to_share(buyer, world, client_for):
    page = client_for(buyer).get("/programmes/BNM/repartition-des-couts/?annee=2025").content.decode()
    assert "Convention : Partage BNM (2025–2027)" in page
    assert ("Répartition 2025 impossible avec cette clé : Rien à répartir en 2025 : les dépenses partagées par la "
            "convention « Partage BNM » n&#x27;ont aucun coût (engagé) cette année-là.") in page


def test_a_programme_without_agreement_offers_to_create_one(buyer, client_for):
    ProgrammeFactory(reference="AUTRE")
    page = client_for(buyer).get("/programmes/AUTRE/repartition-des-couts/").content.decode()
    assert "pas encore de convention" in page
    assert 'href="/programmes/AUTRE/repartition-des-couts/convention/nouvelle/"' in page


# The agreement ------------------------------------------------------------------------------------


def test_a_buyer_creates_an_agreement_then_adds_its_members(buyer, client_for):
    ProgrammeFactory(reference="AUTRE")
    response = client_for(buyer).post("/programmes/AUTRE/repartition-des-couts/convention/nouvelle/", {
        "name": "Partage du portail", "start_year": "2026", "end_year": "2028",
        "convention_reference": "Convention n° 2026-04"})
    agreement = Agreement.objects.get(name="Partage du portail")
    assert response["Location"] == f"/programmes/AUTRE/repartition-des-couts/convention/{agreement.pk}/membres/"
    assert (agreement.programme.reference, agreement.years) == ("AUTRE", [2026, 2027, 2028])


def test_overlapping_years_are_refused_on_the_first_year_and_nothing_is_stored(finance_user, world, client_for):
    response = client_for(finance_user).post("/programmes/BNM/repartition-des-couts/convention/nouvelle/", {
        "name": "Seconde convention", "start_year": "2027", "end_year": "2029", "convention_reference": "C-2"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"start_year": [
        "La convention « Partage BNM » couvre déjà 2025–2027 pour ce programme : les années de deux conventions ne "
        "se chevauchent pas."]}
    assert "Le formulaire contient des erreurs ; rien n'a été enregistré." in response.content.decode()
    assert Agreement.objects.count() == 1


def test_an_agreement_needs_its_convention(buyer, world, client_for):
    response = client_for(buyer).post(world.base, {"name": "Partage BNM", "start_year": "2025", "end_year": "2027",
                                                   "convention_reference": ""})
    assert response.context["form"].errors == {"convention_reference": [
        "Indiquez la convention : la délibération qui l'approuve ou sa référence."]}
    world.agreement.refresh_from_db()
    assert world.agreement.convention_reference == "Convention de groupement de commandes n° 2024-031"


def test_the_agreement_is_renamed_and_deleted_only_when_confirmed(buyer, world, client_for):
    client = client_for(buyer)
    response = client.post(world.base, {"name": "Partage renommé", "start_year": "2025", "end_year": "2026",
                                        "convention_reference": "C-1"})
    assert response["Location"] == "/programmes/BNM/repartition-des-couts/"
    world.agreement.refresh_from_db()
    assert (world.agreement.name, world.agreement.end_year) == ("Partage renommé", 2026)
    response = client.post(f"{world.base}supprimer/", {}, follow=True)
    assert "Cochez « Je confirme la suppression »" in response.content.decode()
    assert Agreement.objects.exists()
    client.post(f"{world.base}supprimer/", {"confirm": "on"})
    assert not Agreement.objects.exists() and not Member.objects.exists()


# Members and populations --------------------------------------------------------------------------


def test_a_member_is_added_with_its_library_and_a_library_answers_to_one_member(buyer, world, client_for):
    client = client_for(buyer)
    library = LibraryFactory(commune="Chaponost")
    response = client.post(f"{world.base}membres/nouveau/", {"name": "Chaponost", "kind": "commune",
                                                             "libraries": [library.pk]})
    assert response["Location"] == f"{world.base}membres/"
    assert list(MemberLibrary.objects.values_list("member__name", "library__commune")) == [("Chaponost", "Chaponost")]
    response = client.post(f"{world.base}membres/nouveau/", {"name": "Métropole", "kind": "metropole",
                                                             "libraries": [library.pk]})
    assert response.context["form"].errors == {"libraries": [f"{library} est déjà rattachée à Chaponost."]}
    assert not Member.objects.filter(name="Métropole").exists()


def test_a_member_is_renamed_and_removed(buyer, world, client_for):
    client = client_for(buyer)
    client.post(f"{world.base}membres/{world.orme.pk}/", {"name": "Orme-sur-Saône", "kind": "commune"})
    assert Member.objects.filter(name="Orme-sur-Saône").exists()
    response = client.post(f"{world.base}membres/{world.orme.pk}/", {"name": "Valbrune", "kind": "commune"})
    assert response.context["form"].errors == {"name": ["La convention a déjà un membre de ce nom."]}
    client.post(f"{world.base}membres/{world.orme.pk}/retirer/")
    assert list(Member.objects.values_list("name", flat=True)) == ["Valbrune"]


def test_the_networks_libraries_become_members_with_their_population(finance_user, world, client_for):
    LibraryFactory(commune="Chaponost", population=8900)
    LibraryFactory(commune="Irigny", population=8700)
    response = client_for(finance_user).post(f"{world.base}membres/depuis-les-bibliotheques/", {"year": "2026"},
                                             follow=True)
    assert "2 membre(s) ajouté(s) depuis les bibliothèques du réseau, avec leur population 2026." in \
        response.content.decode()
    assert sorted(MemberPopulation.objects.filter(year=2026).values_list("member__name", "population")) == [
        ("Chaponost", 8900), ("Irigny", 8700)]


def test_libraries_for_a_year_outside_the_agreement_are_refused_and_nobody_is_added(buyer, world, client_for):
    LibraryFactory(commune="Chaponost")
    response = client_for(buyer).post(f"{world.base}membres/depuis-les-bibliotheques/", {"year": "2031"}, follow=True)
    assert "Choisissez l&#x27;une des années de la convention." in response.content.decode()
    assert Member.objects.count() == 2


def test_copying_from_a_year_without_population_is_refused(buyer, world, client_for):
    response = client_for(buyer).post(f"{world.base}populations/2027/copier/", {}, follow=True)
    assert "Aucune population n&#x27;est saisie pour 2026." in response.content.decode()
    assert not MemberPopulation.objects.filter(year=2027).exists()


def test_the_members_page_lists_each_years_population(buyer, world, client_for):
    page = client_for(buyer).get(f"{world.base}membres/").content.decode()
    assert "12\xa0000" in page and "3\xa0400" in page
    assert f'href="{world.base}populations/2026/"' in page


def test_a_years_populations_are_saved_in_one_grid(buyer, world, client_for):
    client = client_for(buyer)
    page = client.get(f"{world.base}populations/2026/").content.decode()
    assert "Population légale, Valbrune" in page and "Reprendre les populations 2025" in page
    response = client.post(f"{world.base}populations/2026/", {f"m{world.valbrune.pk}-population": "12 150",
                                                              f"m{world.orme.pk}-population": ""})
    assert response["Location"] == f"{world.base}membres/"
    assert list(MemberPopulation.objects.filter(year=2026).values_list("member__name", "population")) == [
        ("Valbrune", 12150)]


def test_a_wrong_population_names_the_member_and_nothing_is_stored(buyer, world, client_for):
    response = client_for(buyer).post(f"{world.base}populations/2025/", {
        f"m{world.valbrune.pk}-population": "13000", f"m{world.orme.pk}-population": "beaucoup"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "La grille contient des erreurs ; rien n'a été enregistré." in page
    assert "Orme — Population légale : Saisissez un nombre entier." in page
    assert sorted(MemberPopulation.objects.values_list("member__name", "population")) == [
        ("Orme", 3400), ("Valbrune", 12000)]


def test_the_previous_years_populations_are_copied_where_missing(buyer, world, client_for):
    client = client_for(buyer)
    MemberPopulation.objects.create(member=world.orme, year=2026, population=3500)
    response = client.post(f"{world.base}populations/2026/copier/", {}, follow=True)
    assert "1 population(s) de 2025 reprise(s) pour 2026." in response.content.decode()
    assert sorted(MemberPopulation.objects.filter(year=2026).values_list("member__name", "population")) == [
        ("Orme", 3500), ("Valbrune", 12000)]
    client.post(f"{world.base}populations/2026/copier/", {"replace": "on"})
    assert MemberPopulation.objects.get(member=world.orme, year=2026).population == 3400


# What is shared -----------------------------------------------------------------------------------


def test_a_contract_is_shared_once_and_can_stop_being_shared(buyer, world, client_for):
    client = client_for(buyer)
    contract = ContractFactory(reference="BNM-2026-07", budget_line=BudgetLineFactory(programme=world.programme))
    response = client.post(f"{world.base}depenses/", {"contract": contract.pk})
    assert response["Location"] == f"{world.base}depenses/"
    item = SharedItem.objects.get()
    response = client.post(f"{world.base}depenses/", {"contract": contract.pk})
    assert response.context["form"].errors == {"contract": ["Ce marché est déjà partagé."]}
    response = client.post(f"{world.base}depenses/", {})
    assert response.context["form"].errors == {"contract": ["Choisissez un marché, une ligne budgétaire, ou les deux."]}
    assert SharedItem.objects.count() == 1
    client.post(f"{world.base}depenses/{item.pk}/retirer/")
    assert not SharedItem.objects.exists()


def test_a_contract_of_another_programme_is_not_offered(buyer, world, client_for):
    stranger = ContractFactory(reference="AUTRE-2026-01", budget_line=BudgetLineFactory())
    response = client_for(buyer).post(f"{world.base}depenses/", {"contract": stranger.pk})
    assert list(response.context["form"].errors) == ["contract"]
    assert not SharedItem.objects.exists()


# Keys, floors and caps ----------------------------------------------------------------------------


def test_a_key_is_created_with_its_weights_applied_and_deleted(buyer, world, client_for):
    client = client_for(buyer)
    response = client.post(f"{world.base}cles/nouvelle/", {"name": "Usages-70", "label": "70 % usages",
                                                          "population": "30", "usage": "70", "flat": "",
                                                          "apply": "on"})
    assert response["Location"] == f"{world.base}cles/"
    key = SharingKey.objects.get(name="usages-70")
    assert key.is_applied and not SharingKey.objects.get(name="mixte").is_applied
    assert sorted(key.components.values_list("basis", "weight")) == [("population", Decimal("30.0000")),
                                                                    ("usage", Decimal("70.0000"))]
    client.post(f"{world.base}cles/{world.key.pk}/appliquer/")
    assert SharingKey.objects.get(is_applied=True).name == "mixte"
    client.post(f"{world.base}cles/{key.pk}/supprimer/")
    assert list(SharingKey.objects.values_list("name", flat=True)) == ["mixte"]


@pytest.mark.parametrize(("data", "errors"), [
    ({"name": "usage", "label": "x", "usage": "1"},
     {"name": ["population, usage et flat désignent les clés à une seule composante : choisissez un autre nom."]}),
    ({"name": "mixte-2", "label": "x", "population": "-1"},
     {"population": ["Population légale (INSEE) de l'année : un poids est positif."]}),
    ({"name": "mixte-2", "label": "x", "usage": "beaucoup"},
     {"usage": ["Usages COUNTER des ressources partagées : « beaucoup » n'est pas un poids."]}),
    ({"name": "mixte-2", "label": "x"},
     {"__all__": ["Donnez un poids à une composante au moins : population, usages ou part égale."]}),
])
def test_a_wrong_key_is_refused_on_its_field_and_nothing_is_stored(buyer, world, client_for, data, errors):
    response = client_for(buyer).post(f"{world.base}cles/nouvelle/", data)
    assert response.context["form"].errors == errors
    assert list(SharingKey.objects.values_list("name", flat=True)) == ["mixte"]


def test_a_key_is_edited_with_its_current_weights_shown(finance_user, world, client_for):
    client = client_for(finance_user)
    page = client.get(f"{world.base}cles/{world.key.pk}/").content.decode()
    assert 'name="population" value="1"' in page
    client.post(f"{world.base}cles/{world.key.pk}/", {"name": "mixte", "label": "Population et part égale",
                                                      "population": "3", "flat": "1"})
    assert sorted(world.key.components.values_list("basis", "weight")) == [("flat", Decimal("1.0000")),
                                                                          ("population", Decimal("3.0000"))]


def test_floors_and_caps_are_saved_in_one_grid_and_a_cap_under_its_floor_is_refused(buyer, world, client_for):
    client = client_for(buyer)
    url = f"{world.base}cles/{world.key.pk}/bornes/"
    response = client.post(url, {f"m{world.valbrune.pk}-floor_ttc": "900", f"m{world.valbrune.pk}-cap_ttc": "800",
                                 f"m{world.orme.pk}-floor_ttc": "500"})
    page = response.content.decode()
    assert "Valbrune — Plafond annuel TTC (€) : Le plafond ne peut pas être inférieur au plancher." in page
    assert not MemberBound.objects.exists()
    response = client.post(url, {f"m{world.valbrune.pk}-cap_ttc": "80 000,00", f"m{world.orme.pk}-floor_ttc": "500"})
    assert response["Location"] == f"{world.base}cles/"
    assert sorted(MemberBound.objects.values_list("member__name", "floor_ttc", "cap_ttc")) == [
        ("Orme", Decimal("500.00"), None), ("Valbrune", None, Decimal("80000.00"))]
