"""Every page a person reaches from the menu, for each role, as she sees it on a desktop (1366×900) and
a phone (390×844): no page scrolls sideways, no element sits on another, the inputs of a form table sit
in their columns, a checkbox sits left of its label, no figure is printed in scientific notation, no
error page (let alone an English one), axe finds nothing serious, and on the phone the menu is folded
behind a « Menu » button. Screenshots: docs/screenshots/sweep-<role>-<page>-<width>.png."""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model

from procurement.core.permissions import ADMIN, BUYER, EVALUATOR, FINANCE, has_role, roles_of
from procurement.programmes.models import Programme
from tests.browser.conftest import PASSWORD, menu
from tests.demo_snapshot import restore, take_snapshot
from tests.factories import UserFactory
from tests.tenders.factories import LotFactory, TenderFactory

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
DRAFT = "BNM-2027-09"  # a draft tender, so that its criteria form is editable
# Pages a role reaches in one click from a menu page, swept with the menu's own.
BEYOND_THE_MENU = {
    BUYER: {
        "consultation": "/consultations/BNM-2026-01/",
        "criteres": f"/consultations/{DRAFT}/lots/1/criteres/",
        "besoin": "/consultations/nouvelle/",
        "finances-marches": "/tableaux-de-bord/finance/marches/",
        "programme": "/tableaux-de-bord/programme/BNM/",
        "deliberations": "/programmes/deliberations/",
        "repartition": "/programmes/BNM/repartition-des-couts/",
    },
    FINANCE: {"finances-marches": "/tableaux-de-bord/finance/marches/",
              "repartition-comparer": "/programmes/BNM/repartition-des-couts/comparer/"},
}
ROLES = {BUYER: "claire.morel", EVALUATOR: "sophie.lambert", FINANCE: "marc.delorme", ADMIN: "helene.vasseur"}
SCIENTIFIC = re.compile(r"\d[Ee][+-]?\d")
# What a default (English) error page says: the site's own are in French and keep its layout.
ENGLISH_ERROR = re.compile(r"\b(Not Found|Server Error|Forbidden|Bad Request|Page not found)\b")

# What the page shows, measured in the browser. Text inside <code> (file hashes) is left out of the
# notation check: hexadecimal digits are not figures. Overlaps are looked for between the elements that
# carry text or take input, neither inside the other, both shown, overlapping by more than 2 px each way.
MEASURE = """() => {
  const inside = (inner, outer) => inner.left >= outer.left - 1 && inner.right <= outer.right + 1
      && inner.top >= outer.top - 1 && inner.bottom <= outer.bottom + 1;
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.name ? '[' + el.name + ']' : '')
      + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
      + (el.textContent ? ' « ' + el.textContent.trim().slice(0, 30) + ' »' : '');
  const shown = (el) => { const box = el.getBoundingClientRect(); return box.width > 1 && box.height > 1
      && getComputedStyle(el).visibility !== 'hidden' && !el.closest('.visually-hidden, .skip-link'); };
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
  const carriers = [...document.querySelectorAll(
      'main h1, main h2, main h3, main p, main label, main a, main button, main input:not([type=hidden]), '
      + 'main select, main textarea, main th, main td, main dt, main dd, main li, main img, main svg, '
      + 'header a, header button')]
      .filter(el => shown(el) && !el.closest('.table-scroll'));
  const overlaps = [];
  const boxes = carriers.map(el => el.getBoundingClientRect());
  for (let i = 0; i < carriers.length && overlaps.length < 5; i++) {
    for (let j = i + 1; j < carriers.length; j++) {
      const a = carriers[i], b = carriers[j];
      if (a.contains(b) || b.contains(a)) continue;
      const p = boxes[i], q = boxes[j];
      const x = Math.min(p.right, q.right) - Math.max(p.left, q.left);
      const y = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
      if (x > 2 && y > 2) { overlaps.push(describe(a) + ' / ' + describe(b)); break; }
    }
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
          misplaced, checkboxes, overlaps, text: texts.join(' '), title: document.title,
          lang: document.documentElement.lang};
}"""


