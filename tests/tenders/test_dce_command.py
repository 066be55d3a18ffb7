"""``manage.py generate_dce --tender REF --output DIR --format json``."""

import json
import zipfile

import pytest
from django.db import connections

from procurement.tenders.management.commands.generate_dce import Command
from tests.documents.utils import framework_tender

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def keep_connection(monkeypatch):
    # run_from_argv closes the connections when it ends, which would end the test's transaction.
    monkeypatch.setattr(connections, "close_all", lambda: None)


@pytest.fixture(autouse=True)
def acting_buyer(buyer):
    """The buyer the command writes as (``--user acheteur``)."""
    return buyer


def run_cli(capsys, *args):
    """Runs the command as manage.py would: (exit status, stdout, stderr)."""
    status = 0
    try:
        Command().run_from_argv(["manage.py", "generate_dce", "--user", "acheteur", *args])
    except SystemExit as exit_:
        status = exit_.code
    out, err = capsys.readouterr()
    return status, out, err


def test_the_command_writes_the_dce_and_prints_the_files_as_json(capsys, tmp_path):
    framework_tender(lots=2, dce=False)
    folder = tmp_path / "sortie" / "dce"
    status, out, err = run_cli(capsys, "--tender", "BNM-2024-02", "--output", str(folder), "--format", "json")
    assert (status, err) == (0, "")
    data = json.loads(out)
    assert data == {"tender": "BNM-2024-02", "files": [
        "BNM-2024-02_RC_v1.docx", "BNM-2024-02_CCAP_v1.docx", "BNM-2024-02_CCTP_v1.docx",
        "BNM-2024-02_AE_lot1_v1.docx", "BNM-2024-02_AE_lot2_v1.docx", "BNM-2024-02_BPU-DQE_v1.xlsx",
        "BNM-2024-02_DCE_v1.zip"]}
    assert sorted(path.name for path in folder.iterdir()) == sorted(data["files"])
    with zipfile.ZipFile(folder / "BNM-2024-02_DCE_v1.zip") as archive:
        assert len(archive.namelist()) == 6


def test_a_second_run_writes_the_next_version(capsys, tmp_path):
    framework_tender(lots=1, dce=False)
    run_cli(capsys, "--tender", "BNM-2024-02", "--output", str(tmp_path / "a"), "--format", "json")
    status, out, _ = run_cli(capsys, "--tender", "BNM-2024-02", "--output", str(tmp_path / "b"), "--format", "json")
    assert status == 0
    assert "BNM-2024-02_RC_v2.docx" in json.loads(out)["files"]


def test_a_closed_tender_writes_its_latest_dce_without_generating_again(capsys, tmp_path, buyer):
    from procurement.tenders.models import Tender
    from procurement.tenders.services.dce import dce_generate

    tender = framework_tender(lots=1, dce=False)
    dce_generate(tender=tender, by=buyer)
    Tender.objects.filter(pk=tender.pk).update(state="closed")
    status, out, _ = run_cli(capsys, "--tender", "BNM-2024-02", "--output", str(tmp_path / "c"), "--format", "json")
    assert status == 0
    assert json.loads(out)["files"][-1] == "BNM-2024-02_DCE_v1.zip"


def test_an_unknown_reference_exits_with_status_2_and_one_french_line(capsys, tmp_path):
    status, out, err = run_cli(capsys, "--tender", "XYZ-2026-99", "--output", str(tmp_path), "--format", "json")
    assert (status, out) == (2, "")
    assert err.strip() == "Erreur : --tender : la consultation « XYZ-2026-99 » n'existe pas"
    assert len(err.strip().splitlines()) == 1


def test_an_output_that_is_a_file_exits_with_status_2(capsys, tmp_path):
    framework_tender(lots=1, dce=False)
    existing = tmp_path / "fichier.txt"
    existing.write_text("déjà là")
    status, out, err = run_cli(capsys, "--tender", "BNM-2024-02", "--output", str(existing), "--format", "json")
    assert (status, out) == (2, "")
    assert err.strip() == f"Erreur : --output : « {existing} » existe et n'est pas un dossier"


def test_an_output_below_a_file_exits_with_status_2(capsys, tmp_path):
    framework_tender(lots=1, dce=False)
    (tmp_path / "fichier").write_text("x")
    status, _, err = run_cli(capsys, "--tender", "BNM-2024-02", "--output", str(tmp_path / "fichier" / "dce"))
    assert status == 2
    assert err.startswith("Erreur : --output : ") and len(err.strip().splitlines()) == 1


def test_the_text_format_says_where_the_files_are(capsys, tmp_path):
    framework_tender(lots=1, dce=False)
    status, out, _ = run_cli(capsys, "--tender", "BNM-2024-02", "--output", str(tmp_path / "d"))
    assert status == 0
    assert out.startswith("DCE BNM-2024-02, version 1 : 6 fichiers écrits dans")


def _run_as_published(capsys, *args):
    """The command as its contract spells it: no ``--user``."""
    status = 0
    try:
        Command().run_from_argv(["manage.py", "generate_dce", *args])
    except SystemExit as exit_:
        status = exit_.code
    out, err = capsys.readouterr()
    return status, out, err


def test_without_user_the_command_acts_as_the_first_active_administrator(capsys, tmp_path):
    from django.contrib.auth import get_user_model

    framework_tender(lots=1, dce=False)
    get_user_model().objects.create_superuser("admin-metropole", "admin@metropole.example", "x")
    status, out, err = _run_as_published(capsys, "--tender", "BNM-2024-02", "--output", str(tmp_path / "d"),
                                         "--format", "json")
    assert (status, err) == (0, "")
    assert json.loads(out)["files"][-1] == "BNM-2024-02_DCE_v1.zip"


def test_without_user_nor_administrator_the_command_says_so_in_one_french_line(capsys, tmp_path):
    framework_tender(lots=1, dce=False)
    status, out, err = _run_as_published(capsys, "--tender", "BNM-2024-02", "--output", str(tmp_path / "d"))
    assert (status, out) == (2, "")
    assert err.strip() == "Erreur : aucun administrateur actif : précisez --user IDENTIFIANT"
