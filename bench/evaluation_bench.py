"""Benchmark: a lot's evaluation (consolidation, ranking, formula effects, abnormally low bids and
sensitivity) at 20 and at 200 bids, 30 criteria and 7 evaluators.

Run: ``.venv/bin/python bench/evaluation_bench.py [rounds]``. It migrates a throwaway SQLite
database in a temporary folder, builds two lots (20 and 200 compliant bids; 30 criteria: price,
a technical value of 25 sub-criteria, an environmental value of 2; 7 evaluators who declared,
scored every bid on the 27 qualitative criteria and submitted), then times ``lot_evaluation`` (what
``lot_ranking``, the pages, the report and the command call) and counts its SQL queries with
``CaptureQueriesContext``. Targets: under 0.5 s at 200 bids, and the same number of queries at
both sizes (everything loaded in a fixed number of queries, then computed in pure Python).
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
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = tempfile.mkdtemp(prefix="evaluation-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{WORK}/bench.sqlite3"
os.environ["MEDIA_ROOT"] = f"{WORK}/media"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "procurement.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from stdnum import luhn  # noqa: E402

from procurement.tenders.evaluation.selectors import lot_evaluation  # noqa: E402
from procurement.tenders.models import (  # noqa: E402
    Bid,
    CommitteeMember,
    ConflictDeclaration,
    Criterion,
    Lot,
    Score,
    Submission,
    Tender,
)
from procurement.vendors.models import Vendor  # noqa: E402

PARIS = ZoneInfo("Europe/Paris")
EVALUATORS = 7
SIZES = (20, 200)


def build_criteria(lot: Lot) -> list[Criterion]:
    """30 criteria: price 40, technique 50 (25 × 2 points), environment 10 (2 × 5 points)."""
    Criterion.objects.create(lot=lot, name="Prix", kind="price", points=40, price_formula="proportional", position=1)
    technical = Criterion.objects.create(lot=lot, name="Valeur technique", kind="technical", points=50, position=2)
    environment = Criterion.objects.create(lot=lot, name="Environnement", kind="environmental", points=10, position=3)
    Criterion.objects.bulk_create(
        [Criterion(lot=lot, parent=technical, name=f"Sous-critère technique {i}", kind="technical", points=2,
                   position=i) for i in range(1, 26)]
        + [Criterion(lot=lot, parent=environment, name=f"Sous-critère environnemental {i}", kind="environmental",
                     points=5, position=i) for i in range(1, 3)]
    )
    return [c for c in lot.criteria.all() if c.kind != "price" and c.parent_id is not None]


def build_lot(tender: Tender, number: int, bids: int, evaluators: list, vendors: list[Vendor]) -> Lot:
    lot = Lot.objects.create(tender=tender, number=number, title=f"Lot de {bids} offres",
                             estimated_amount_ht=Decimal("500000"))
    leaves = build_criteria(lot)
    received = datetime(2026, 1, 7, 10, 0, tzinfo=PARIS)
    Bid.objects.bulk_create([
        Bid(lot=lot, vendor=vendors[i], received_at=received, status="compliant", admissible=True,
            amount_ht=Decimal(90000 + 137 * i), vat_rate=Decimal("20")) for i in range(bids)
    ])
    members = CommitteeMember.objects.filter(tender=tender)
    ConflictDeclaration.objects.bulk_create([ConflictDeclaration(member=m, lot=lot, has_conflict=False)
                                             for m in members])
    scores = []
    for b_index, bid in enumerate(lot.bids.all()):
        for c_index, leaf in enumerate(leaves):
            for e_index, user in enumerate(evaluators):
                value = leaf.points * Decimal((b_index * 7 + c_index * 3 + e_index * 5) % 11) / 10
                scores.append(Score(lot=lot, bid=bid, criterion=leaf, evaluator=user, value=value,
                                    comment="Appréciation argumentée."))
    Score.objects.bulk_create(scores, batch_size=5000)
    Submission.objects.bulk_create([Submission(lot=lot, evaluator=user) for user in evaluators])
    return lot


def siret(n: int) -> str:
    """A SIRET with valid Luhn keys, unique per ``n``."""
    base = f"{82000000 + n:08d}"
    siren = base + luhn.calc_check_digit(base)
    head = siren + "0001"
    return head + luhn.calc_check_digit(head)


def build() -> dict[int, Lot]:
    tender = Tender.objects.create(
        reference="BENCH-2026-01", object="Banc d'essai de l'évaluation", nature="services", cpv_code="92511000-6",
        place_code="37100", duration_months=12, consultation_start=date(2025, 11, 25),
        bid_deadline=datetime(2026, 1, 8, 12, tzinfo=PARIS), procedure="appel_offres_ouvert",
    )
    Tender.objects.filter(pk=tender.pk).update(state="opened")
    tender.refresh_from_db()
    group = Group.objects.get(name="evaluators")
    evaluators = []
    for i in range(EVALUATORS):
        user = get_user_model().objects.create(username=f"evaluateur{i}", first_name="Évaluateur", last_name=str(i))
        user.groups.add(group)
        evaluators.append(user)
        CommitteeMember.objects.create(tender=tender, user=user, is_chair=i == 0)
    vendors = Vendor.objects.bulk_create([
        Vendor(name=f"Candidat {i:03d}", siret=siret(i), street="1 rue des Lilas", postal_code="37100", city="Tours",
               country="FR") for i in range(max(SIZES))
    ])
    return {size: build_lot(tender, index + 1, size, evaluators, vendors) for index, size in enumerate(SIZES)}


def measure(lot: Lot, rounds: int) -> tuple[float, int, object]:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            evaluation = lot_evaluation(lot)
        times.append(time.perf_counter() - start)
    return statistics.median(times), len(queries.captured_queries), evaluation


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    try:
        call_command("migrate", verbosity=0)
        lots = build()
        print(f"Évaluation d'un lot : 30 critères, {EVALUATORS} évaluateurs, médiane de {rounds} passages")
        results = {}
        for size, lot in lots.items():
            seconds, queries, evaluation = measure(lot, rounds)
            results[size] = (seconds, queries)
            sensitive = evaluation.sensitivity.most_sensitive
            print(f"  {size:>3} offres : {seconds:.3f} s, {queries} requêtes SQL "
                  f"({Score.objects.filter(lot=lot).count()} notes ; premier {evaluation.ranking.winner.bidder} "
                  f"à {evaluation.ranking.winner.total} ; effets de formule {len(evaluation.consolidation.effects)} ; "
                  f"critère le plus sensible : {sensitive.name + ' ' + sensitive.label if sensitive else 'aucun'})")
        (small_time, small_queries), (large_time, large_queries) = results[SIZES[0]], results[SIZES[1]]
        print(f"Objectifs : < 0,5 s à {SIZES[1]} offres → {'atteint' if large_time < 0.5 else 'MANQUÉ'} "
              f"({large_time:.3f} s) ; même nombre de requêtes → "
              f"{'atteint' if small_queries == large_queries else 'MANQUÉ'} ({small_queries} et {large_queries}).")
        print(f"Rapport des temps {SIZES[1]} / {SIZES[0]} offres : {large_time / small_time:.1f}")
    finally:
        shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
