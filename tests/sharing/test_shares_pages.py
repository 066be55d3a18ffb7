"""The demo's shares through the pages, files and API: the 2026 total is the finance schedule's, each member's
share and statement, the table as .xlsx, the two demo keys compared, a floor refused on its member's field,
the same number of queries for 8 members as for 58, and ``GET /api/programmes/BNM/cost-sharing/``."""

import json
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from pypdf import PdfReader

from procurement.sharing.models import Member, MemberBound, SharingKey
from procurement.sharing.services.members import member_update

pytestmark = pytest.mark.django_db

PAGE = "/programmes/BNM/repartition-des-couts/"
KEEP = ["Ville-centre", "Villebrune", "Saint-Aurèle", "Montvernay", "Curis-sur-Saône", "Fleurieu-Val",
        "Poleymieux-Mont", "Bron-les-Prés"]


def plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


@pytest.fixture
def agreement(demo):
    return Member.objects.get(name="Ville-centre").agreement


def test_the_shares_page_gives_the_finance_total_its_source_and_every_members_share(agreement, finance_user,
                                                                                    client_for):
    page = plain(client_for(finance_user).get(f"{PAGE}?annee=2026").content.decode())
    assert "Total réparti : 430 274,10 € TTC" in page
    assert ("430 274,10 € TTC : le coût engagé en 2026 des marchés et lignes budgétaires partagés, tel que "
            "l&#x27;échéancier des finances le compte") in page
    assert 'href="/tableaux-de-bord/finance/marches/?programme=BNM&amp;year_from=2026&amp;year_to=2026"' in page
    assert "Parts 2026 avec la clé « mixte » (50 % population, 50 % usages), en euros TTC" in page
    # Ville-centre: 527 871 inhabitants, 139 241 uses, 166 867,82 € (38,78 %), 1,20 € per use.
    assert ("<strong>166 867,82 €</strong>" in page and "527 871" in page and "139 241" in page
            and "38,78 %" in page and "1,20 €" in page)
    assert page.count(f'href="{PAGE}releve/') == 58
    assert f'href="{PAGE}repartition.xlsx?annee=2026&amp;cle=mixte&amp;base=committed"' in page
    assert "Règle d'arrondi :" in page
    assert "Chaque part est arrondie au centime inférieur" in page


def test_the_bounded_key_marks_the_members_held_at_their_floor_or_cap(agreement, buyer, client_for):
    page = plain(client_for(buyer).get(f"{PAGE}?annee=2026&cle=mixte-bornes").content.decode())
    assert '<span class="badge badge--warn">plafond (150 000,00 €)</span>' in page
    assert page.count('<span class="badge badge--warn">plancher (500,00 €)</span>') == 6


def test_a_key_that_cannot_divide_the_year_says_why_on_the_page(agreement, buyer, client_for):
    page = client_for(buyer).get(f"{PAGE}?annee=2027&cle=usage").content.decode()
    assert ("Répartition 2027 impossible avec cette clé : La composante « usages COUNTER 2027 » ne peut rien "
            "répartir : tous les membres y comptent pour zéro.") in page
    assert "parts-table" not in page


@pytest.mark.parametrize("query", ["annee=1999&cle=mixte", "annee=2026&cle=%3Cscript%3E", "base=tout", "annee=abc"])
def test_hostile_parameters_are_refused_in_french_or_ignored_never_a_500(agreement, buyer, client_for, query):
    response = client_for(buyer).get(f"{PAGE}?{query}")
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()


def test_the_shares_page_takes_as_many_queries_for_8_members_as_for_58(agreement, buyer, client_for,
                                                                        django_assert_num_queries):
    client = client_for(buyer)
    client.get(PAGE)  # the session and the user, loaded once
    with CaptureQueriesContext(connection) as all_members:
        assert client.get(f"{PAGE}?annee=2026&cle=mixte-bornes").status_code == 200
    Member.objects.filter(agreement=agreement).exclude(name__in=KEEP).delete()
    with django_assert_num_queries(len(all_members.captured_queries)):
        response = client.get(f"{PAGE}?annee=2026&cle=mixte-bornes")
    assert response.content.decode().count(f'href="{PAGE}releve/') == 8


