import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from procurement.resources.models import UsageReport

SAMPLES = Path(__file__).parent / "samples"
pytestmark = pytest.mark.django_db


def test_import_counter_prints_the_contract_json(buyer):
    out = StringIO()
    call_command("import_counter", "--user", buyer.username, str(SAMPLES / "tr_b1_r51.json"), "--format", "json",
                 stdout=out)
    assert json.loads(out.getvalue()) == {
        "report_id": "TR_B1", "release": "5.1", "platform": "Numilib",
        "institution": "ISIL:FR-692649901; Proprietary:numilib:VALBRUNE", "period": ["2025-01-01", "2025-03-31"],
        "rows": 4,
    }


def test_import_counter_twice_keeps_one_report(buyer):
    for name in ("pr_p1_r5.csv", "pr_p1_r51.xlsx"):  # same platform, institution and period
        call_command("import_counter", "--user", buyer.username, str(SAMPLES / name), stdout=StringIO())
    assert UsageReport.objects.count() == 1
    assert UsageReport.objects.get().release == "5.1"


def test_import_counter_refuses_a_malformed_file_naming_row_and_column(tmp_path, buyer):
    path = tmp_path / "bad.tsv"
    path.write_text((SAMPLES / "dr_d1_r51.tsv").read_text(encoding="utf-8").replace("\t40\t35\t50", "\t40\tx\t50"),
                    encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("import_counter", "--user", buyer.username, str(path), "--format", "json", stdout=StringIO())
    assert caught.value.returncode == 2
    assert str(caught.value) == "ligne 16, colonne I : valeur « x » refusée (un nombre entier positif ou une " \
                                "valeur COUNTER attendue)"
    assert UsageReport.objects.count() == 0


@pytest.mark.parametrize("args", [["/nonexistent/report.tsv"], [str(SAMPLES / "make_samples.py")], []])
def test_the_commands_exit_2_with_one_french_line(args):
    process = subprocess.run([sys.executable, "manage.py", "import_counter", *args, "--format", "json"],
                             capture_output=True, text=True, cwd=settings.BASE_DIR, timeout=120)
    assert process.returncode == 2
    assert process.stderr.startswith("Erreur : ")
    assert len(process.stderr.strip().splitlines()) == 1
    assert process.stdout == ""


def test_cost_per_use_refuses_a_year_that_is_not_one():
    process = subprocess.run([sys.executable, "manage.py", "cost_per_use", "--year", "abc", "--format", "json"],
                             capture_output=True, text=True, cwd=settings.BASE_DIR, timeout=120)
    assert process.returncode == 2
    assert process.stderr.strip() == "Erreur : --year : « abc » n'est pas une année"