def menu_pages(journey) -> dict[str, str]:
    """The menu's entries, by the last part of their address (« accueil » for the home)."""
    pages = {}
    for link in menu(journey.page).get_by_role("link").all():
        path = urlsplit(link.get_attribute("href")).path
        name = [part for part in path.split("/") if part][-1:] or ["accueil"]
        pages[name[0]] = path
    return pages


def sweep(journey, role: str, pages: dict[str, str], width: int) -> list[str]:
    """Visits every page at the current viewport; returns what a person would see as broken."""
    page = journey.page
    defects = []
    for name, path in pages.items():
        response = page.goto(journey.base_url + path)
        journey.check(f"sweep-{role}-{name}-{width}")
        seen = page.evaluate(MEASURE)
        where = f"{role} {path} à {width} px"
        if response.status >= 400:
            defects.append(f"{where} : erreur {response.status} ({seen['title']})")
        if ENGLISH_ERROR.search(seen["title"] + " " + seen["text"]) or seen["lang"] != "fr":
            defects.append(f"{where} : page en anglais ({seen['title']})")
        if seen["scrollWidth"] > seen["innerWidth"]:
            defects.append(f"{where} : la page défile de côté ({seen['scrollWidth']} px de large)")
        if seen["overlaps"]:
            defects.append(f"{where} : éléments superposés : {seen['overlaps']}")
        if seen["misplaced"]:
            defects.append(f"{where} : champs hors de leur colonne : {seen['misplaced'][:5]}")
        if seen["checkboxes"]:
            defects.append(f"{where} : case à cocher hors de son libellé : {seen['checkboxes'][:5]}")
        if found := SCIENTIFIC.findall(seen["text"]):
            defects.append(f"{where} : notation scientifique : {found[:5]}")
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


@pytest.fixture(scope="module")
def demo_load() -> dict:
    return {}


@pytest.fixture
def demo(transactional_db, demo_load, settings, tmp_path, tmp_path_factory):
    """The demonstration data, with its users' password known, and a draft tender. The first sweep loads
    it and keeps a copy (tests/demo_snapshot.py) that the others restore. Not the session's ``demo``: its
    copy is taken before the test's database is set up, over what the previous transaction-less test left
    (nothing), whereas here the migrated rows are back. Loaded before the journey's clock starts: the demo
    imports libraries that must not see freezegun's date class. Its files go to the journey's MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    if "snapshot" not in demo_load:
        demo_load["snapshot"] = take_snapshot(tmp_path_factory.mktemp("demo-media"), password=PASSWORD)
    restore(demo_load["snapshot"])
    draft = TenderFactory(reference=DRAFT, programme=Programme.objects.get(reference="BNM"))
    LotFactory(tender=draft, criteria=True)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_the_menu_fits_a_desktop_and_a_phone(demo, journey, role):
    page = journey.page
    page.set_viewport_size(DESKTOP)
    journey.login(ROLES[role])
    # A role-less user would sweep the few pages every signed-in person sees and pass.
    signed_in = get_user_model().objects.get(username=ROLES[role])
    assert has_role(signed_in, role), f"{signed_in.username} n'a pas le rôle {role} : {sorted(roles_of(signed_in))}"
    assert page.get_by_role("button", name="Menu").is_hidden()
    pages = menu_pages(journey)
    assert len(pages) >= 3, pages
    pages |= BEYOND_THE_MENU.get(role, {})
    defects = sweep(journey, role, pages, DESKTOP["width"])
    if "finances-marches" in pages:
        # The per-contract table (a column per year, then the total) shows every column on a desktop: its
        # last column is not hidden behind the scroll of its wrapper.
        journey.goto(pages["finances-marches"])
        table, wrapper = page.evaluate("""() => {
          const table = document.querySelector('#by-contract');
          return [table.scrollWidth, table.closest('.table-scroll').clientWidth]; }""")
        assert table <= wrapper, f"le tableau par marché dépasse de son cadre à 1366 px ({table} > {wrapper} px)"

    page.set_viewport_size(PHONE)
    journey.goto("/")
    assert page.get_by_role("button", name="Menu").is_visible()
    defects += sweep(journey, role, pages, PHONE["width"])
    journey.finish()
    assert not defects, "\n".join(defects)
