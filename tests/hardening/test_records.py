"""Retention periods (R.2184-12, R.2184-13), purge after confirmation keeping the history, and the
export and erasure of a person's data."""

import json
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from procurement.contracts.models import Contract
from procurement.tenders.models import Bid, BidFile
from procurement.vendors.models import Contact
from tests.contracts.factories import ContractFactory, awarded_lot
from tests.factories import UserFactory
from tests.vendors.factories import PDF_BYTES, ContactFactory

pytestmark = pytest.mark.django_db


def command(*args) -> dict:
    out = StringIO()
    call_command(*args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def signed_contract(settings, tmp_path):
    """Signed on 20/02/2026, three bids on its lot: the winner and two unsuccessful ones (one with a file)."""
    settings.MEDIA_ROOT = tmp_path
    contract = ContractFactory(notified=True, lot=awarded_lot(bids=3))
    loser = Bid.objects.filter(lot=contract.lot).exclude(pk=contract.lot.winner_id).first()
    bid_file = BidFile(bid=loser, original_name="offre.pdf", size=len(PDF_BYTES), sha256="0" * 64)
    bid_file.file.save("offre.pdf", ContentFile(PDF_BYTES), save=False)
    bid_file.save()
    return contract


def test_unsuccessful_bids_are_kept_five_years_after_the_signature(signed_contract):
    assert command("purge_records", "--today", "2031-02-20")["records"] == []
    report = command("purge_records", "--today", "2031-02-21")
    assert [(r["kind"], r["since"], r["kept_until"], r["purgeable"]) for r in report["records"]] == [
        ("unsuccessful_bid", "2026-02-20", "2031-02-20", True)] * 2
    assert report["confirmed"] is False and report["purged"] == {"bids": 0, "files": 0, "rows": 0}
    assert Bid.objects.filter(lot=signed_contract.lot).count() == 3  # a dry run deletes nothing


def test_the_purge_deletes_the_unsuccessful_bids_and_their_files_and_keeps_the_history(
        signed_contract, tmp_path, django_capture_on_commit_callbacks):
    bid_file = BidFile.objects.get(bid__lot=signed_contract.lot)
    path = tmp_path / bid_file.file.name
    assert path.exists()
    loser_ids = set(Bid.objects.filter(lot=signed_contract.lot).exclude(pk=signed_contract.lot.winner_id)
                    .values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        report = command("purge_records", "--today", "2031-03-01", "--confirm")
    assert report["purged"]["bids"] == 2 and report["purged"]["files"] == 1
    assert list(Bid.objects.filter(lot=signed_contract.lot).values_list("pk", flat=True)) == [
        signed_contract.lot.winner_id]
    assert not path.exists()
    deleted = Bid.history.filter(id__in=loser_ids, history_type="-")
    assert set(deleted.values_list("id", flat=True)) == loser_ids  # the audit trail stays
    assert Contract.objects.filter(pk=signed_contract.pk).exists()


def test_contracts_are_listed_after_five_or_ten_years_from_the_end_for_the_archives(settings, tmp_path):
    services = ContractFactory(notified=True, ended_on=date(2027, 3, 1))
    works = ContractFactory(notified=True, ended_on=date(2027, 3, 1), lot=awarded_lot(nature="works"))
    records = [r for r in command("purge_records", "--today", "2032-03-02")["records"] if r["kind"] == "contract"]
    assert [(r["id"], r["kept_until"], r["purgeable"]) for r in records] == [(services.pk, "2032-03-01", False)]
    records = [r for r in command("purge_records", "--today", "2037-03-02", "--confirm")["records"]
               if r["kind"] == "contract"]
    assert {(r["id"], r["kept_until"]) for r in records} == {(services.pk, "2032-03-01"), (works.pk, "2037-03-01")}
    assert Contract.objects.filter(pk__in=[services.pk, works.pk]).count() == 2  # never purged by the command


def test_a_contact_can_export_then_erase_its_data():
    contact = ContactFactory(first_name="Inès", last_name="Fabre", email="ines.fabre@editions.example")
    contact.phone = "06 12 34 56 78"
    contact.save()
    exported = command("export_personal_data", "--contact", str(contact.pk))
    assert exported["data"]["email"] == "ines.fabre@editions.example" and exported["vendor"] == contact.vendor.name
    assert [row["phone"] for row in exported["history"]] == ["02 47 00 00 00", "06 12 34 56 78"]

    dry = command("erase_personal_data", "--contact", str(contact.pk))
    assert dry["confirmed"] is False and Contact.objects.filter(pk=contact.pk).exists()

    result = command("erase_personal_data", "--contact", str(contact.pk), "--confirm")
    assert result["history_rows_anonymised"] == 3
    assert not Contact.objects.filter(pk=contact.pk).exists()
    history = Contact.history.filter(id=contact.pk)
    assert history.count() == 3
    assert set(history.values_list("last_name", "email", "phone")) == {("Contact effacé", "efface@invalid", "")}


def test_a_user_is_anonymised_and_the_records_they_signed_are_kept(client, signed_contract):
    agent = UserFactory(username="paul.leroy", first_name="Paul", last_name="Leroy", buyer=True)
    Bid.objects.filter(pk=signed_contract.lot.winner_id).update(recorded_by=agent)
    client.force_login(agent)
    exported = command("export_personal_data", "--user", "paul.leroy")
    assert exported["data"]["email"] == "paul.leroy@metropole.example" and exported["data"]["groups"] == ["buyers"]
    assert exported["records"]["tenders.bid.recorded_by"] == 1

    result = command("erase_personal_data", "--user", "paul.leroy", "--confirm")
    agent = get_user_model().objects.get(pk=agent.pk)
    assert (agent.username, agent.first_name, agent.last_name, agent.email) == (
        f"agent-efface-{agent.pk}", "", "", "")
    assert not agent.is_active and not agent.has_usable_password() and not agent.groups.exists()
    assert result["sessions_deleted"] == 1 and result["records_kept"]["tenders.bid.recorded_by"] == 1
    assert Bid.objects.get(pk=signed_contract.lot.winner_id).recorded_by_id == agent.pk
    assert client.get("/").status_code == 302  # logged out


@pytest.mark.parametrize(("args", "message"), [
    (["export_personal_data", "--contact", "999999"], "--contact : aucun contact n'a l'identifiant 999999."),
    (["erase_personal_data", "--user", "personne"], "--user : aucun utilisateur ne s'appelle « personne »."),
])
def test_an_unknown_person_is_refused_in_french(args, message):
    with pytest.raises(CommandError, match=message):
        call_command(*args, stdout=StringIO())
