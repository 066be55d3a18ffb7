"""Benchmark: a large Métropole's ten years, every heavy page and command measured at the demo size and
grown to fractions of it, beside the admin's tender changelist (the peer a user would compare with).

Run: ``.venv/bin/python bench/scale.py [--fractions 0,0.1,1] [--runs 5] [--gunicorn] [--json FILE]``.

It creates (or resets) its own PostgreSQL database: ``procurement_scale`` on the local server for the main
checkout, ``procurement_scale_<name>`` for a worktree ``wt-<name>`` (so that two checkouts never reset each
other's); ``--database-url`` or ``DATABASE_URL`` choose another. A database it did not create is refused
unless it is empty or ``--force`` is given, and ``test`` (the CI's) always. It migrates it and loads the demo
(``load_demo --today``), kept as ``<name>_demo`` for the next runs to start from in a second (rebuilt when the
day, the demo's loaders or fixtures, or the migrations change). Then for each fraction it grows the database
(``procurement/demo/loaders/scale.py``: at 100 %, 3,000 tenders of 2 to 6 lots, 25,000 bids, 5,000
contracts, 20,000 purchase orders, 150,000 invoices, 50 users, 1,450 vendors and 61 programmes over the ten
years before ``--today``; bulk inserts that respect every constraint, seeded), runs ``ANALYZE``, and
measures each line in process: pages through ``django.test.Client`` signed in as the role that uses them
(buyer claire.morel, finance marc.delorme, evaluator sophie.lambert, the changelist as the superuser
helene.vasseur), commands through ``call_command`` (output discarded, ``export_decp`` to a temporary file),
queries with ``CaptureQueriesContext``. Each line: one warm-up, then ``--runs`` runs, each after one run of
the peer so that both see the same load on a shared machine; the median of each, their ratio, the queries
of one run, and the verdict against the line's budget:

- pages and API lists: at most 2.5 × the changelist, and the same number of queries as at the demo size;
- finance dashboard, its exports and ``commitments --year-from 2025 --year-to 2034``: at most 8 ×;
- ``export_decp`` (and the DECP/OCDS API documents): at most 40 ×, queries independent of the contracts;
- the cron commands (``close_due_tenders``, ``renew_due_contracts``, ``send_reminders``; ``backup`` with
  ``--backup``, once, for it takes minutes): timed only.

``--gunicorn`` also serves the same database with gunicorn (gunicorn.conf.py, 2 workers, loopback port) and
prints each page's median latency there and its ratio to the changelist's. ``--reuse`` measures again a
database this bench grew (migrated first, queries compared with its last demo measurement), without growing
it again. ``--only`` measures some lines (names as printed, comma-separated). ``--json FILE`` writes the
figures for machines. Bounded: the run stops after BENCH_TIMEOUT seconds (default 3600). Exit status 1 when
a line is over budget or fails at the largest fraction.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import io
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# One database per checkout, so that benches run from two worktrees never reset each other's.
_CHECKOUT = "".join(c if c.isalnum() else "_" for c in ROOT.name.removeprefix("wt-").lower())
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/procurement_scale" + ("" if _CHECKOUT == "main" else f"_{_CHECKOUT}")
STATE_TABLE = "scale_bench_state"
PAGE, FINANCE, DECP, CRON = "page", "finance", "decp", "cron"
BUDGETS = {PAGE: 2.5, FINANCE: 8.0, DECP: 40.0, CRON: None}  # the cron commands are timed, without a budget
PEER = "admin : liste des consultations"
OUTPUTS = {"export_decp": "decp.json", "backup": "backup.zip"}  # commands that write a file, into a temporary folder


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Mesure les pages et commandes lourdes sur une base agrandie.")
    parser.add_argument("--fractions", default="0,0.1,1",
                        help="fractions de la Métropole mesurées tour à tour, 0 étant la démo (défaut 0,0.1,1)")
    parser.add_argument("--runs", type=int, default=5, help="mesures par ligne après un tour de chauffe (défaut 5)")
    parser.add_argument("--line-seconds", type=float, default=40.0,
                        help="une ligne lente s'arrête après ce temps, avec au moins 3 mesures (défaut 40 s)")
    parser.add_argument("--seed", type=int, default=23, help="graine des données (défaut 23)")
    parser.add_argument("--today", type=date.fromisoformat, default=None,
                        help="dernier jour des dix ans (AAAA-MM-JJ ; aujourd'hui par défaut)")
    parser.add_argument("--database-url", default=None,
                        help=f"base PostgreSQL (défaut : DATABASE_URL, sinon {DEFAULT_URL})")
    parser.add_argument("--reuse", action="store_true", help="reprendre la base déjà agrandie par ce banc")
    parser.add_argument("--force", action="store_true",
                        help="remplacer une base non vide que ce banc n'a pas créée")
    parser.add_argument("--gunicorn", action="store_true", help="mesurer aussi les pages sous gunicorn (2 processus)")
    parser.add_argument("--backup", action="store_true",
                        help="mesurer aussi « backup » (une fois : il dure des minutes à 100 %%)")
    parser.add_argument("--only", default="", help="ne mesurer que ces lignes (noms affichés, par virgules)")
    parser.add_argument("--json", default="", help="écrire aussi les chiffres en JSON dans ce fichier (- : la sortie)")
    args = parser.parse_args(argv)
    try:
        args.fractions = sorted({float(value) for value in args.fractions.split(",") if value.strip()})
    except ValueError:
        parser.error("--fractions : des nombres séparés par des virgules (0,0.1,1)")
    if not args.fractions or any(not 0 <= value <= 10 for value in args.fractions):
        parser.error("--fractions : entre 0 et 10")
    args.database_url = args.database_url or os.environ.get("DATABASE_URL") or DEFAULT_URL
    args.today = args.today or date.today()
    return args


# The database ----------------------------------------------------------------------------------

def _connect(url: str, name: str):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(urlunsplit(parts._replace(path=f"/{name}")), autocommit=True)


def demo_key(today: date) -> str:
    """What the demo database depends on: the day, the demo's loaders and fixtures, the migrations."""
    digest = hashlib.sha256(today.isoformat().encode())
    sources = [*ROOT.glob("fixtures/**/*"), *ROOT.glob("procurement/demo/**/*.py")]
    for path in sorted(p for p in sources if p.is_file() and p.name != "scale.py"):
        digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    for path in sorted(ROOT.glob("procurement/*/migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode())
    return digest.hexdigest()[:16]


def _marked(url: str, name: str) -> tuple[bool, int, str | None]:
    """Whether ``name`` holds this bench's mark, how many tables it has, and its demo key."""
    with _connect(url, name) as database:
        marked = database.execute("SELECT to_regclass(%s)", [STATE_TABLE]).fetchone()[0] is not None
        tables = database.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0]
        key = database.execute(f"SELECT value FROM {STATE_TABLE} WHERE key = 'demo_key'").fetchone() if marked \
            else None
    return marked, tables, key[0] if key else None


def prepare_database(url: str, *, today: date, reuse: bool, force: bool) -> str:
    """Makes the bench's database ready: « kept » (``reuse`` of one this bench grew), « cloned » (from the
    demo snapshot this bench keeps beside it, ``<name>_demo``, when its key still matches) or « fresh »
    (empty, to migrate and load the demo into)."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit(f"Arrêt : {url} n'est pas une base PostgreSQL.")
    name = parts.path.lstrip("/")
    if not name or name in ("test", "postgres", "template0", "template1") or name.startswith("test_"):
        sys.exit(f"Arrêt : la base « {name} » n'est pas une base de banc d'essai (celle du CI ou du serveur).")
    snapshot = f"{name}_demo"
    with _connect(url, "postgres") as server:
        existing = {row[0] for row in server.execute("SELECT datname FROM pg_database WHERE datname IN (%s, %s)",
                                                       [name, snapshot])}
    if name in existing:
        marked, tables, _ = _marked(url, name)
        if reuse and marked:
            return "kept"
        if tables and not marked and not force:
            sys.exit(f"Arrêt : la base « {name} » contient des tables et n'a pas été créée par ce banc ; "
                     "--force pour la remplacer.")
    usable = False
    if snapshot in existing:
        marked, _, key = _marked(url, snapshot)
        if not marked:
            sys.exit(f"Arrêt : la base « {snapshot} » existe et n'a pas été créée par ce banc.")
        usable = key == demo_key(today)
    with _connect(url, "postgres") as server:
        if name in existing:
            server.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        if usable:
            server.execute(f'CREATE DATABASE "{name}" TEMPLATE "{snapshot}"')
            return "cloned"
        if snapshot in existing:
            server.execute(f'DROP DATABASE "{snapshot}" WITH (FORCE)')
        server.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'')
    with _connect(url, name) as database:
        database.execute(f"CREATE TABLE {STATE_TABLE} (key text PRIMARY KEY, value text NOT NULL)")
    return "fresh"


def snapshot_demo(url: str) -> None:
    """Keeps the migrated demo as ``<name>_demo``, from which the next runs start in seconds."""
    from django.db import connection

    connection.close()
    name = urlsplit(url).path.lstrip("/")
    with _connect(url, "postgres") as server:
        server.execute(f'CREATE DATABASE "{name}_demo" TEMPLATE "{name}"')


def state(key: str, value: str | None = None) -> str | None:
    from django.db import connection

    with connection.cursor() as cursor:
        if value is not None:
            cursor.execute(f"INSERT INTO {STATE_TABLE} VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = %s",
                           [key, value, value])
            return value
        cursor.execute(f"SELECT value FROM {STATE_TABLE} WHERE key = %s", [key])
        row = cursor.fetchone()
        return row[0] if row else None


# The lines ----------------------------------------------------------------------------------------

@dataclass
class Line:
    name: str
    kind: str            # PAGE, FINANCE or DECP: the budget
    role: str            # buyer, finance, evaluator, admin
    url: str = ""        # a page or an API list
    command: tuple = ()  # or a management command and its arguments
    once: bool = False   # timed once, without warm-up (a command too long to repeat)


@dataclass
class Figure:
    median_ms: float
    queries: int
    runs: int
    peer_ms: float = 0.0  # the peer's median, measured between this line's runs
    ratio: float = 0.0
    gunicorn_ms: float | None = None
    gunicorn_ratio: float | None = None
    verdict: str = ""
    reasons: list[str] = field(default_factory=list)


def lines() -> list[Line]:
    """Every measured line; the pages of one grown tender and one grown contract once they exist (the same
    objects at every larger fraction: growing keeps what it made)."""
    from django.db.models import Count
    from django.urls import reverse

    from procurement.contracts.models import Contract
    from procurement.demo.loaders.scale import TENDER_PREFIX
    from procurement.programmes.models import Programme
    from procurement.tenders.enums import TenderState
    from procurement.tenders.models import Tender

    demo = Tender.objects.exclude(reference__startswith=TENDER_PREFIX).filter(
        state=TenderState.COMPLETED).order_by("reference").first() or Tender.objects.order_by("pk").first()
    programme = Programme.objects.order_by("pk").first()
    grown_tender = Tender.objects.filter(reference__startswith=TENDER_PREFIX, state=TenderState.COMPLETED).annotate(
        lot_count=Count("lots")).filter(lot_count=6).order_by("pk").first()
    grown_contract = Contract.objects.filter(reference__startswith=TENDER_PREFIX, is_framework=True).annotate(
        order_count=Count("orders")).filter(order_count__gte=10).order_by("pk").first()

    def page(name, url_name, role="buyer", kind=PAGE, args=(), query=""):
        return Line(name, kind, role, reverse(url_name, args=args) + query)

    def api(name, path, role="buyer", kind=PAGE):
        return Line(name, kind, role, path)

    return [
        Line(PEER, PAGE, "admin", reverse("admin:tenders_tender_changelist")),
        page("accueil", "home"),
        page("liste des consultations", "tenders:list"),
        page("consultation (démo)", "tenders:detail", args=[demo.reference]),
        *([page("consultation grandie (6 lots)", "tenders:detail", args=[grown_tender.reference])]
          if grown_tender else []),
        page("programme (tableau de bord)", "dashboards:programme-detail", args=[programme.reference]),
        page("programme (fiche)", "programmes:detail", args=[programme.reference]),
        page("tableau de bord finances", "dashboards:finance-overview", "finance", FINANCE),
        page("finances par ligne", "dashboards:finance-lines", "finance", FINANCE),
        page("finances par marché", "dashboards:finance-contracts", "finance", FINANCE),
        page("export finances .xlsx", "dashboards:finance-xlsx", "finance", FINANCE),
        page("export finances .pdf", "dashboards:finance-pdf", "finance", FINANCE),
        Line("commitments 2025-2034", FINANCE, "finance", command=("commitments", "--year-from", "2025",
                                                                     "--year-to", "2034")),
        Line("export_decp", DECP, "admin", command=("export_decp",)),
        Line("cron : close_due_tenders", CRON, "admin", command=("close_due_tenders",)),
        Line("cron : renew_due_contracts", CRON, "admin", command=("renew_due_contracts",)),
        Line("cron : send_reminders --days 15", CRON, "admin", command=("send_reminders", "--days", "15")),
        Line("cron : backup", CRON, "admin", command=("backup",), once=True),
        page("liste des factures", "contracts:invoices", "finance"),
        page("liste des marchés", "contracts:list"),
        *([page("marché grandi (accord-cadre)", "contracts:detail", args=[grown_contract.reference])]
          if grown_contract else []),
        page("liste des fournisseurs", "vendors:list"),
        page("attestations à échéance", "vendors:expiring"),
        page("liste des programmes", "programmes:list"),
        page("délibérations", "programmes:council-acts"),
        page("indices de prix", "contracts:indices"),
        page("CAO (réunions)", "tenders:cao-meetings", args=[programme.authority_id]),
        page("mes évaluations", "tenders:my-evaluations", "evaluator"),
        page("ressources en ligne", "resources:list"),
        page("données de référence", "core:reference-values"),
        api("/api/tenders/", "/api/tenders/"),
        api("/api/lots/", "/api/lots/"),
        api("/api/criteria/", "/api/criteria/"),
        api("/api/bids/", "/api/bids/"),
        api("/api/vendors/", "/api/vendors/"),
        api("/api/contracts/", "/api/contracts/"),
        api("/api/orders/", "/api/orders/"),
        api("/api/invoices/", "/api/invoices/", "finance"),
        api("/api/agenda/", "/api/agenda/"),
        api("/api/commitments/", "/api/commitments/?year_from=2025&year_to=2034", "finance", FINANCE),
        api("/api/decp/", "/api/decp/", "buyer", DECP),
        api("/api/ocds/", "/api/ocds/", "buyer", DECP),
    ]


class Bench:
    def __init__(self, args):
        from django.contrib.auth import get_user_model
        from django.test import Client

        from procurement.demo.loaders.users import DEMO_ADMIN, DEMO_BUYER, DEMO_FINANCE

        self.args = args
        users = {"buyer": DEMO_BUYER, "finance": DEMO_FINANCE, "evaluator": "sophie.lambert", "admin": DEMO_ADMIN}
        self.users = {role: get_user_model().objects.get(username=name) for role, name in users.items()}
        self.clients = {}
        for role, user in self.users.items():
            client = Client()
            client.force_login(user)
            self.clients[role] = client
        self.workdir = Path(tempfile.mkdtemp(prefix="scale-bench-"))

    def run_once(self, line: Line) -> tuple[float, int]:
        from django.core.management import call_command
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        connection.queries_log.clear()  # a bounded deque: full, it would count nothing
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            if line.command:
                arguments = list(line.command)
                output = OUTPUTS.get(line.command[0])
                if output:
                    arguments += ["--output", str(self.workdir / output)]
                call_command(*arguments, stdout=io.StringIO(), stderr=io.StringIO())
            else:
                response = self.clients[line.role].get(line.url)
                if response.status_code != 200:
                    raise RuntimeError(f"{line.name} : {line.url} répond {response.status_code}")
                if getattr(response, "streaming", False):
                    b"".join(response.streaming_content)
            elapsed = time.perf_counter() - began
        return elapsed, len(queries)

    def measure(self, line: Line, peer: Line) -> Figure:
        """The line's median over the runs, each run after one of the peer's, so that both see the same load
        on a shared machine; the ratio is to the peer's median over those runs."""
        try:
            if line.once:
                elapsed, queries = self.run_once(line)
                return Figure(median_ms=elapsed * 1000, queries=queries, runs=1, peer_ms=self.run_once(peer)[0] * 1000)
            self.run_once(line)  # warm-up: imports, templates, caches
        except Exception as error:  # a failing line is a finding, reported with the others
            return Figure(median_ms=0.0, queries=0, runs=0, verdict="ERREUR", reasons=[str(error)[:200]])
        times, peer_times, queries, began = [], [], 0, time.perf_counter()
        while len(times) < self.args.runs:
            if line is not peer:
                peer_times.append(self.run_once(peer)[0])
            elapsed, queries = self.run_once(line)
            times.append(elapsed)
            if time.perf_counter() - began > self.args.line_seconds and len(times) >= 3:
                break
        return Figure(median_ms=statistics.median(times) * 1000, queries=queries, runs=len(times),
                      peer_ms=statistics.median(peer_times or times) * 1000)


# gunicorn ---------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(port: int, path: str, cookie: str = "") -> float:
    connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    began = time.perf_counter()
    connection_.request("GET", path, headers={"Host": "127.0.0.1", **({"Cookie": cookie} if cookie else {})})
    response = connection_.getresponse()
    response.read()
    elapsed = time.perf_counter() - began
    connection_.close()
    if response.status != 200:
        raise RuntimeError(f"gunicorn : {path} répond {response.status}")
    return elapsed


def session_cookie(user) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY], session[BACKEND_SESSION_KEY] = str(user.pk), settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def resident_mb(pid: int) -> float:
    """A process's resident memory, from /proc (Linux)."""
    for row in Path(f"/proc/{pid}/status").read_text().splitlines():
        if row.startswith("VmRSS:"):
            return int(row.split()[1]) / 1024
    return 0.0


