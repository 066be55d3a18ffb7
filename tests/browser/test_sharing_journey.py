"""Journey: a buyer opens the programme, then « Répartition des coûts »: picks 2026 and the applied key, reads the
total and the shares, downloads a commune's statement, compares the demo's two keys (chart and tables), then
tries a floor that would make a commune pay more than the year's total, refused on its field. Screenshots at
1366 and 390 px of the shares, the comparison and the floors grid: docs/screenshots/partage-*-<width>.png."""

from io import BytesIO

import pytest
from pypdf import PdfReader

from procurement.sharing.models import Member, MemberBound
from tests.browser.conftest import PASSWORD, seen
from tests.browser.test_layout_sweep import DESKTOP, MEASURE, PHONE
from tests.demo_snapshot import restore, take_snapshot

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(scope="module")
def demo_load() -> dict:
    return {}


@pytest.fixture
def demo(transactional_db, demo_load, settings, tmp_path, tmp_path_factory):
    """The demonstration data with its users' password known (loaded once, then restored), before the
    journey's clock starts."""
    settings.MEDIA_ROOT = tmp_path / "media"
    if "snapshot" not in demo_load:
        demo_load["snapshot"] = take_snapshot(tmp_path_factory.mktemp("demo-media"), password=PASSWORD)
    restore(demo_load["snapshot"])


def shoot(journey, name: str, *, at: str) -> list[str]:
    """The page at 1366 then 390 px (docs/screenshots/partage-<name>-<width>.png); what would be broken."""
    page, defects = journey.page, []
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        journey.check(f"partage-{name}-{size['width']}", at=at, again=True)
        measured = page.evaluate(MEASURE)
        label = f"{name} à {size['width']} px"
        if measured["scrollWidth"] > measured["innerWidth"]:
            defects.append(f"{label} : la page défile de côté ({measured['scrollWidth']} px)")
        if measured["misplaced"]:
            defects.append(f"{label} : champs hors de leur colonne : {measured['misplaced'][:5]}")
        if measured["overlaps"]:
            defects.append(f"{label} : éléments superposés : {measured['overlaps']}")
    page.set_viewport_size(DESKTOP)
    return defects


def test_a_buyer_reads_the_shares_compares_two_keys_and_downloads_a_statement(demo, journey):
    page, defects = journey.page, []
    page.set_viewport_size(DESKTOP)
    journey.login("claire.morel")

    journey.goto("/programmes/BNM/")
    journey.check()
    journey.submit(page.get_by_role("link", name="Répartition des coûts"), to="/programmes/BNM/repartition-des-couts/")
    journey.check()
    assert "Convention BNM-CONV-2025-01" in seen(page.locator("main"))

    page.get_by_role("combobox", name="Année").select_option("2026")
    page.get_by_role("combobox", name="Clé de répartition").select_option("mixte")
    journey.submit(page.get_by_role("button", name="Afficher"), to="/programmes/BNM/repartition-des-couts/")
    assert "Total réparti : 430 274,10 € TTC" in seen(page.locator("#total"))
    shares = page.locator("#parts-table")
    centre = seen(shares.get_by_role("row").filter(has_text="Ville-centre"))
    assert "166 867,82 €" in centre and "38,78 %" in centre
    defects += shoot(journey, "repartition", at="#parts")

    statement = journey.download(page.get_by_role("link", name="PDF — relevé de Villebrune"))
    assert statement.name == "releve-2026-mixte-villebrune.pdf"
    text = " ".join(PdfReader(BytesIO(statement.read_bytes())).pages[0].extract_text().split())
    text = text.replace("\u00a0", " ")
    assert "Villebrune" in text and "48 349,46 € TTC" in text and "mixte — 50 % population, 50 % usages" in text

    journey.submit(page.get_by_role("link", name="Comparer deux clés"),
                   to="/programmes/BNM/repartition-des-couts/comparer/")
    page.get_by_role("combobox", name="Première clé").select_option("mixte")
    page.get_by_role("combobox", name="Seconde clé").select_option("mixte-bornes")
    journey.submit(page.get_by_role("button", name="Comparer"), to="/programmes/BNM/repartition-des-couts/comparer/")
    chart = page.get_by_role("img", name="Écart de participation en 2026, clé « mixte-bornes » par rapport à la clé "
                                         "« mixte »")
    assert chart.is_visible()
    gainers = seen(page.locator("table", has=page.locator("caption", has_text="gagne le plus")))
    assert "Ville-centre" in gainers and "−16 867,82 €" in gainers
    losers = seen(page.locator("table", has=page.locator("caption", has_text="perdent le plus")))
    assert losers.index("Villebrune") < losers.index("Saint-Aurèle")
    defects += shoot(journey, "comparaison", at="#ecarts")

    # The floors and caps of the bounded key: a floor above 2025's total is refused on Villebrune's field.
    journey.goto("/programmes/BNM/repartition-des-couts/")
    journey.submit(page.get_by_role("link", name="Clés, planchers et plafonds"))
    journey.check()
    journey.submit(page.get_by_role("link", name="Planchers et plafonds mixte-bornes"))
    journey.check()
    field = page.get_by_label("Plancher annuel TTC (€), Villebrune", exact=True)
    assert field.input_value() == "500,00"
    field.fill("400 000")
    journey.submit(page.get_by_role("button", name="Enregistrer les planchers et plafonds"))
    summary = seen(page.locator(".message--error"))
    assert "rien n'a été enregistré" in summary
    assert ("Villebrune : le plancher (400 000,00 €) dépasse le total à répartir en 2025 (377 915,20 €)"
            in summary)
    villebrune = Member.objects.get(name="Villebrune")
    assert "le membre paierait plus que le total" in seen(page.locator(f"#id_m{villebrune.pk}-floor_ttc_error"))
    defects += shoot(journey, "planchers-refus", at=".message--error")
    assert MemberBound.objects.get(member__name="Villebrune", key__name="mixte-bornes").floor_ttc == 500
    journey.finish()
    assert not defects, "\n".join(defects)
