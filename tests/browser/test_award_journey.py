"""Journey: a buyer records the opening of a lot's bids in one grid, then awards the lot in order — the
final ranking, the award, the letters, the contract — each step offered on the lot page where the
previous one ends. Screenshots of the lot page at each step and of the grid, at 1366 and 390 px:
docs/screenshots/award-*.png."""

from datetime import date
from decimal import Decimal

import pytest

from procurement.contracts.models import Contract
from procurement.tenders.enums import LotState, Procedure
from procurement.tenders.models import Bid, Lot
from procurement.vendors.models import Vendor
from tests.browser.conftest import seen
from tests.browser.test_layout_sweep import DESKTOP, MEASURE, PHONE
from tests.documents.utils import framework_tender, score_by_one_evaluator
from tests.factories import UserFactory
from tests.tenders.factories import BidFactory, OpeningRecordFactory
from tests.vendors.factories import VendorFactory, make_compliant

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NAMES = ("Lectura Prêt Numérique SAS", "Kiosque Horizon", "Médiathèque et Cie")


def layout_defects(page, label: str) -> list[str]:
    measured = page.evaluate(MEASURE)
    defects = []
    if measured["scrollWidth"] > measured["innerWidth"]:
        defects.append(f"{label} : la page défile de côté ({measured['scrollWidth']} px)")
    if measured["misplaced"]:
        defects.append(f"{label} : champs hors de leur colonne : {measured['misplaced'][:5]}")
    return defects


def shoot(journey, name: str, *, at: str = "#etapes") -> list[str]:
    """The current page at 1366 then 390 px (docs/screenshots/award-<name>-<width>.png)."""
    page, defects = journey.page, []
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        journey.check(f"award-{name}-{size['width']}", at=at, again=True)
        defects += layout_defects(page, f"{name} à {size['width']} px")
    page.set_viewport_size(DESKTOP)
    return defects


def test_a_buyer_opens_the_bids_in_one_grid_then_awards_in_order(journey):
    UserFactory(username="acheteur", first_name="Claire", last_name="Morel", buyer=True)
    tender = framework_tender(lots=1, opened=True, procedure=Procedure.MAPA, reference="MAPA-2026-07")
    OpeningRecordFactory(tender=tender)
    lot = tender.lots.get()
    bids = [BidFactory(lot=lot, vendor=VendorFactory(name=name, postal_code="69002", city="Lyon")) for name in NAMES]
    for bid in bids:
        make_compliant(bid.vendor, issued_on=date(2026, 10, 1))
    page, defects = journey.page, []
    lot_path = f"/consultations/{tender.reference}/lots/1/"
    journey.login("acheteur")

    # The opening, every bid on one grid.
    journey.goto(lot_path)
    journey.check()
    journey.submit(
        page.get_by_role("link", name="Relever l'ouverture de toutes les offres du lot"), to=f"{lot_path}ouverture/"
    )
    for name, amount in zip(NAMES, ("112000", "118500", "131000"), strict=True):
        page.get_by_label(f"Montant HT (€), offre de {name}").fill(amount)
        page.get_by_label(f"Taux de TVA (%), offre de {name}").fill("5.5")
        page.get_by_label(f"Candidature recevable, offre de {name}").select_option("oui")
    defects += shoot(journey, "grille", at="")
    journey.submit(page.get_by_role("button", name="Enregistrer l'ouverture du lot"), to=lot_path)
    assert "L'ouverture des 3 offre(s) du lot 1 est enregistrée." in seen(page.locator(".messages"))
    assert sorted(Bid.objects.values_list("amount_ht", flat=True)) == [
        Decimal("112000.00"),
        Decimal("118500.00"),
        Decimal("131000.00"),
    ]

    # No ranking yet: the award waits and says why.
    steps = seen(page.locator("#etapes"))
    assert "Étape suivante : terminer l'évaluation du lot." in steps
    assert "Aucune note n'a été soumise pour ce lot" in steps
    defects += shoot(journey, "1-sans-classement")

    # The committee has scored: the award is offered, the first of the ranking proposed.
    score_by_one_evaluator(lot, list(Bid.objects.filter(lot=lot).order_by("pk")))
    journey.goto(lot_path)
    assert "Étape suivante : attribuer le lot." in seen(page.locator("#etapes"))
    defects += shoot(journey, "2-a-attribuer")
    journey.submit(page.locator("#decision").get_by_role("button", name="Attribuer le lot"), to=lot_path)
    assert Lot.objects.get(pk=lot.pk).state == LotState.AWARDED

    # The letters, then the contract.
    assert "Étape suivante : générer les courriers" in seen(page.locator("#etapes"))
    defects += shoot(journey, "3-courriers")
    journey.submit(page.get_by_role("button", name="Générer les courriers"), to=lot_path)
    assert "Étape suivante : créer le marché à partir de l'attribution" in seen(page.locator("#etapes"))
    defects += shoot(journey, "4-marche")
    journey.submit(page.locator("#etapes").get_by_role("link", name="Créer le marché"))
    journey.check()
    defects += shoot(journey, "5-formulaire-marche", at="")
    journey.submit(page.get_by_role("button", name="Enregistrer"))
    journey.check()
    contract = Contract.objects.get(lot=lot)
    assert contract.holder.name == "Lectura Prêt Numérique SAS"
    journey.goto(lot_path)
    assert f"Marché {contract.reference} créé" in seen(page.locator("#etapes"))
    defects += shoot(journey, "6-marche-cree")
    assert not defects, defects
    journey.finish()


def test_a_buyer_registers_a_bid_from_a_company_not_yet_listed(journey):
    UserFactory(username="acheteur", first_name="Claire", last_name="Morel", buyer=True)
    tender = framework_tender(lots=1, published=True, reference="MAPA-2026-08")
    page = journey.page
    journey.login("acheteur")
    journey.goto(f"/consultations/{tender.reference}/offres/nouvelle/")
    journey.check()
    page.get_by_label("Nouvelle entreprise : raison sociale").fill("Bibliolib SAS")
    page.get_by_label("Nouvelle entreprise : SIRET").fill("732 829 320 00075")
    page.get_by_label("Nouvelle entreprise : code postal").fill("75011")
    page.get_by_label("Nouvelle entreprise : ville").fill("Paris")
    page.get_by_label("Fichiers de l'offre").set_input_files(
        files=[{"name": "offre.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7\n%%EOF\n"}]
    )
    journey.submit(page.get_by_role("button", name="Enregistrer"))
    assert "n'est pas valide (clé de contrôle incorrecte)" in seen(page.locator("main"))
    defects = shoot(journey, "nouvelle-entreprise", at="fieldset")
    assert not defects, defects
    assert not Vendor.objects.filter(name="Bibliolib SAS").exists()
    page.get_by_label("Nouvelle entreprise : SIRET").fill("732 829 320 00074")
    page.get_by_label("Fichiers de l'offre").set_input_files(
        files=[{"name": "offre.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7\n%%EOF\n"}]
    )
    journey.submit(page.get_by_role("button", name="Enregistrer"), to=f"/consultations/{tender.reference}/")
    journey.check()
    assert Bid.objects.get().vendor.siret == "73282932000074"
    journey.finish()