def measure_gunicorn(bench: Bench, measured: list[Line], figures: dict[str, Figure], deadline: float
                     ) -> list[float]:
    """Each page's median latency under gunicorn and its ratio to the changelist's (timed between its runs);
    returns the workers' resident memory (MB) at the end."""
    from django.db import connection

    cookies = {role: session_cookie(user) for role, user in bench.users.items()}
    connection.close()  # the workers open their own
    port = free_port()
    env = {**os.environ, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "2", "GUNICORN_TIMEOUT": "300",
           "GUNICORN_ACCESSLOG": "/dev/null", "GUNICORN_LOGLEVEL": "warning", "ALLOWED_HOSTS": "127.0.0.1"}
    server = subprocess.Popen([str(Path(sys.executable).with_name("gunicorn")), "-c", "gunicorn.conf.py",
                               "procurement.wsgi"], cwd=ROOT, env=env)
    try:
        while True:
            try:
                fetch(port, "/sante/")
                break
            except (ConnectionError, OSError):
                if time.monotonic() > deadline or server.poll() is not None:
                    sys.exit("Arrêt : gunicorn n'a pas démarré.")
                time.sleep(0.3)
        peer = measured[0]
        for line in measured:
            if line.command or figures[line.name].verdict == "ERREUR":
                continue
            cookie = cookies[line.role]
            for _ in range(2):  # both workers warm
                fetch(port, line.url, cookie)
            times, peer_times, began = [], [], time.perf_counter()
            while len(times) < bench.args.runs:
                if line is not peer:
                    peer_times.append(fetch(port, peer.url, cookies[peer.role]))
                times.append(fetch(port, line.url, cookie))
                if time.perf_counter() - began > bench.args.line_seconds and len(times) >= 3:
                    break
            figure = figures[line.name]
            figure.gunicorn_ms = statistics.median(times) * 1000
            figure.gunicorn_ratio = figure.gunicorn_ms / (statistics.median(peer_times or times) * 1000)
        workers = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
        return [resident_mb(int(pid)) for pid in workers]
    finally:
        server.terminate()
        server.wait(timeout=30)


