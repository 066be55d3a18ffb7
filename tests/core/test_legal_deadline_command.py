import json

import pytest
from django.core.management import call_command

from procurement.core.management.commands.legal_deadline import Command


def run_cli(capsys, *args):
    """Runs the command as manage.py would, returning (exit status, stdout, stderr)."""
    status = 0
    try:
        Command().run_from_argv(["manage.py", "legal_deadline", *args])
    except SystemExit as exit_:
        status = exit_.code
    out, err = capsys.readouterr()
    return status, out, err


def test_json_output_follows_the_contract(capsys):
    status, out, _ = run_cli(capsys, "--start", "2026-12-01", "--days", "35", "--format", "json")
    assert status == 0
    assert json.loads(out) == {
        "start": "2026-12-01",
        "days": 35,
        "end": "2027-01-05",
        "extended_from": None,
        "reason": json.loads(out)["reason"],
    }


def test_json_output_names_the_unmoved_date_when_extended(capsys):
    status, out, _ = run_cli(capsys, "--start", "2026-11-25", "--days", "30", "--format", "json")
    data = json.loads(out)
    assert (status, data["end"], data["extended_from"]) == (0, "2026-12-28", "2026-12-25")
    assert "Noël" in data["reason"]


def test_text_output_is_a_french_sentence():
    from io import StringIO

    out = StringIO()
    call_command("legal_deadline", "--start=2026-11-18", "--days=10", stdout=out)
    assert "lundi 30 novembre 2026" in out.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--start", "2026-13-01", "--days", "5"], "--start : « 2026-13-01 » n'est pas une date valide"),
        (["--start", "2026-12-01", "--days", "-3"], "--days : « -3 » est négatif"),
        (["--start", "2026-12-01", "--days", "cinq"], "--days : « cinq » n'est pas un nombre entier"),
        (["--start", "2026-12-01"], "obligatoire(s) manquant(s) : --days"),
        (["--start", "2026-12-01", "--days", "5", "--format", "xml"], "--format : valeur 'xml' inconnue"),
    ],
)
def test_bad_arguments_exit_2_with_one_french_line(capsys, args, message):
    status, out, err = run_cli(capsys, *args)
    assert status == 2
    assert out == ""
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
