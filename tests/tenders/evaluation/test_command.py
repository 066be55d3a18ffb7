"""``evaluation_report``: the ranking as JSON for machines, refused while the round is blind."""

import json

import pytest

from procurement.tenders.management.commands.evaluation_report import Command
from tests.tenders.evaluation.factories import worked_example

pytestmark = pytest.mark.django_db


def run_cli(capsys, *args):
    status = 0
    try:
        Command().run_from_argv(["manage.py", "evaluation_report", *args])
    except SystemExit as exit_:
        status = exit_.code
    out, err = capsys.readouterr()
    return status, out, err


def test_the_report_follows_its_contract(capsys):
    example = worked_example()
    status, out, _ = run_cli(capsys, "--tender", example.tender.reference, "--lot", "1", "--format", "json")
    data = json.loads(out)
    assert status == 0
    assert list(data) == ["ranking", "criteria", "dispersion_flags", "abnormally_low", "sensitivity"]
    assert data["ranking"] == [
        {"bidder": "Lectura Numérique", "siret": example.a.vendor.siret, "total": "87.50", "rank": 1},
        {"bidder": "Kiosque Horizon", "siret": example.b.vendor.siret, "total": "85.71", "rank": 2},
    ]
    price = data["criteria"][0]
    assert (price["name"], price["formula"], price["scores"][1]) == (
        "Prix", "N = Nmax × Pmin / P", {"bidder": "Kiosque Horizon", "score": "35.71"})
    assert data["dispersion_flags"] == [] and data["abnormally_low"] == []
    assert data["sensitivity"]["winner"] == "Lectura Numérique"


def test_a_blind_round_exits_2_with_one_french_line(capsys):
    example = worked_example(submitted=2)
    status, out, err = run_cli(capsys, "--tender", example.tender.reference, "--lot", "1", "--format", "json")
    assert (status, out) == (2, "")
    assert "encore à l'aveugle" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(("args", "message"), [
    (["--tender", "INCONNUE-1", "--lot", "1"], "consultation « INCONNUE-1 » inconnue"),
    (["--lot", "1"], "argument(s) obligatoire(s) manquant(s) : --tender"),
])
def test_an_unknown_tender_exits_2(capsys, args, message):
    status, out, err = run_cli(capsys, *args, "--format", "json")
    assert (status, out) == (2, "")
    assert message in err and len(err.strip().splitlines()) == 1


def test_an_unknown_lot_exits_2(capsys):
    example = worked_example()
    status, _out, err = run_cli(capsys, "--tender", example.tender.reference, "--lot", "7", "--format", "json")
    assert status == 2 and f"la consultation {example.tender.reference} n'a pas de lot 7" in err


def test_output_writes_the_award_report_as_pdf(capsys, tmp_path):
    example = worked_example()
    target = tmp_path / "rapport.pdf"
    status, out, _ = run_cli(capsys, "--tender", example.tender.reference, "--lot", "1", "--output", str(target))
    assert status == 0 and "Rapport PDF écrit" in out
    assert target.read_bytes().startswith(b"%PDF")