# Reporting ----------------------------------------------------------------------------------------

def judge(line: Line, figure: Figure, baseline_queries: int | None) -> None:
    """OK, or OVER with the reasons: the time against the peer beyond the budget; for pages, API lists and
    the DECP, another number of queries than at the demo (or where the line was first measured)."""
    if figure.verdict == "ERREUR":
        return
    figure.ratio = figure.median_ms / figure.peer_ms if figure.peer_ms else 0.0
    budget = BUDGETS[line.kind]
    if budget is None:
        figure.verdict = "mesuré"
        return
    if line.name != PEER and figure.ratio > budget:
        figure.reasons.append(f"{figure.ratio:.1f} × > {budget:g} ×")
    if baseline_queries is not None and line.kind in (PAGE, DECP) and figure.queries != baseline_queries:
        figure.reasons.append(f"{figure.queries} requêtes ≠ {baseline_queries}")
    figure.verdict = "OVER" if figure.reasons else "OK"


def budget_text(line: Line) -> str:
    budget = BUDGETS[line.kind]
    return "—" if budget is None else f"{budget:g}×"


def label(fraction: float) -> str:
    return "démo" if fraction == 0 else f"{fraction * 100:g} %"


def print_fraction(fraction: float, measured: list[Line], figures: dict[str, Figure], gunicorn: bool) -> None:
    peer = figures[PEER]
    print(f"\n== {label(fraction)} == pair : {PEER} {peer.median_ms:.1f} ms, {peer.queries} requêtes")
    header = f"{'ligne':34} {'budget':>7} {'médiane':>10} {'req.':>6} {'pair':>9} {'× pair':>7}"
    print(header + (f" {'gunicorn':>10} {'× pair':>6}" if gunicorn else "") + "  verdict")
    for line in measured:
        figure = figures[line.name]
        text = (f"{line.name:34} {budget_text(line):>7} {figure.median_ms:>8.1f}ms {figure.queries:>6} "
                f"{figure.peer_ms:>7.1f}ms {figure.ratio:>6.2f}×")
        if gunicorn:
            text += (f" {figure.gunicorn_ms:>8.1f}ms {figure.gunicorn_ratio:>5.1f}×" if figure.gunicorn_ms is not None
                     else f" {'':>17}")
        text += f"  {figure.verdict}" + (f" ({'; '.join(figure.reasons)})" if figure.reasons else "")
        print(text, flush=True)