def test_a_floor_above_the_years_total_is_refused_on_the_members_field(agreement, buyer, client_for):
    key = SharingKey.objects.get(name="mixte-bornes")
    villebrune = Member.objects.get(name="Villebrune")
    url = f"{PAGE}convention/{agreement.pk}/cles/{key.pk}/bornes/"
    data = {f"m{bound.member_id}-floor_ttc": "500,00" for bound in key.bounds.all()}
    data[f"m{Member.objects.get(name='Ville-centre').pk}-cap_ttc"] = "150 000,00"
    data[f"m{villebrune.pk}-floor_ttc"] = "400 000"
    response = client_for(buyer).post(url, data)
    form = next(form for form in response.context["forms"] if form.member == villebrune)
    assert [plain(error) for error in form.errors["floor_ttc"]] == [
        "le plancher (400 000,00 €) dépasse le total à répartir en 2025 (377 915,20 €) : le membre paierait plus "
        "que le total."]
    assert MemberBound.objects.get(key=key, member=villebrune).floor_ttc == Decimal("500.00")


def test_the_comparison_shows_both_demo_keys_who_gains_and_loses_and_a_chart(agreement, finance_user, client_for):
    response = client_for(finance_user).get(f"{PAGE}comparer/?annee=2026")
    page = plain(response.content.decode())
    comparison = response.context["comparison"]
    assert (comparison.first.key.name, comparison.second.key.name) == ("mixte", "mixte-bornes")
    assert [line["row"].member.name for line in response.context["gainers"]] == ["Ville-centre"]
    assert [(line["row"].member.name, plain(line["difference"])) for line in response.context["losers"]] == [
        ("Villebrune", "+2 929,59 €"), ("Saint-Aurèle", "+1 647,88 €"), ("Montvernay", "+955,20 €"),
        ("Caluire-sur-Rives", "+827,91 €"), ("Bron-les-Prés", "+800,77 €")]
    assert '<svg role="img" aria-labelledby="ecarts-t ecarts-d"' in page
    assert "<title id=\"ecarts-t\">Écart de participation en 2026, clé « mixte-bornes » par rapport à la clé " \
           "« mixte »</title>" in page
    assert "−16 867,82 €" in page and "−10,11 %" in page
    assert page.count("<tr>") >= 58 + 1 + 5
    # The cost per use of the central city: 166 867,82 / 139 241 = 1,20 € then 150 000 / 139 241 = 1,08 €.
    row = next(line for line in response.context["rows"] if line["row"].member.name == "Ville-centre")["row"]
    assert (row.first.cost_per_use, row.second.cost_per_use) == (Decimal("1.20"), Decimal("1.08"))


def test_comparing_a_key_with_itself_or_one_that_cannot_divide_is_refused_in_french(agreement, buyer, client_for):
    client = client_for(buyer)
    response = client.get(f"{PAGE}comparer/?annee=2026&cle_a=mixte&cle_b=mixte")
    assert response.context["form"].errors == {"cle_b": [
        "Choisissez une autre clé que la première : on compare deux clés."]}
    page = client.get(f"{PAGE}comparer/?annee=2027&cle_a=flat&cle_b=usage").content.decode()
    assert "Comparaison impossible : Clé « usage » : La composante « usages COUNTER 2027 »" in page


def test_a_members_statement_reads_the_member_the_key_the_share_in_figures_and_words(agreement, buyer, client_for):
    villebrune = Member.objects.get(name="Villebrune")
    response = client_for(buyer).get(f"{PAGE}releve/{villebrune.pk}.pdf?annee=2026&cle=mixte")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="releve-2026-mixte-villebrune.pdf"'
    reader = PdfReader(BytesIO(response.content))
    assert len(reader.pages) == 1
    text = plain(" ".join(reader.pages[0].extract_text().split()))
    for expected in ("Relevé de participation 2026", "Villebrune", "Métropole de Rivemont",
                     "Convention BNM-CONV-2025-01 entre la Métropole et les communes",
                     "Délibération spécifique CM-2024-131 du 12/12/2024", "mixte — 50 % population, 50 % usages",
                     "430 274,10 € TTC (engagé)", "48 349,46 € TTC",
                     "quarante-huit mille trois cent quarante-neuf euros et quarante-six centimes",
                     "Population légale 2026 50,00 % 151 153 1 416 161 10,67 %",
                     "Usages COUNTER 2026 50,00 % 40 783 345 608 11,80 %", "Part selon la clé 11,24 %",
                     "BNM-2024-01-L1", "Total 430 274,10 €", "Règle d'arrondi."):
        assert expected in text, expected


def test_a_statement_of_a_member_held_at_its_floor_says_so(agreement, buyer, client_for):
    curis = Member.objects.get(name="Curis-sur-Saône")
    response = client_for(buyer).get(f"{PAGE}releve/{curis.pk}.pdf?annee=2026&cle=mixte-bornes")
    text = plain(" ".join(PdfReader(BytesIO(response.content)).pages[0].extract_text().split()))
    assert "500,00 € TTC" in text and "cinq cents euros TTC" in text
    assert "tenue au plancher (500,00 €) du membre" in text


