"""Benchmark: reading COUNTER reports through ``read_report`` (celus-nibbler plus the header check
and the row/column error mapping) against celus-nibbler alone on the same files (the floor).

Run: ``.venv/bin/python bench/counter_bench.py [rounds]``. It reads one demo report of each
platform (TR_B1 R5.1 TSV, DR_D1 R5 JSON, PR_P1 R5.1 JSON, PR_P1 R5 CSV) ``rounds`` times (default 5)
and prints the median time per file of each way, their ratio, and the estimated time to read the
466 demo reports. No database is used.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "procurement.settings")

import django  # noqa: E402

django.setup()

from celus_nibbler import eat  # noqa: E402

from procurement.resources.counter.codes import FAMILIES, RELEASES  # noqa: E402
from procurement.resources.counter.reader import _peek, read_report  # noqa: E402

FILES = [ROOT / "fixtures/bnm/counter/2025" / name for name in (
    "numilib_tr_b1_bml.tsv", "kiosque-media_dr_d1_bml.json", "cinebib_pr_p1_bml.json", "apprendreplus_pr_p1_bml.csv")]


def nibbler_alone(path: Path) -> int:
    report_id, release, is_json = _peek(path)
    parser = f"static.{RELEASES[release]}.{FAMILIES[report_id]}.{'Json' if is_json else 'Tabular'}"
    poop = eat(path, "COUNTER", parsers=[parser], check_platform=False, use_heuristics=False)[0]
    return sum(record.value for record in poop.records())


def timed(function, path: Path) -> float:
    start = time.perf_counter()
    function(path)
    return time.perf_counter() - start


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    ours, floor = [], []
    for _ in range(rounds):
        for path in FILES:
            ours.append(timed(read_report, path))
            floor.append(timed(nibbler_alone, path))
    ours_median, floor_median = statistics.median(ours), statistics.median(floor)
    print(f"read_report: {ours_median * 1000:.1f} ms par fichier (médiane sur {len(ours)} lectures)")
    print(f"celus-nibbler seul: {floor_median * 1000:.1f} ms par fichier")
    print(f"ratio: {ours_median / floor_median:.2f}")
    print(f"466 rapports de démonstration: environ {466 * ours_median:.1f} s de lecture")


if __name__ == "__main__":
    main()
