"""Benchmark: list pages' query counts at 10 and 1,000 rows, and the tender list's latency under
gunicorn against a minimal view on the same server.

Run: ``.venv/bin/python bench/list_pages_bench.py [requests]`` (default 40 requests per URL). It
migrates a throwaway SQLite database in a temporary folder and, for 10 then 1,000 rows of each list
(tenders, vendors, contracts, programmes), counts the queries of one page view by a buyer (they must
be equal). Then it starts gunicorn (gunicorn.conf.py, 2 workers) on a loopback port on the same
database, and times in turn the tender list (1,000 tenders, first page), the health probe
``/sante/`` (a view that does nothing) and the login page (the smallest page drawn with the same
layout, middleware and templates): it prints the medians and the ratios (target: ≤ 3).
Bounded: the whole run stops after BENCH_TIMEOUT seconds (default 600).
"""

from __future__ import annotations

import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = tempfile.mkdtemp(prefix="list-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{WORK}/bench.sqlite3"
os.environ["MEDIA_ROOT"] = f"{WORK}/media"
os.environ["DJANGO_SETTINGS_MODULE"] = "procurement.settings"
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-" + "x" * 40)
DEADLINE = time.monotonic() + int(os.environ.get("BENCH_TIMEOUT", "600"))
signal.signal(signal.SIGALRM, lambda *_: sys.exit("Arrêt : BENCH_TIMEOUT dépassé."))
signal.alarm(int(os.environ.get("BENCH_TIMEOUT", "600")))

import django  # noqa: E402
from http_timing import fetch, gunicorn, session_cookie  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

LISTS = ["tenders:list", "vendors:list", "contracts:list", "programmes:list"]


def populate(count: int) -> None:
    """Tops each list up to ``count`` rows."""
    from procurement.contracts.models import Contract
    from procurement.programmes.models import Programme
    from procurement.tenders.models import Tender
    from procurement.vendors.models import Vendor
    from tests.contracts.factories import ContractFactory
    from tests.programmes.factories import ProgrammeFactory
    from tests.tenders.factories import LotFactory, TenderFactory
    from tests.vendors.factories import ContactFactory

    while Tender.objects.count() < count:
        LotFactory(tender=TenderFactory())
    while Vendor.objects.count() < count:
        ContactFactory()
    while Contract.objects.count() < count:
        ContractFactory()
    while Programme.objects.count() < count:
        ProgrammeFactory()


def query_counts(client: Client) -> dict[str, int]:
    counts = {}
    for name in LISTS:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(name))
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(queries)
    return counts


def timed(port: int, path: str, cookie: str = "") -> float:
    return fetch(port, path, cookie, timeout=30)


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    call_command("migrate", verbosity=0)
    setup_test_environment()
    from tests.factories import UserFactory

    buyer = UserFactory(username="acheteur.bench", buyer=True)
    client = Client()
    client.force_login(buyer)
    results = {}
    for size in (10, 1000):
        started = time.monotonic()
        populate(size)
        results[size] = query_counts(client)
        print(f"{size} lignes : données créées en {time.monotonic() - started:.0f} s ; requêtes SQL par page : "
              + ", ".join(f"{name} {count}" for name, count in results[size].items()))
    equal = results[10] == results[1000]
    print("Nombre de requêtes identique à 10 et 1 000 lignes :", "oui" if equal else f"NON {results}")

    cookie = session_cookie(buyer)
    try:
        with gunicorn(ROOT, deadline=DEADLINE) as (port, _server):
            tender_list, login = reverse("tenders:list"), reverse("login")
            for _ in range(5):  # warm-up: imports, template caches, connections of both workers
                timed(port, tender_list, cookie), timed(port, "/sante/", cookie), timed(port, login)
            page, minimal, small_page = [], [], []
            for _ in range(rounds):
                page.append(timed(port, tender_list, cookie))
                minimal.append(timed(port, "/sante/", cookie))
                small_page.append(timed(port, login))
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
    page_ms, minimal_ms, small_ms = (statistics.median(series) * 1000 for series in (page, minimal, small_page))
    ratio, page_ratio = page_ms / minimal_ms, page_ms / small_ms

    def verdict(value: float) -> str:
        return f"rapport {value:.2f} (objectif ≤ 3 : {'atteint' if value <= 3 else 'NON atteint'})"

    print(f"gunicorn, 2 processus, boucle locale, {rounds} requêtes chacune : liste des consultations "
          f"(1 000) médiane {page_ms:.1f} ms ; vue minimale (/sante/) {minimal_ms:.1f} ms, {verdict(ratio)} ; "
          f"page minimale (connexion) {small_ms:.1f} ms, {verdict(page_ratio)}")
    sys.exit(0 if equal else 1)


if __name__ == "__main__":
    main()
