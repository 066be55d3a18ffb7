"""The scale bench's report: each fraction's table, the summary over the fractions, the figures as JSON."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from scale_lines import BUDGETS, PEER, Figure, Line


def budget_text(line: Line) -> str:
    budget = BUDGETS[line.kind]
    return "—" if budget is None else f"{budget:g}×"


def label(fraction: float) -> str:
    return "démo" if fraction == 0 else f"{fraction * 100:g} %"


def verdict_text(figure: Figure) -> str:
    said = [*figure.reasons, *figure.notes]
    return figure.verdict + (f" ({'; '.join(said)})" if said else "")


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
        text += f"  {verdict_text(figure)}"
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
        verdict = "" if last is None else verdict_text(last)
        print(f"| {line.name} | {budget_text(line)} | " + " | ".join(cells) + f" | {verdict} |")


def write_json(target: str, *, database: str, args, growth: dict, sizes: dict, workers: dict, measured: list[Line],
               results: dict[float, dict[str, Figure]]) -> None:
    """The figures for machines, into the file ``target`` (``-``: the standard output)."""
    document = {"database": database, "seed": args.seed, "today": args.today.isoformat(),
                "runs": args.runs, "budgets": BUDGETS, "peer": PEER, "growth": growth,
                "database_mb": sizes, "gunicorn_workers_mb": workers,
                "lines": [{"name": line.name, "kind": line.kind, "role": line.role,
                           "url": line.url, "command": list(line.command),
                           "figures": {label(f): asdict(results[f][line.name]) for f in sorted(results)
                                       if line.name in results[f]}}
                          for line in measured]}
    text = json.dumps(document, ensure_ascii=False, indent=2)
    if target == "-":
        print(text)
    else:
        Path(target).write_text(text, encoding="utf-8")
