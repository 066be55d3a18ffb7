"""The scale bench's verdicts (``bench/scale_lines.py``): budgets against the peer, and the queries of a
line compared with the first grown fraction, the demo leaving some lists empty."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from scale_lines import DECP, FINANCE, PAGE, Figure, Line, judge


def figure(median_ms: float, queries: int, peer_ms: float = 100.0) -> Figure:
    return Figure(median_ms=median_ms, queries=queries, runs=5, peer_ms=peer_ms)


HOME = Line("accueil", PAGE, "buyer", url="/")


def test_constant_queries_from_the_first_grown_fraction_pass_with_a_note():
    home = figure(192.4, 14, peer_ms=110.7)
    judge(HOME, home, demo_queries=8, grown=("10 %", 14))
    assert home.verdict == "OK" and home.reasons == []
    assert home.notes == ["14 requêtes dès 10 %, 8 à la démo aux listes vides"]
    assert home.ratio == pytest.approx(1.738, abs=0.001)


def test_queries_growing_beyond_the_first_grown_fraction_are_over():
    home = figure(150, 15)
    judge(HOME, home, demo_queries=8, grown=("10 %", 14))
    assert home.verdict == "OVER" and home.reasons == ["15 requêtes ≠ 14 à 10 %"]


def test_without_a_grown_fraction_the_demo_is_the_reference():
    home = figure(150, 14)
    judge(HOME, home, demo_queries=8)
    assert home.verdict == "OVER" and home.reasons == ["14 requêtes ≠ 8"]


def test_time_beyond_the_budget_is_over_whatever_the_queries():
    ocds = figure(4200, 10, peer_ms=100)
    judge(Line("/api/ocds/", DECP, "buyer"), ocds, demo_queries=10, grown=("10 %", 10))
    assert ocds.verdict == "OVER" and ocds.reasons == ["42.0 × > 40 ×"]
    xlsx = figure(790, 10, peer_ms=100)
    judge(Line("export", FINANCE, "finance"), xlsx, demo_queries=10, grown=("10 %", 12))
    assert xlsx.verdict == "OK"  # finance lines: timed against their budget, their queries not compared
