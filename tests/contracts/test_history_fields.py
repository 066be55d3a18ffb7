"""The contract forms' choices that grow with the authority's history — the budget line among every
programme's (two hundred at a Métropole), the council act authorising the signature, the CAO's opinion on
an amendment (hundreds over ten years) — are searched with suggestions from small endpoints for buyers.
Without JavaScript the text typed names one, or the field says why in French, naming the candidates, and
the stored contract is unchanged; the pages weigh the same whatever the history behind them."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from procurement.contracts.enums import AmendmentBasis
from procurement.contracts.models import Amendment, Contract
from procurement.tenders.enums import CaoOpinionKind
from procurement.tenders.models import CaoMeeting, CaoOpinion
from tests.contracts.factories import ContractFactory, awarded_lot
from tests.contracts.test_vendor_fields import update
from tests.factories import UserFactory
from tests.pages import weighs_the_same
from tests.programmes.factories import AuthorityFactory, BudgetLineFactory, CouncilActFactory, ProgrammeFactory
from tests.tenders.factories import paris

pytestmark = pytest.mark.django_db

SUGGESTIONS = {"budget_line": "/marches/suggestions/lignes-budgetaires/",
               "signature_authorisation": "/marches/suggestions/autorisations-de-signer/",
               "cao_opinion": "/marches/suggestions/avis-de-la-cao/"}
RESOURCES = "Ressources numériques (chap. 011 / art. 6065 / fonct. 313)"


def suggested(client, field: str, query: str) -> list[tuple[str, str]]:
    response = client.get(SUGGESTIONS[field], {"q": query})
    assert response.status_code == 200
    return [(row["label"], row["hint"]) for row in response.json()["results"]]


@pytest.fixture
def lines():
    bnm, med = ProgrammeFactory(reference="BNM"), ProgrammeFactory(reference="MED")
    return {
        "bnm": BudgetLineFactory(programme=bnm, operating=True, label="Ressources numériques"),
        "portail": BudgetLineFactory(programme=bnm, label="Portail", authorisation_reference="AP-BNM-PORTAIL",
                                     authorisation_amount_ttc=Decimal("400000.00")),
        "med": BudgetLineFactory(programme=med, operating=True, label="Ressources numériques"),
    }


@pytest.fixture
def acts():
    return {
        "portail": CouncilActFactory(reference="DEL-2027-03", adopted_on=date(2026, 10, 15),
                                     object="Autorisation de signer le marché du portail"),
        "presse": CouncilActFactory(reference="DEL-2027-030", adopted_on=date(2026, 11, 20),
                                    object="Autorisation de signer les marchés de presse en ligne"),
        "delegation": CouncilActFactory(delegation=True, reference="DEL-2020-07"),
    }


# The budget line ------------------------------------------------------------------------------------------


def test_budget_lines_are_suggested_by_label_article_or_programme_told_apart_by_programme(client_for, buyer, lines):
    client = client_for(buyer)
    assert suggested(client, "budget_line", "6065") == [(RESOURCES, "BNM · fonctionnement"),
                                                        (RESOURCES, "MED · fonctionnement")]
    assert suggested(client, "budget_line", "bnm ressources") == [(RESOURCES, "BNM · fonctionnement")]
    assert suggested(client, "budget_line", "AP-BNM") == [
        ("Portail (chap. 20 / art. 2031 / fonct. 313)", "BNM · investissement · AP-BNM-PORTAIL")]
    assert suggested(client, "budget_line", "chauffage") == []


def test_the_chosen_budget_line_is_saved(client_for, buyer, lines):
    contract = ContractFactory()
    response = update(client_for(buyer), contract, budget_line=lines["med"].pk, budget_line_search=RESOURCES)
    assert response.status_code == 302
    assert Contract.objects.get(pk=contract.pk).budget_line == lines["med"]


@pytest.mark.parametrize(("typed", "line"), [("BNM 6065", "bnm"), ("ap-bnm-portail", "portail"),
                                             ("Portail (chap. 20 / art. 2031 / fonct. 313)", "portail"),
                                             ("MED ressources numériques", "med")])
def test_a_budget_line_typed_without_choosing_is_found(client_for, buyer, lines, typed, line):
    contract = ContractFactory()
    assert update(client_for(buyer), contract, budget_line="", budget_line_search=typed).status_code == 302
    assert Contract.objects.get(pk=contract.pk).budget_line == lines[line]


def test_a_budget_line_of_two_programmes_is_refused_naming_them_and_the_contract_is_unchanged(client_for, buyer,
                                                                                            lines):
    contract = ContractFactory(budget_line=lines["portail"])
    response = update(client_for(buyer), contract, budget_line="", budget_line_search=RESOURCES,
                      signatory_name="Paul Martin")
    assert response.context["form"].errors["budget_line"] == [
        f"Plusieurs lignes budgétaires correspondent à « {RESOURCES} » ({RESOURCES} (BNM · fonctionnement) ; "
        f"{RESOURCES} (MED · fonctionnement)) : choisissez parmi les suggestions ou ajoutez la référence du "
        "programme ou l'article."]
    contract = Contract.objects.get(pk=contract.pk)
    assert contract.budget_line == lines["portail"] and contract.signatory_name == "Anne Roussel"
    assert f'value="{RESOURCES}"' in response.content.decode()  # as typed, for the person to fix it


def test_an_unknown_budget_line_is_refused_and_an_empty_one_clears_it(client_for, buyer, lines):
    contract = ContractFactory(budget_line=lines["portail"])
    client = client_for(buyer)
    response = update(client, contract, budget_line="", budget_line_search="Chauffage")
    assert response.context["form"].errors["budget_line"] == [
        "Aucune ligne budgétaire ne correspond à « Chauffage » : tapez un mot de son libellé, son article ou la "
        "référence du programme, puis choisissez parmi les suggestions."]
    assert Contract.objects.get(pk=contract.pk).budget_line == lines["portail"]
    assert update(client, contract, budget_line="", budget_line_search="").status_code == 302
    assert Contract.objects.get(pk=contract.pk).budget_line is None


# The authorisation to sign ---------------------------------------------------------------------------------


def test_council_acts_are_suggested_by_reference_day_or_object_latest_first(client_for, buyer, acts):
    client = client_for(buyer)
    assert suggested(client, "signature_authorisation", "DEL-2027") == [
        ("Délibération spécifique DEL-2027-030 du 20/11/2026", "Autorisation de signer les marchés de presse en ligne"),
        ("Délibération spécifique DEL-2027-03 du 15/10/2026", "Autorisation de signer le marché du portail")]
    assert [label for label, _hint in suggested(client, "signature_authorisation", "15/10/2026")] == [
        "Délibération spécifique DEL-2027-03 du 15/10/2026"]
    assert [label for label, _hint in suggested(client, "signature_authorisation", "délégation 2020-07-16")] == [
        "Délégation du conseil à l'exécutif DEL-2020-07 du 16/07/2020"]
    assert [label for label, _hint in suggested(client, "signature_authorisation", "presse")] == [
        "Délibération spécifique DEL-2027-030 du 20/11/2026"]


@pytest.mark.parametrize(("typed", "act"), [("DEL-2027-03", "portail"), ("del-2027-030", "presse"),
                                            ("Délibération spécifique DEL-2027-03 du 15/10/2026", "portail"),
                                            ("portail", "portail"), ("16/07/2020", "delegation")])
def test_a_council_act_typed_by_reference_label_day_or_object_is_the_authorisation(client_for, buyer, acts, typed,
                                                                                    act):
    contract = ContractFactory()
    response = update(client_for(buyer), contract, signature_authorisation="",
                      signature_authorisation_search=typed)
    assert response.status_code == 302
    assert Contract.objects.get(pk=contract.pk).signature_authorisation == acts[act]


def test_the_chosen_council_act_is_the_authorisation(client_for, buyer, acts):
    contract = ContractFactory()
    update(client_for(buyer), contract, signature_authorisation=acts["presse"].pk,
           signature_authorisation_search=str(acts["presse"]))
    assert Contract.objects.get(pk=contract.pk).signature_authorisation == acts["presse"]


def test_an_ambiguous_or_unknown_council_act_is_refused_and_the_contract_is_unchanged(client_for, buyer, acts):
    contract = ContractFactory(signature_authorisation=acts["delegation"])
    client = client_for(buyer)
    response = update(client, contract, signature_authorisation="", signature_authorisation_search="autorisation")
    assert response.context["form"].errors["signature_authorisation"] == [
        "Plusieurs délégations ou délibérations correspondent à « autorisation » (Délibération spécifique "
        "DEL-2027-030 du 20/11/2026 (Autorisation de signer les marchés de presse en ligne) ; Délibération "
        "spécifique DEL-2027-03 du 15/10/2026 (Autorisation de signer le marché du portail)) : choisissez parmi "
        "les suggestions ou tapez la référence complète."]
    response = update(client, contract, signature_authorisation="", signature_authorisation_search="DEL-2019-99")
    assert response.context["form"].errors["signature_authorisation"] == [
        "Aucune délégation ni délibération ne correspond à « DEL-2019-99 » : tapez sa référence, sa date "
        "d'adoption ou un mot de son objet, puis choisissez parmi les suggestions."]
    assert Contract.objects.get(pk=contract.pk).signature_authorisation == acts["delegation"]


# The terms page and the endpoints ------------------------------------------------------------------------


def test_the_terms_page_weighs_the_same_whatever_the_budget_lines_and_council_acts(client_for, buyer, lines, acts,
                                                                                  django_assert_num_queries):
    contract = ContractFactory(budget_line=lines["portail"], signature_authorisation=acts["portail"])

    def grow():
        for number in range(20):
            BudgetLineFactory(label=f"Fluides {number}")
            CouncilActFactory(reference=f"DEL-2028-{number:03d}", object="Fluides des bâtiments")

    html = weighs_the_same(client_for(buyer), reverse("contracts:update", args=[contract.reference]), grow,
                           django_assert_num_queries)
    assert "Fluides" not in html and "DEL-2027-030" not in html
    assert f'data-suggest-url="{SUGGESTIONS["budget_line"]}"' in html
    assert f'name="budget_line" value="{lines["portail"].pk}"' in html
    assert 'value="Délibération spécifique DEL-2027-03 du 15/10/2026"' in html


@pytest.mark.parametrize("field", list(SUGGESTIONS))
def test_the_suggestions_are_for_the_buyers_who_fill_the_forms(client, client_for, buyer, finance_user, evaluator,
                                                               field):
    assert client.get(SUGGESTIONS[field], {"q": "a"}).status_code == 302
    assert client_for(finance_user).get(SUGGESTIONS[field], {"q": "a"}).status_code == 403
    assert client_for(evaluator).get(SUGGESTIONS[field], {"q": "a"}).status_code == 403
    assert client_for(UserFactory()).get(SUGGESTIONS[field], {"q": "a"}).status_code == 403
    assert client_for(buyer).get(SUGGESTIONS[field], {"q": "a"}).status_code == 200


def grow_cao_opinions(count: int, *, start: int = 1) -> None:
    lot, authority = awarded_lot(), AuthorityFactory()
    for day in range(start, start + count):
        CaoOpinion.objects.create(meeting=meeting(authority, day % 28 + 1), lot=lot,
                                  subject=f"Avenant de fluides {day}", amount_change_ht=Decimal("100.00"),
                                  opinion=CaoOpinionKind.FAVOURABLE)


GROW = {"budget_line": ("fluides", lambda count: [BudgetLineFactory(label=f"Fluides {n}") for n in range(count)]),
        "signature_authorisation": ("fluides", lambda count: CouncilActFactory.create_batch(
            count, object="Fluides des bâtiments")),
        "cao_opinion": ("fluides", grow_cao_opinions)}


@pytest.mark.parametrize("field", list(SUGGESTIONS))
def test_at_most_20_suggestions_come_in_the_same_queries_whatever_their_number(client_for, buyer,
                                                                             django_assert_num_queries, field):
    client = client_for(buyer)
    query, grow = GROW[field]
    grow(2)
    with CaptureQueriesContext(connection) as with_two:
        assert len(suggested(client, field, query)) == 2
    grow(28)
    with django_assert_num_queries(len(with_two.captured_queries)):
        assert len(suggested(client, field, query)) == 20


# The amendment's CAO opinion -------------------------------------------------------------------------------


def meeting(authority, day: int) -> CaoMeeting:
    return CaoMeeting.objects.create(authority=authority, convened_on=date(2026, 5, 1),
                                     held_at=paris(2026, 5, day, 14, 0), voting_seats=5, voting_present=3,
                                     quorum_reached=True)


@pytest.fixture
def opinions():
    """Two opinions on the contract's lot (12 and 20 May 2026), one on another consultation's."""
    contract = ContractFactory(notified=True)  # an open procedure: above 5 %, the CAO gives its opinion
    authority = AuthorityFactory()
    other = awarded_lot()

    def opinion(day, lot, subject, kind=CaoOpinionKind.FAVOURABLE):
        return CaoOpinion.objects.create(meeting=meeting(authority, day), lot=lot, subject=subject,
                                         amount_change_ht=Decimal("6000.00"), opinion=kind)

    return {"contract": contract, "other_tender": other.tender.reference,
            "first": opinion(12, contract.lot, "Avenant n° 1 : extension aux médiathèques",
                             CaoOpinionKind.UNFAVOURABLE),
            "second": opinion(20, contract.lot, "Avenant n° 1 : extension réduite aux médiathèques"),
            "other": opinion(20, other, "Avenant n° 2 : hébergement")}


def amend(client, contract, **fields):
    return client.post(reverse("contracts:amendment-create", args=[contract.reference]), {
        "basis": AmendmentBasis.DE_MINIMIS, "object": "Extension aux médiathèques", "amount_change_ht": "4900.01",
        "yearly_maximum_change_ht": "0", "signed_on": "2026-06-01", "justification": "Besoin apparu", **fields})


@freeze_time("2026-06-02 10:00")
def test_cao_opinions_are_suggested_by_meeting_day_or_consultation_latest_first(client_for, buyer, opinions):
    client = client_for(buyer)
    tender = opinions["contract"].lot.tender.reference
    assert suggested(client, "cao_opinion", tender) == [
        ("CAO du 20/05/2026 — avis favorable : Avenant n° 1 : extension réduite aux médiathèques", f"{tender} — lot 1"),
        ("CAO du 12/05/2026 — avis défavorable : Avenant n° 1 : extension aux médiathèques", f"{tender} — lot 1")]
    assert [label for label, _hint in suggested(client, "cao_opinion", "20/05/2026")] == [
        "CAO du 20/05/2026 — avis favorable : Avenant n° 1 : extension réduite aux médiathèques",
        "CAO du 20/05/2026 — avis favorable : Avenant n° 2 : hébergement"]
    assert [label for label, _hint in suggested(client, "cao_opinion", "2026-05-20 hébergement")] == [
        "CAO du 20/05/2026 — avis favorable : Avenant n° 2 : hébergement"]


@freeze_time("2026-06-02 10:00")
@pytest.mark.parametrize("typed", ["20/05/2026 médiathèques",
                                   "CAO du 20/05/2026 — avis favorable : Avenant n° 1 : extension réduite aux "
                                   "médiathèques"])
def test_the_cao_opinion_typed_gives_the_amendment_its_day_and_reference(client_for, buyer, opinions, typed):
    response = amend(client_for(buyer), opinions["contract"], cao_opinion="", cao_opinion_search=typed)
    assert response.status_code == 302
    amendment = Amendment.objects.get()
    assert (amendment.cao_opinion, amendment.cao_opinion_on) == (opinions["second"], date(2026, 5, 20))


@freeze_time("2026-06-02 10:00")
def test_the_chosen_cao_opinion_is_recorded(client_for, buyer, opinions):
    chosen = opinions["second"]
    assert amend(client_for(buyer), opinions["contract"], cao_opinion=chosen.pk,
                 cao_opinion_search=str(chosen)).status_code == 302
    assert Amendment.objects.get().cao_opinion == chosen


@freeze_time("2026-06-02 10:00")
def test_an_ambiguous_cao_opinion_is_refused_naming_the_candidates_and_nothing_is_amended(client_for, buyer,
                                                                                         opinions):
    tender = opinions["contract"].lot.tender.reference
    response = amend(client_for(buyer), opinions["contract"], cao_opinion="", cao_opinion_search="médiathèques")
    assert response.context["form"].errors["cao_opinion"] == [
        "Plusieurs avis de la CAO correspondent à « médiathèques » (CAO du 20/05/2026 — avis favorable : Avenant "
        f"n° 1 : extension réduite aux médiathèques ({tender} — lot 1) ; CAO du 12/05/2026 — avis défavorable : "
        f"Avenant n° 1 : extension aux médiathèques ({tender} — lot 1)) : choisissez parmi les suggestions ou "
        "précisez la date de la réunion."]
    assert not Amendment.objects.exists()


@freeze_time("2026-06-02 10:00")
def test_another_consultations_opinion_gets_the_services_refusal_and_nothing_is_amended(client_for, buyer, opinions):
    response = amend(client_for(buyer), opinions["contract"], cao_opinion="", cao_opinion_search="hébergement")
    assert response.context["form"].errors["cao_opinion"] == ["Cet avis de la CAO porte sur un autre marché."]
    assert not Amendment.objects.exists()


@freeze_time("2026-06-02 10:00")
def test_an_unknown_cao_opinion_is_refused(client_for, buyer, opinions):
    response = amend(client_for(buyer), opinions["contract"], cao_opinion="", cao_opinion_search="01/01/2020")
    assert response.context["form"].errors["cao_opinion"] == [
        "Aucun avis de la CAO ne correspond à « 01/01/2020 » : tapez la date de la réunion, la référence de la "
        "consultation ou un mot de l'objet, puis choisissez parmi les suggestions."]
    assert not Amendment.objects.exists()


@freeze_time("2026-06-02 10:00")
def test_the_amendment_page_weighs_the_same_whatever_the_cao_opinions(client_for, buyer, opinions,
                                                                       django_assert_num_queries):
    contract = opinions["contract"]
    html = weighs_the_same(client_for(buyer), reverse("contracts:amendment-create", args=[contract.reference]),
                           lambda: grow_cao_opinions(10), django_assert_num_queries)
    assert "fluides" not in html and "extension réduite" not in html
    assert f'data-suggest-url="{SUGGESTIONS["cao_opinion"]}"' in html
