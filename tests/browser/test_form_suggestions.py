"""Forms that name a vendor among thousands, with the keyboard alone, on a desktop (1366×900) and a phone
(390×844): the bid's « Candidat » (a few letters, the suggestions with their SIRET open — a combobox axe
finds nothing serious in —, Down and Enter choose one, Enter sends the form and the bid is the chosen
vendor's), and a contract's group members (each suggestion chosen becomes a ticked box and the field
empties for the next). No sideways scroll; the suggestions stay inside the screen.
Screenshots with the suggestions open: docs/screenshots/offre-candidat-suggestions-<width>.png."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from procurement.contracts.models import Contract
from procurement.tenders.models import Bid
from tests.browser.conftest import assert_focus_visible, choose_suggestion, open_suggestions, seen
from tests.browser.steps import offer_pdf
from tests.browser.test_layout_sweep import DESKTOP, MEASURE, PHONE
from tests.contracts.factories import ContractFactory
from tests.factories import UserFactory
from tests.tenders.factories import LotFactory, TenderFactory
from tests.vendors.factories import VendorFactory

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

VENDORS = {"Lectura Prêt Numérique SAS": "85783086300034", "Lectura Conseil": "91497094200019",
           "Bibliothèque et Lecture": "73282932000074", "Kiosque Horizon": "55210055400013"}
# Where the open suggestions lie in the screen, and whether the page scrolls sideways.
MENU_BOX = """() => {
  const menu = document.querySelector('#id_vendor__listbox');
  const box = menu.getBoundingClientRect();
  return {left: box.left, right: box.right, innerWidth: window.innerWidth,
          scrollWidth: document.documentElement.scrollWidth};
}"""


def test_a_buyer_names_the_bids_candidate_with_the_keyboard(journey, tmp_path):
    UserFactory(username="acheteur", first_name="Claire", last_name="Morel", buyer=True)
    vendors = {name: VendorFactory(name=name, siret=siret) for name, siret in VENDORS.items()}
    VendorFactory.create_batch(30)
    tender = TenderFactory(published=True)
    LotFactory(tender=tender, number=1, title="Ressources numériques")
    page = journey.page
    defects = []
    journey.login("acheteur")
    field = page.locator("#id_vendor")
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        journey.goto(reverse("tenders:bid-receive", args=[tender.reference]))
        journey.check()
        shown = open_suggestions(page, "id_vendor", "lect")
        # Names starting with the letters first, then the others by name; each with its SIRET.
        assert [text.split("\n")[0] for text in shown] == [
            "Lectura Conseil", "Lectura Prêt Numérique SAS", "Bibliothèque et Lecture"]
        assert "914 970 942 00019" in shown[0]
        # The field keeps its help text as description once the library has drawn it.
        assert "id_vendor_helptext" in field.get_attribute("aria-describedby")
        journey.check(f"offre-candidat-suggestions-{size['width']}", at="fieldset")
        box = page.evaluate(MENU_BOX)
        if box["scrollWidth"] > box["innerWidth"] or box["left"] < 0 or box["right"] > box["innerWidth"]:
            defects.append(f"{size['width']} px : la liste ou la page déborde ({box})")
        measured = page.evaluate(MEASURE)
        if measured["scrollWidth"] > measured["innerWidth"]:
            defects.append(f"{size['width']} px : la page défile de côté ({measured['scrollWidth']} px)")

    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert seen(page.locator("#id_vendor__option--1")).startswith("Lectura Prêt Numérique SAS")
    assert_focus_visible(page)
    page.keyboard.press("Escape")  # closes the suggestions, the focus back in the field, nothing chosen
    assert field.get_attribute("aria-expanded") == "false"
    assert page.locator("input[name=vendor]").input_value() == ""

    page.get_by_label("Fichiers de l'offre").set_input_files(offer_pdf(tmp_path, "offre.pdf", "Offre Lectura"))
    choose_suggestion(page, "id_vendor", "lect", "Lectura Prêt Numérique SAS")
    chosen = vendors["Lectura Prêt Numérique SAS"]
    assert field.input_value() == "Lectura Prêt Numérique SAS"
    assert page.locator("input[name=vendor]").input_value() == str(chosen.pk)
    with page.expect_navigation():
        page.keyboard.press("Enter")  # sends the form
    journey.expect_path(reverse("tenders:detail", args=[tender.reference]))
    assert "L'offre de Lectura Prêt Numérique SAS est enregistrée" in seen(page.locator(".messages"))
    assert Bid.objects.get().vendor == chosen
    journey.check()
    journey.finish()
    assert not defects, "\n".join(defects)


def test_a_buyer_adds_the_groups_members_one_suggestion_at_a_time(journey):
    UserFactory(username="acheteur", first_name="Claire", last_name="Morel", buyer=True)
    vendors = {name: VendorFactory(name=name, siret=siret) for name, siret in VENDORS.items()}
    contract = ContractFactory()
    page = journey.page
    journey.login("acheteur")
    journey.goto(reverse("contracts:update", args=[contract.reference]))
    journey.check()
    page.locator("#id_group_kind").select_option("joint")
    field = page.locator("#id_co_holders")
    for letters, name in (("kiosq", "Kiosque Horizon"), ("lect", "Lectura Conseil")):
        choose_suggestion(page, "id_co_holders", letters, name)
        expect(page.get_by_role("checkbox", name=name)).to_be_checked()
        assert field.input_value() == ""  # empty for the next one
    journey.check(again=True)
    page.get_by_role("checkbox", name="Kiosque Horizon").uncheck()  # changed their mind
    choose_suggestion(page, "id_co_holders", "biblio", "Bibliothèque et Lecture")
    journey.submit(page.get_by_role("button", name="Enregistrer"), to=reverse("contracts:detail",
                                                                               args=[contract.reference]))
    assert set(Contract.objects.get(pk=contract.pk).co_holders.all()) == {
        vendors["Lectura Conseil"], vendors["Bibliothèque et Lecture"]}
    journey.check()
    journey.finish()


# Where the open suggestions of a field lie in the screen, and whether the page scrolls sideways.
FIELD_MENU_BOX = """(id) => {
  const box = document.querySelector('#' + id + '__listbox').getBoundingClientRect();
  return {left: box.left, right: box.right, innerWidth: window.innerWidth,
          scrollWidth: document.documentElement.scrollWidth};
}"""


def test_a_buyer_picks_the_budget_line_and_the_authorisation_to_sign_with_the_keyboard(journey):
    """Among every programme's budget lines and the council's acts: a few letters, the suggestions told
    apart by programme (or the act's object), Down and Enter; the contract's terms keep the chosen ones.
    Screenshots with the suggestions open: docs/screenshots/clauses-ligne-budgetaire-suggestions-<width>.png."""
    from datetime import date

    from tests.programmes.factories import BudgetLineFactory, CouncilActFactory, ProgrammeFactory

    UserFactory(username="acheteur", first_name="Claire", last_name="Morel", buyer=True)
    bnm, med = ProgrammeFactory(reference="BNM"), ProgrammeFactory(reference="MED")
    lines = {programme.reference: BudgetLineFactory(programme=programme, operating=True, label="Ressources numériques")
             for programme in (bnm, med)}
    for number in range(30):
        BudgetLineFactory(label=f"Fluides et énergie {number}")
    act = CouncilActFactory(reference="DEL-2027-012", adopted_on=date(2026, 10, 15),
                            object="Autorisation de signer le marché du portail")
    CouncilActFactory(reference="DEL-2027-120", adopted_on=date(2026, 11, 20), object="Marchés de presse")
    contract = ContractFactory()
    page = journey.page
    defects = []
    journey.login("acheteur")
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        journey.goto(reverse("contracts:update", args=[contract.reference]))
        journey.check()
        shown = open_suggestions(page, "id_budget_line", "ressources")
        assert [text.split("\n")[-1] for text in shown] == ["BNM · fonctionnement", "MED · fonctionnement"]
        journey.check(f"clauses-ligne-budgetaire-suggestions-{size['width']}", at="fieldset")
        box = page.evaluate(FIELD_MENU_BOX, "id_budget_line")
        if box["scrollWidth"] > box["innerWidth"] or box["left"] < 0 or box["right"] > box["innerWidth"]:
            defects.append(f"{size['width']} px : la liste ou la page déborde ({box})")
        page.keyboard.press("Escape")

    # The second of the two alike, told apart by its programme.
    choose_suggestion(page, "id_budget_line", "ressources",
                      "Ressources numériques (chap. 011 / art. 6065 / fonct. 313)\nMED")
    assert page.locator("input[name=budget_line]").input_value() == str(lines["MED"].pk)
    choose_suggestion(page, "id_signature_authorisation", "DEL-2027-012",
                      "Délibération spécifique DEL-2027-012 du 15/10/2026")
    assert page.locator("input[name=signature_authorisation]").input_value() == str(act.pk)
    journey.submit(page.get_by_role("button", name="Enregistrer"), to=reverse("contracts:detail",
                                                                               args=[contract.reference]))
    contract = Contract.objects.get(pk=contract.pk)
    assert (contract.budget_line, contract.signature_authorisation) == (lines["MED"], act)
    journey.check()
    journey.finish()
    assert not defects, "\n".join(defects)
