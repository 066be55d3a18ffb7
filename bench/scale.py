"""Benchmark: a large Métropole's ten years, every heavy page and command measured at the demo size and
grown to fractions of it, beside the admin's tender changelist (the peer a user would compare with).

Run: ``.venv/bin/python bench/scale.py [--fractions 0,0.1,1] [--runs 5] [--gunicorn] [--json FILE]``.

It creates (or resets) its own PostgreSQL database: ``procurement_scale`` on the local server for the main
checkout, ``procurement_scale_<name>`` for a worktree ``wt-<name>`` (so that two checkouts never reset each
other's); ``--database-url`` or ``DATABASE_URL`` choose another. A database it did not create is refused
unless it is empty or ``--force`` is given, and ``test`` (the CI's) always. It migrates it and loads the demo
(``load_demo --today``), kept as ``<name>_demo`` for the next runs to start from in a second (rebuilt when the
day, the demo's loaders or fixtures, or the migrations change). Then for each fraction it grows the database
(``procurement/demo/loaders/scale/``: at 100 %, 3,000 tenders of 2 to 6 lots, 25,000 bids, 5,000
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

Beside it: ``scale_database`` (the database and the bench's state), ``scale_lines`` (the lines, their budgets
and verdicts), ``scale_measure`` (in process and under gunicorn) and ``scale_report`` (tables and JSON).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from datetime import date

from scale_database import DEFAULT_URL, ROOT, demo_key, prepare_database, snapshot_demo, state
from scale_lines import PEER, Figure, Line, judge, lines
from scale_measure import Bench, measure_gunicorn
from scale_report import label, print_fraction, print_summary, write_json

sys.path.insert(0, str(ROOT))


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
        # The first grown fraction (kept in the database for --reuse) is the queries' reference beyond it.
        grown = json.loads(state("grown_queries") or "{}")
        for line in measured:
            first = next((results[f][line.name] for f in sorted(results) if line.name in results[f]
                          and results[f][line.name].runs), None)
            demo = baseline.get(line.name, first.queries if first is not None else None)
            reference = (grown["label"], grown["queries"][line.name]) if (
                grown and grown["fraction"] < fraction and line.name in grown["queries"]) else None
            judge(line, figures[line.name], demo_queries=None if fraction == 0 else demo, grown=reference)
        if fraction > 0 and (not grown or fraction <= grown["fraction"]):
            state("grown_queries", json.dumps({"fraction": fraction, "label": label(fraction), "queries": {
                name: figure.queries for name, figure in figures.items() if figure.runs}}))
        print_fraction(fraction, measured, figures, args.gunicorn)
    if not results:
        return 0
    measured = [*measured, *(line for name, line in measured_lines.items() if name not in {m.name for m in measured})]
    print_summary(results, measured)
    if args.json:
        write_json(args.json, database=connection.settings_dict["NAME"], args=args, growth=growth_log, sizes=sizes,
                   workers=workers_log, measured=measured, results=results)
    shutil.rmtree(media, ignore_errors=True)
    shutil.rmtree(bench.workdir, ignore_errors=True)
    last = results[max(results)]
    return 1 if any(figure.verdict in ("OVER", "ERREUR") for figure in last.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