def test_a_statement_that_cannot_be_made_goes_back_to_the_page_with_the_reason(agreement, buyer, client_for):
    client = client_for(buyer)
    villebrune = Member.objects.get(name="Villebrune")
    response = client.get(f"{PAGE}releve/{villebrune.pk}.pdf?annee=2027&cle=usage", follow=True)
    assert "La composante « usages COUNTER 2027 » ne peut rien répartir" in response.content.decode()
    assert client.get(f"{PAGE}releve/999999.pdf?annee=2026&cle=mixte").status_code == 404


def test_the_workbook_gives_every_share_as_a_number_adding_up_to_the_total(agreement, buyer, client_for):
    centre = Member.objects.get(name="Ville-centre")
    member_update(member=centre, name="=HYPERLINK(\"http://x\")", kind=centre.kind, libraries=centre.libraries.all(),
                  by=buyer)
    response = client_for(buyer).get(f"{PAGE}repartition.xlsx?annee=2026&cle=mixte")
    assert response["Content-Disposition"] == 'attachment; filename="repartition-BNM-2026-mixte.xlsx"'
    book = load_workbook(BytesIO(response.content))
    sheet = book["Répartition 2026"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:8] == ("Membre", "Nature", "Strate", "Population", "Population (%)", "Usages", "Usages (%)",
                           "Part TTC")
    members, total = rows[1:-1], rows[-1]
    assert len(members) == 58
    assert sum(Decimal(str(row[7])) for row in members) == Decimal("430274.10") == Decimal(str(total[7]))
    centre_row = next(row for row in members if row[3] == 527871)
    assert (centre_row[0], centre_row[5], Decimal(str(centre_row[7])), Decimal(str(centre_row[9]))) == (
        '=HYPERLINK("http://x")', 139241, Decimal("166867.82"), Decimal("1.20"))
    cell = sheet.cell(row=members.index(centre_row) + 2, column=1)
    assert (cell.data_type, cell.quotePrefix) == ("s", True)  # text, not a formula
    assert sheet.cell(row=2, column=8).number_format == '#,##0.00 "€"'
    about = dict(book["Clé et source"].iter_rows(values_only=True))
    assert about["Clé"] == "mixte" and Decimal(str(about["Total TTC"])) == Decimal("430274.10")
    assert about["Règle d'arrondi"].startswith("Chaque part est arrondie au centime inférieur")


def test_the_api_gives_the_commands_json(agreement, finance_user, api_for):
    response = api_for(finance_user).get("/api/programmes/BNM/cost-sharing/?year=2026&key=mixte")
    assert response.status_code == 200
    out = StringIO()
    call_command("cost_sharing", "--programme", "BNM", "--year", "2026", "--key", "mixte", "--format", "json",
                 stdout=out)
    assert response.json() == json.loads(out.getvalue())
    assert response.json()["total_ttc"] == "430274.10"


@pytest.mark.parametrize(("query", "status", "answer"), [
    ("year=2026&key=nulle", 400, {"key": ["Clé de répartition inconnue : « nulle ». Clés possibles : population, "
                                          "usage, flat, mixte, mixte-bornes."]}),
    ("year=2030", 400, {"year": ["Aucune convention de partage des coûts du programme BNM ne couvre 2030."]}),
    ("year=2027&key=usage", 400, {"key": ["La composante « usages COUNTER 2027 » ne peut rien répartir : tous les "
                                          "membres y comptent pour zéro."]}),
    ("", 400, {"year": ["Année obligatoire (AAAA)."]}),
    ("year=deux", 400, {"year": ["« deux » n'est pas un identifiant (nombre entier)."]}),
])
def test_the_api_refuses_a_bad_year_or_key_naming_it(agreement, buyer, api_for, query, status, answer):
    response = api_for(buyer).get(f"/api/programmes/BNM/cost-sharing/?{query}")
    assert (response.status_code, response.json()) == (status, answer)


def test_the_api_is_closed_to_evaluators_and_unknown_programmes_are_a_404(agreement, evaluator, buyer, api_for):
    assert api_for(evaluator).get("/api/programmes/BNM/cost-sharing/?year=2026").status_code == 403
    assert api_for(buyer).get("/api/programmes/XYZ/cost-sharing/?year=2026").status_code == 404
    assert api_for().get("/api/programmes/BNM/cost-sharing/?year=2026").status_code in (401, 403)


def test_the_api_documentation_lists_the_endpoint(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"]["/api/programmes/{reference}/cost-sharing/"]["get"]
    assert operation["operationId"] == "cost_sharing"
    assert {parameter["name"] for parameter in operation["parameters"]} == {"reference", "year", "key", "basis"}
