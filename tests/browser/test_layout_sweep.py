"""A buyer's main pages as a person sees them, on a desktop (1366×900) and a phone (390×844): no page
scrolls sideways, the inputs of a form table sit in their columns, a checkbox sits left of its label,
no figure is printed in scientific notation, axe finds nothing serious, and on the phone the menu is
folded behind a « Menu » button. Screenshots: docs/screenshots/sweep-<page>-<width>.png."""

import re

import pytest

from procurement.programmes.models import Programme
from tests.browser.conftest import PASSWORD
from tests.clock import load_demo
from tests.factories import UserFactory
from tests.tenders.factories import LotFactory, TenderFactory

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
DRAFT = "BNM-2027-09"  # a draft tender, so that its criteria form is editable
PAGES = {
    "accueil": "/",
    "consultations": "/consultations/",
    "consultation": "/consultations/BNM-2026-01/",
    "criteres": f"/consultations/{DRAFT}/lots/1/criteres/",
    "besoin": "/consultations/nouvelle/",
    "marches": "/marches/",
    "finances": "/tableaux-de-bord/finance/",
    "finances-marches": "/tableaux-de-bord/finance/marches/",
    "ressources": "/ressources/",
    "fournisseurs": "/fournisseurs/",
    "programme": "/tableaux-de-bord/programme/BNM/",
    "cao": "/consultations/cao/",  # the Métropole's meetings (the only buyer: the page redirects to them)
    "deliberations": "/programmes/deliberations/",
}
SCIENTIFIC = re.compile(r"\d[Ee][+-]?\d")

# What the page shows, measured in the browser. Text inside <code> (file hashes) is left out of the
# notation check: hexadecimal digits are not figures.
MEASURE = """() => {
  const inside = (inner, outer) => inner.left >= outer.left - 1 && inner.right <= outer.right + 1
      && inner.top >= outer.top - 1 && inner.bottom <= outer.bottom + 1;
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.name ? '[' + el.name + ']' : '');
  const shown = (el) => { const box = el.getBoundingClientRect(); return box.width > 1 && box.height > 1; };
  const misplaced = [];
  for (const control of document.querySelectorAll('table input:not([type=hidden]), table select, table textarea')) {
    const cell = control.closest('td, th');
    if (!cell || !shown(control)) continue;
    if (!inside(control.getBoundingClientRect(), cell.getBoundingClientRect())) misplaced.push(describe(control));
  }
  const checkboxes = [];
  for (const box of document.querySelectorAll('input[type=checkbox]')) {
    const label = box.id && document.querySelector('label[for="' + box.id + '"]');
    if (!label || !shown(box) || !shown(label)) continue;
    const b = box.getBoundingClientRect(), l = label.getBoundingClientRect();
    const middle = (b.top + b.bottom) / 2;
    // Left of its label's text (inside the label or before it), on the same line.
    const left = label.contains(box) ? b.left <= l.left + 6 : b.right <= l.left + 1;  // 6: the box's margin
    if (!(left && middle >= l.top && middle <= l.bottom)) checkboxes.push(describe(box));
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const texts = [];
  while (walker.nextNode()) {
    const parent = walker.currentNode.parentElement;
    if (parent && !parent.closest('code, script, style') && parent.getClientRects().length) {
      texts.push(walker.currentNode.textContent);
    }
  }
  return {scrollWidth: document.scrollingElement.scrollWidth, innerWidth: window.innerWidth,
          misplaced, checkboxes, text: texts.join(' ')};
}"""


def sweep(journey, width: int) -> list[str]:
    """Visits every page at the current viewport; returns what a person would see as broken."""
    page = journey.page
    defects = []
    for name, path in PAGES.items():
        journey.goto(path)
        journey.check(f"sweep-{name}-{width}")
        seen = page.evaluate(MEASURE)
        if seen["scrollWidth"] > seen["innerWidth"]:
            defects.append(f"{path} à {width} px : la page défile de côté ({seen['scrollWidth']} px de large)")
        if seen["misplaced"]:
            defects.append(f"{path} à {width} px : champs hors de leur colonne : {seen['misplaced'][:5]}")
        if seen["checkboxes"]:
            defects.append(f"{path} à {width} px : case à cocher hors de son libellé : {seen['checkboxes'][:5]}")
        if found := SCIENTIFIC.findall(seen["text"]):
            defects.append(f"{path} à {width} px : notation scientifique : {found[:5]}")
    return defects


def test_on_a_phone_the_menu_folds_behind_a_button_that_the_keyboard_opens(journey):
    UserFactory(username="acheteur", first_name="Claire", last_name="Morel", buyer=True)
    page = journey.page
    page.set_viewport_size(PHONE)
    journey.login("acheteur")
    journey.goto("/consultations/")
    journey.check()

    toggle = page.get_by_role("button", name="Menu")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert page.get_by_role("link", name="Finances").is_hidden()
    # The page's title is on the first screen, under a header no taller than a quarter of it.
    assert page.locator("h1").bounding_box()["y"] < PHONE["height"] / 4

    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    finances = page.get_by_role("link", name="Finances")
    assert finances.is_visible()
    journey.check("sweep-menu-390", again=True)

    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert finances.is_hidden()
    assert toggle.evaluate("element => element === document.activeElement")

    page.keyboard.press("Enter")
    journey.submit(finances, to="/tableaux-de-bord/finance/")
    journey.check()
    journey.finish()


@pytest.fixture
def demo(transactional_db, settings, monkeypatch):
    """The demonstration data, with its buyer's password known, and a draft tender. Loaded before the
    journey's clock starts: the demo imports libraries that must not see freezegun's date class."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # as the journey's
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    load_demo()
    draft = TenderFactory(reference=DRAFT, programme=Programme.objects.get(reference="BNM"))
    LotFactory(tender=draft, criteria=True)


def test_the_buyers_main_pages_fit_a_desktop_and_a_phone(demo, journey):
    page = journey.page

    page.set_viewport_size(DESKTOP)
    journey.login("claire.morel")
    assert page.get_by_role("button", name="Menu").is_hidden()
    assert page.get_by_role("link", name="Finances").is_visible()
    defects = sweep(journey, DESKTOP["width"])

    page.set_viewport_size(PHONE)
    defects += sweep(journey, PHONE["width"])
    journey.finish()
    assert not defects, "\n".join(defects)
