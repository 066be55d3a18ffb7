"""``cost_sharing``: the contract of the issue (keys, amounts as strings with two decimals, shares adding up
to the total) and exit status 2 with one French line for an unknown programme, a year without costs, a bad key."""

import json
import subprocess
import sys
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


def run(*args) -> dict:
    out = StringIO()
    call_command("cost_sharing", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize("key", ["population", "usage", "flat", "mixte", "mixte-bornes"])
def test_the_json_gives_every_member_and_the_shares_add_up_to_the_total(demo, key):
    data = run("--programme", "BNM", "--year", "2026", "--key", key)
    assert list(data) == ["year", "key", "total_ttc", "members"]
    assert (data["year"], data["key"], data["total_ttc"]) == (2026, key, "430274.10")
    assert len(data["members"]) == 58
    assert all(list(row) == ["member", "population", "uses", "share_ttc", "share_percent"] for row in data["members"])
    assert all(len(row["share_ttc"].split(".")[1]) == 2 for row in data["members"])
    assert sum(Decimal(row["share_ttc"]) for row in data["members"]) == Decimal("430274.10")


def test_the_json_of_the_central_city_under_the_population_key(demo):
    data = run("--programme", "bnm", "--year", "2026", "--key", "population")
    assert data["members"][-2] == {"member": "Ville-centre", "population": 527871, "uses": 139241,
                                   "share_ttc": "160383.76", "share_percent": "37.27"}


@pytest.mark.parametrize(("args", "message"), [
    (["--programme", "XYZ", "--year", "2026", "--key", "usage"],
     "--programme : programme inconnu « XYZ » (programmes : BNM)"),
    (["--programme", "BNM", "--year", "2030", "--key", "usage"],
     "--year : aucune convention de partage des coûts du programme BNM ne couvre 2030"),
    (["--programme", "BNM", "--year", "2026", "--key", "no-such-key"],
     "Clé de répartition inconnue : « no-such-key ». Clés possibles : population, usage, flat, mixte, mixte-bornes."),
])
def test_an_unknown_programme_year_or_key_exits_2_with_one_french_line(demo, args, message):
    with pytest.raises(CommandError) as caught:
        run(*args)
    assert caught.value.returncode == 2
    assert str(caught.value) == message


def test_a_year_without_costs_exits_2(demo, buyer):
    from procurement.sharing.models import SharedItem

    SharedItem.objects.exclude(contract__reference="BNM-2024-02-L1").delete()
    with pytest.raises(CommandError) as caught:
        run("--programme", "BNM", "--year", "2027", "--key", "population")
    assert caught.value.returncode == 2
    assert str(caught.value) == ("Rien à répartir en 2027 : les dépenses partagées par la convention « Partage des "
                                 "coûts de la Bibliothèque numérique métropolitaine » n'ont aucun coût (engagé) "
                                 "cette année-là.")


def test_a_bad_year_on_the_command_line_is_one_french_line_on_stderr():
    process = subprocess.run([sys.executable, "manage.py", "cost_sharing", "--programme", "BNM", "--year", "deux",
                              "--format", "json"], capture_output=True, text=True, cwd=settings.BASE_DIR, timeout=120)
    assert (process.returncode, process.stdout) == (2, "")
    assert process.stderr.strip().splitlines() == ["Erreur : --year : « deux » n'est pas une année"]
