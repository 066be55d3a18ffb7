"""Benchmark: the commitments schedule of 5,000 contracts over 10 years against the floor, a plain
pandas groupby over the same rows.

Run: ``.venv/bin/python bench/commitments_bench.py [rounds]``. It builds 5,000 contracts' terms as
plain values (40 % frameworks renewable three times with two orders a year, 30 % yearly
subscriptions renewable three times with price revisions, 30 % lump sums with a yearly maintenance;
starts spread over 2024-2027, 20 budget lines), turns them into obligation rows
(``obligation_rows``, pure Python) and a DataFrame (``rows_frame``), then times:

- schedule: ``schedule(frame, 2025..2034)`` then ``by_budget_line`` (what the pages and the command
  compute once the rows are built): spreading by days, VAT in integer cents, the framework forecast;
- floor: ``frame.groupby(["contract", "budget_line", "year"])["amount"].sum()`` over the same rows.

It prints the median of each over the rounds and the ratio schedule / floor (target ≤ 2), plus the
time to build the rows, reported apart (Python over the database objects, once per page).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "procurement.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")

import django  # noqa: E402

django.setup()

from procurement.contracts.rules import commitments as engine  # noqa: E402
from procurement.contracts.rules import commitments_years as yearly  # noqa: E402

CONTRACTS, YEAR_FROM, YEAR_TO = 5000, 2025, 2034


def contracts(seed: int = 8) -> list[engine.ContractTerms]:
    rng = random.Random(seed)
    result = []
    for key in range(CONTRACTS):
        start = date(2024, 1, 1) + timedelta(days=rng.randrange(4 * 365))
        line, kind = rng.randrange(20), key % 10
        revisions = tuple((date(start.year + n, start.month, 1), Decimal("1") + Decimal(n) / 50) for n in (1, 2))
        if kind < 4:
            orders = tuple((start + timedelta(days=180 * n + rng.randrange(30)),
                            Decimal(rng.randrange(5_000, 40_000)), Decimal("5.5")) for n in range(8))
            result.append(engine.ContractTerms(
                key=key, budget_line=line, vat_rate=Decimal("5.5"), start_date=start, duration_months=12,
                is_framework=True, max_renewals=3, renewal_count=rng.randrange(3),
                refused_renewal=3 if kind == 3 else None, yearly_maximum_ht=Decimal("120000.00"), orders=orders))
        elif kind < 7:
            result.append(engine.ContractTerms(
                key=key, budget_line=line, vat_rate=Decimal("20"), start_date=start, duration_months=12,
                amount_ht=Decimal(rng.randrange(10_000, 90_000)), max_renewals=3, renewal_count=rng.randrange(4),
                revisions=revisions))
        else:
            result.append(engine.ContractTerms(
                key=key, budget_line=line, vat_rate=Decimal("20"), start_date=start, duration_months=48,
                amount_ht=Decimal(rng.randrange(50_000, 400_000)), accepted_on=start + timedelta(days=300),
                maintenance_yearly_ht=Decimal("12500.00"), maintenance_start=start + timedelta(days=365),
                maintenance_budget_line=20 + line % 5, revisions=revisions))
    return result


def timed(function, rounds: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(rounds):
        begin = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - begin)
    return statistics.median(times), result


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    terms = contracts()
    build, rows = timed(lambda: [row for item in terms for row in engine.obligation_rows(item)], 3)
    framing, frame = timed(lambda: engine.rows_frame(rows), 3)
    floor_frame = frame.assign(year=yearly.year_of(frame["start"].to_numpy()))

    def schedule():
        table = yearly.schedule(frame, year_from=YEAR_FROM, year_to=YEAR_TO)
        return yearly.by_budget_line(table)

    def floor():
        return floor_frame.groupby(["contract", "budget_line", "year"])["amount"].sum()

    schedule(), floor()  # warm-up
    schedule_time, lines = timed(schedule, rounds)
    floor_time, _ = timed(floor, rounds)
    print(f"{CONTRACTS} contrats, {YEAR_FROM}-{YEAR_TO}, {len(frame)} lignes d'obligations, "
          f"{len(lines)} cellules ligne budgétaire × année ; médiane sur {rounds} tours")
    print(f"construction des lignes (Python)  : {build * 1000:8.1f} ms")
    print(f"DataFrame des lignes              : {framing * 1000:8.1f} ms")
    print(f"échéancier (schedule + par ligne) : {schedule_time * 1000:8.1f} ms")
    print(f"plancher (groupby pandas simple)  : {floor_time * 1000:8.1f} ms")
    print(f"ratio échéancier / plancher       : {schedule_time / floor_time:8.2f} (cible ≤ 2)")
    print(f"ratio de bout en bout / plancher  : {(build + framing + schedule_time) / floor_time:8.2f} "
          "(lignes construites comprises, pour information)")


if __name__ == "__main__":
    main()