def print_summary(results: dict[float, dict[str, Figure]], measured: list[Line]) -> None:
    fractions = sorted(results)
    print("\n| page / commande | budget | " + " | ".join(label(f) for f in fractions) + " | verdict |")
    print("|---|---|" + "---|" * len(fractions) + "---|")
    for line in measured:
        cells = []
        for fraction in fractions:
            figure = results[fraction].get(line.name)
            cells.append(f"{figure.median_ms:,.0f} ms, {figure.queries} q, {figure.ratio:.1f}×" if figure and
                         figure.runs else (figure.verdict if figure else "—"))
        last = results[fractions[-1]].get(line.name)
        verdict = "" if last is None else last.verdict + (f" ({'; '.join(last.reasons)})" if last.reasons else "")
        print(f"| {line.name} | {budget_text(line)} | " + " | ".join(cells) + f" | {verdict} |")


# Main -----------------------------------------------------------------------------------------------

def main(argv=None) -> int:
    args = parse_args(argv)
    timeout = int(os.environ.get("BENCH_TIMEOUT", "3600"))
    deadline = time.monotonic() + timeout
    signal.signal(signal.SIGALRM, lambda *_: sys.exit("Arrêt : BENCH_TIMEOUT dépassé."))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("Arrêt : interrompu."))  # gunicorn stopped on the way out
    signal.alarm(timeout)
    mode = prepare_database(args.database_url, today=args.today, reuse=args.reuse, force=args.force)
    media = tempfile.mkdtemp(prefix="scale-bench-media-")
    os.environ.update(DATABASE_URL=args.database_url, DJANGO_SETTINGS_MODULE="procurement.settings",
                      MEDIA_ROOT=media, DEBUG="0", EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-" + "x" * 40)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    from procurement.demo.loaders.scale import FULL_SIZE, grow

    began = time.perf_counter()
    call_command("migrate", verbosity=0)
    if mode == "fresh":
        call_command("load_demo", today=args.today, stdout=io.StringIO())
        state("today", args.today.isoformat())
        state("fraction", "0")
        state("demo_key", demo_key(args.today))
        snapshot_demo(args.database_url)
        print(f"Base {connection.settings_dict['NAME']} : migrée, démo chargée au {args.today:%d/%m/%Y} en "
              f"{time.perf_counter() - began:.0f} s (gardée pour les prochaines fois).", flush=True)
    elif mode == "cloned":
        print(f"Base {connection.settings_dict['NAME']} : démo au {args.today:%d/%m/%Y} recopiée en "
              f"{time.perf_counter() - began:.0f} s.", flush=True)
    if mode != "kept":
        state("seed", str(args.seed))
    else:
        args.seed, args.today = int(state("seed")), date.fromisoformat(state("today"))
        print(f"Base {connection.settings_dict['NAME']} reprise (fraction {state('fraction')}, graine {args.seed}, "
              f"au {args.today:%d/%m/%Y}) ; migrée en {time.perf_counter() - began:.0f} s.", flush=True)
    setup_test_environment()
    wanted = {name.strip() for name in args.only.split(",") if name.strip()}
    bench = Bench(args)
    measured_lines: dict[str, Line] = {}
    results: dict[float, dict[str, Figure]] = {}
    growth_log, workers_log, sizes = {}, {}, {}
    print(f"Taille à 100 % : {', '.join(f'{count:,} {name}' for name, count in FULL_SIZE.items())}.")
    for fraction in args.fractions:
        current = float(state("fraction") or 0)
        if fraction < current:
            print(f"{label(fraction)} : la base est déjà à {label(current)}, mesure sautée.")
            continue
        if fraction > current:
            growth = grow(fraction=fraction, today=args.today, seed=args.seed)
            state("fraction", repr(fraction))
            analysed = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            growth_log[label(fraction)] = {"seconds": round(growth.seconds, 1), "added": growth.added}
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_database_size(current_database())")
                sizes[label(fraction)] = round(cursor.fetchone()[0] / 2**20)
            print(f"\nCroissance jusqu'à {label(fraction)} en {growth.seconds:.0f} s (ANALYZE "
                  f"{time.perf_counter() - analysed:.0f} s ; base de {sizes[label(fraction)]} Mo) : "
                  + ", ".join(f"{rows:,} {name}" for name, rows in growth.added.items()), flush=True)
        measured = [line for line in lines() if line.name == PEER or ((not wanted or line.name in wanted)
                    and (args.backup or line.command[:1] != ("backup",)))]
        measured_lines.update((line.name, line) for line in measured)
        figures = {line.name: bench.measure(line, measured[0]) for line in measured}
        if args.gunicorn:
            memory = measure_gunicorn(bench, measured, figures, deadline)
            workers_log[label(fraction)] = [round(mb) for mb in memory]
            print(f"gunicorn : mémoire résidente des processus après les mesures : "
                  f"{', '.join(f'{mb:.0f} Mo' for mb in memory)}.")
        results[fraction] = figures
        if fraction == 0:
            state("demo_queries", json.dumps({name: figure.queries for name, figure in figures.items()
                                              if figure.runs}))
        baseline = json.loads(state("demo_queries") or "{}")
        for line in measured:
            first = next((results[f][line.name] for f in sorted(results) if line.name in results[f]
                          and results[f][line.name].runs), None)
            reference = baseline.get(line.name, first.queries if first is not None else None)
            judge(line, figures[line.name], None if fraction == 0 or reference is None else reference)
        print_fraction(fraction, measured, figures, args.gunicorn)
    if not results:
        return 0
    measured = [*measured, *(line for name, line in measured_lines.items() if name not in {m.name for m in measured})]
    print_summary(results, measured)
    if args.json:
        document = {"database": connection.settings_dict["NAME"], "seed": args.seed, "today": args.today.isoformat(),
                    "runs": args.runs, "budgets": BUDGETS, "peer": PEER, "growth": growth_log,
                    "database_mb": sizes, "gunicorn_workers_mb": workers_log,
                    "lines": [{"name": line.name, "kind": line.kind, "role": line.role,
                               "url": line.url, "command": list(line.command),
                               "figures": {label(f): asdict(results[f][line.name]) for f in sorted(results)
                                           if line.name in results[f]}}
                              for line in measured]}
        text = json.dumps(document, ensure_ascii=False, indent=2)
        if args.json == "-":
            print(text)
        else:
            Path(args.json).write_text(text, encoding="utf-8")
    shutil.rmtree(media, ignore_errors=True)
    shutil.rmtree(bench.workdir, ignore_errors=True)
    last = results[max(results)]
    return 1 if any(figure.verdict in ("OVER", "ERREUR") for figure in last.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
