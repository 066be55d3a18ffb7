"""The contract list's « Titulaire » filter with the keyboard alone, on a desktop (1366×900) and a phone
(390×844): a few letters typed, the suggestions open (a combobox axe finds nothing serious in), ArrowDown
and Enter choose one, Enter filters, the chosen name stays in the field; Escape closes the suggestions;
Down in the empty field lists the holders as a select would.
No sideways scroll. Screenshots with the suggestions open: docs/screenshots/filtres-suggestions-<width>.png."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import assert_focus_visible, seen
from tests.browser.test_layout_sweep import DESKTOP, MEASURE, PHONE
from tests.contracts.factories import ContractFactory, awarded_lot
from tests.factories import UserFactory
from tests.vendors.factories import VendorFactory

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HOLDERS = ("Lectura Prêt Numérique SAS", "Librairie Lectures Plurielles", "Bibliothèque et Lecture",
           "Kiosque Horizon", "Cinévasion Médiathèques SARL")


def contract_of(name: str, reference: str):
    vendor = VendorFactory(name=name)
    return ContractFactory(holder=vendor, lot=awarded_lot(vendor=vendor), reference=reference)


def open_suggestions(page, letters: str, count: int) -> None:
    field = page.locator("#id_holder")
    field.focus()
    field.fill("")
    page.keyboard.type(letters, delay=40)
    # The answer to the whole text (an earlier list may still be in the page, hidden).
    expect(field).to_have_attribute("aria-expanded", "true")
    options = page.locator("#id_holder__listbox [role=option]")
    expect(options).to_have_count(count)
    for option in options.all():
        expect(option).to_contain_text(re.compile(letters, re.IGNORECASE))


def test_a_buyer_filters_contracts_by_holder_with_the_keyboard(journey):
    UserFactory(username="acheteur", first_name="Claire", last_name="Morel", buyer=True)
    contracts = {name: contract_of(name, f"MAR-2026-{index:03d}") for index, name in enumerate(HOLDERS, start=101)}
    page = journey.page
    defects = []
    journey.login("acheteur")
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        journey.goto(reverse("contracts:list"))
        journey.check()
        open_suggestions(page, "lect", 3)
        options = page.locator("#id_holder__listbox [role=option]")
        # Names starting with the letters first, then the others by name.
        assert [seen(option).split("\n")[0] for option in options.all()] == [
            "Lectura Prêt Numérique SAS", "Bibliothèque et Lecture", "Librairie Lectures Plurielles"]
        journey.check(f"filtres-suggestions-{size['width']}")
        measured = page.evaluate(MEASURE)
        if measured["scrollWidth"] > measured["innerWidth"]:
            defects.append(f"{size['width']} px : la page défile de côté ({measured['scrollWidth']} px)")

    field = page.locator("#id_holder")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert field.get_attribute("aria-activedescendant") == "id_holder__option--1"
    assert seen(page.locator("#id_holder__option--1")).startswith("Bibliothèque et Lecture")
    assert_focus_visible(page)
    page.keyboard.press("Escape")  # closes the suggestions, the focus back in the field
    assert field.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.id") == "id_holder"

    open_suggestions(page, "lect", 3)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")  # chooses « Lectura Prêt Numérique SAS »
    assert field.input_value() == "Lectura Prêt Numérique SAS"
    assert field.get_attribute("aria-expanded") == "false"
    chosen = contracts["Lectura Prêt Numérique SAS"]
    assert page.locator("input[name=holder]").input_value() == str(chosen.holder_id)
    with page.expect_navigation():
        page.keyboard.press("Enter")  # sends the filter
    journey.check()
    assert [seen(row) for row in page.locator("tbody th[scope=row]").all()] == [chosen.reference]
    assert page.locator("#id_holder").input_value() == "Lectura Prêt Numérique SAS"  # after the reload too

    # An empty field lists the first holders on Down, as a select would.
    page.locator("#id_holder").fill("")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#id_holder__listbox [role=option]")).to_have_count(len(HOLDERS))
    page.keyboard.press("Escape")
    journey.finish()
    assert not defects, "\n".join(defects)
