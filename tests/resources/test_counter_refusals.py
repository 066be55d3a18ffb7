"""A COUNTER file that would replace an earlier import is checked whole before anything is deleted:
an empty report, a repeated row, a fractional or absurd count, a total that disagrees with its
months or an unknown metric is refused, naming its row and column, through the page and the
command, and the earlier import stays as it was."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from procurement.resources.models import UsageCount, UsageReport
from procurement.resources.services import usage_report_import

SAMPLES = Path(__file__).parent / "samples"
TSV = (SAMPLES / "tr_b1_r5.tsv").read_text(encoding="utf-8")
ROW_16 = "Unique_Title_Requests\t12\t4\t5\t3"  # the second usage row of the sample (line 16)
COLUMNS = TSV.split("\n\n")[1].splitlines()[0]

# name, the hostile file (same platform, institution and period as the sample), the expected error
TABULAR = [
    ("empty", TSV.split("\n\n")[0] + "\n\n" + COLUMNS + "\n",
     "ligne 15, colonne A : le rapport ne contient aucune ligne d'usage"),
    ("repeated row", TSV + TSV.splitlines()[-1] + "\n",
     "ligne 19, colonne A : ligne en double : même élément et même Metric_Type que la ligne 18"),
    ("fractional count", TSV.replace(ROW_16, "Unique_Title_Requests\t12\t4\t5.5\t3"),
     "ligne 16, colonne O : nombre décimal « 5.5 » refusé (un nombre entier d'usages attendu)"),
    ("total against months", TSV.replace(ROW_16, "Unique_Title_Requests\t99\t4\t5\t3"),
     "ligne 16, colonne M : Reporting_Period_Total « 99 » ne correspond pas à la somme des mois (12)"),
    ("unknown metric", TSV.replace(ROW_16, "Unique_Title_Clicks\t12\t4\t5\t3"),
     "ligne 16, colonne L : Metric_Type « Unique_Title_Clicks » inconnu pour un rapport TR"),
    ("absurd count", TSV.replace(ROW_16, "Unique_Title_Requests\t500000000007\t4\t500000000000\t3"),
     "ligne 16, colonne O : nombre aberrant « 500000000000 » refusé (au-delà de 100\u202f000\u202f000 usages"),
]


def _json(change) -> str:
    data = json.loads((SAMPLES / "tr_b1_r51.json").read_text(encoding="utf-8"))
    change(data)
    return json.dumps(data, ensure_ascii=False)


def _performance(data) -> dict:
    return data["Report_Items"][0]["Attribute_Performance"][0]["Performance"]


JSON = [
    ("no items", _json(lambda data: data.update(Report_Items=[])),
     "le rapport ne contient aucune ligne d'usage (Report_Items est vide)"),
    ("repeated item", _json(lambda data: data["Report_Items"].append(data["Report_Items"][0])),
     "Report_Items n° 3, Total_Item_Requests, 2025-01 : compté deux fois"),
    ("fractional count", _json(lambda data: _performance(data)["Total_Item_Requests"].update({"2025-02": 12.5})),
     "Report_Items n° 1, Total_Item_Requests, 2025-02 : nombre décimal « 12.5 » refusé"),
    ("unknown metric", _json(lambda data: _performance(data).update(Clics={"2025-01": 3})),
     "Report_Items n° 1, Clics, 2025-01 : Metric_Type « Clics » inconnu pour un rapport TR"),
    ("absurd count", _json(lambda data: _performance(data)["Unique_Title_Requests"].update({"2025-03": 10**12})),
     "Report_Items n° 1, Unique_Title_Requests, 2025-03 : nombre aberrant « 1000000000000 » refusé"),
]
CASES = [pytest.param(".tsv", text, error, id=f"tsv {name}") for name, text, error in TABULAR] + [
    pytest.param(".json", text, error, id=f"json {name}") for name, text, error in JSON]


@pytest.fixture
def earlier_import(db, buyer):
    """The sample quarter, imported once; returns what must survive every refused file."""
    usage_report_import(by=buyer, path=SAMPLES / "tr_b1_r5.tsv")
    return _snapshot()


def _snapshot():
    return (list(UsageReport.objects.values_list("pk", "report_id", "platform_name", "begin", "end", "rows")),
            sorted(UsageCount.objects.values_list("report_id", "month", "metric", "value")))


@pytest.mark.parametrize(("suffix", "text", "error"), CASES)
def test_the_page_refuses_the_file_and_keeps_the_earlier_import(earlier_import, buyer, client_for, suffix, text,
                                                                error):
    assert len(earlier_import[1]) == 6 and sum(value for *_, value in earlier_import[1]) == 18 + 39
    upload = SimpleUploadedFile(f"rapport{suffix}", text.encode("utf-8"), content_type="text/plain")
    response = client_for(buyer).post("/ressources/rapports/", {"file": upload})
    assert response.status_code == 400
    assert f"« rapport{suffix} », {error}" in response.content.decode().replace("&#x27;", "'")
    assert _snapshot() == earlier_import


@pytest.mark.parametrize(("suffix", "text", "error"), CASES)
def test_the_command_refuses_the_file_and_keeps_the_earlier_import(earlier_import, tmp_path, suffix, text, error,
                                                                   buyer):
    path = tmp_path / f"rapport{suffix}"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("import_counter", "--user", buyer.username, str(path), "--format", "json", stdout=StringIO())
    assert caught.value.returncode == 2
    assert str(caught.value).startswith(error)
    assert _snapshot() == earlier_import


def test_a_sound_file_still_replaces_the_earlier_import(earlier_import, tmp_path, buyer):
    path = tmp_path / "rapport.tsv"
    path.write_text(TSV.replace(ROW_16, "Unique_Title_Requests\t13\t4\t6\t3"), encoding="utf-8")
    call_command("import_counter", "--user", buyer.username, str(path), stdout=StringIO())
    reports, counts = _snapshot()
    assert len(reports) == 1 and reports[0][0] != earlier_import[0][0][0]
    assert sum(value for _, _, metric, value in counts if metric == "Unique_Title_Requests") == 19
