"""Benchmark: the full DCE of a 5-lot tender against docxtpl alone (the floor).

Run: ``.venv/bin/python bench/dce_bench.py [rounds]``. It migrates a throwaway SQLite database in a
temporary folder, builds a 5-lot framework tender (criteria and price lines on every lot), then
times, round after round:
  - the full generation (``dce_generate``): reading the tender, building the contexts, rendering the
    RC, CCAP, CCTP and the 5 actes d'engagement with their checks, the BPU / DQE workbook, the zip,
    storing the files and recording the version;
  - the floor: docxtpl alone rendering and saving the same 8 documents from the same templates and
    contexts (prepared beforehand, outside the timing).
It prints the median of each and their ratio (target: at most 1.5).
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = tempfile.mkdtemp(prefix="dce-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{WORK}/bench.sqlite3"
os.environ["MEDIA_ROOT"] = f"{WORK}/media"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "procurement.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from docxtpl import DocxTemplate  # noqa: E402

from procurement.documents.enums import TemplateKind  # noqa: E402
from procurement.documents.selectors import active_templates  # noqa: E402
from procurement.programmes.models import Authority, Programme  # noqa: E402
from procurement.tenders.models import Criterion, Lot, PriceItem, Tender  # noqa: E402
from procurement.tenders.services.dce import DCE_KINDS, dce_contexts, dce_generate, load_tender  # noqa: E402

LOTS = ["Livres numériques et livres audio", "Presse en ligne", "Vidéo à la demande", "Autoformation",
        "Musique en ligne"]


def build_tender() -> Tender:
    authority = Authority.objects.create(name="Métropole de Rivemont", siret="24999999600013", kind="metropole",
                                         street="1 place de la Métropole", postal_code="37100", city="Rivemont",
                                         large_operating_budget=True)
    programme = Programme.objects.create(reference="BNM", name="Bibliothèque numérique métropolitaine",
                                         authority=authority)
    tender = Tender.objects.create(
        reference="BNM-2024-02", programme=programme, nature="services", cpv_code="92511000-6", place_code="37100",
        object="Ressources numériques en ligne pour les bibliothèques de la Métropole", duration_months=12,
        renewals=3, is_framework=True, procedure="appel_offres_ouvert", price_form="Unitaire",
        price_types=["Définitif révisable"], execution_modes=["Bons de commande"],
        consultation_start=date(2024, 5, 13), notice_sent_on=date(2024, 5, 15),
        bid_deadline=datetime(2024, 6, 24, 12, tzinfo=ZoneInfo("Europe/Paris")),
    )
    for number, title in enumerate(LOTS, start=1):
        lot = Lot.objects.create(tender=tender, number=number, title=title, estimated_amount_ht=Decimal("60000"),
                                 description=f"Accès des usagers des bibliothèques : {title.lower()}.")
        Criterion.objects.create(lot=lot, name="Prix", kind="price", points=40, price_formula="proportional")
        technical = Criterion.objects.create(lot=lot, name="Valeur technique", kind="technical", points=45,
                                             position=2)
        for position, (name, points) in enumerate([("Catalogue", 30), ("Accompagnement", 15)], start=1):
            Criterion.objects.create(lot=lot, parent=technical, name=name, kind="technical", points=points,
                                     position=position)
        Criterion.objects.create(lot=lot, name="Sobriété numérique", kind="environmental", points=15, position=3)
        for line in range(1, 13):
            PriceItem.objects.create(lot=lot, number=f"{number}.{line}", label=f"Prestation {line} — {title}",
                                     unit="licence", quantity=Decimal(100 * line), position=line)
    return tender


def floor_jobs(tender: Tender) -> list[tuple[bytes, dict]]:
    templates = active_templates(DCE_KINDS)
    contexts = dce_contexts(load_tender(tender), version=1)
    jobs = [(templates[kind].data, contexts[kind]) for kind in (TemplateKind.RC, TemplateKind.CCAP,
                                                                  TemplateKind.CCTP)]
    jobs += [(templates[TemplateKind.AE].data, context) for context in contexts[TemplateKind.AE]]
    return jobs


def docxtpl_alone(jobs) -> None:
    for template, context in jobs:
        document = DocxTemplate(BytesIO(template))
        document.render(context, autoescape=True)
        document.save(BytesIO())


def timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def main(rounds: int = 7) -> None:
    call_command("migrate", verbosity=0)
    tender = build_tender()
    jobs = floor_jobs(tender)
    docxtpl_alone(jobs)  # warm-up: imports, caches
    from tests.factories import UserFactory

    buyer = UserFactory(username="acheteur.bench", buyer=True)  # the service checks who generates
    dce_generate(tender=tender, by=buyer)
    full, floor = [], []
    for _ in range(rounds):  # interleaved, so a busy machine weighs on both alike
        full.append(timed(lambda: dce_generate(tender=tender, by=buyer)))
        floor.append(timed(lambda: docxtpl_alone(jobs)))
    full_ms, floor_ms = statistics.median(full) * 1000, statistics.median(floor) * 1000
    print(f"DCE complet, 5 lots (8 .docx + BPU/DQE .xlsx + zip + enregistrement) : {full_ms:.0f} ms (médiane "
          f"de {rounds})")
    print(f"docxtpl seul, mêmes 8 .docx (plancher) : {floor_ms:.0f} ms (médiane de {rounds})")
    print(f"ratio : {full_ms / floor_ms:.2f} (objectif ≤ 1,5)")


if __name__ == "__main__":
    try:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
