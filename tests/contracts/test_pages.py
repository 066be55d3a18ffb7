from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from procurement.contracts.models import Contract, IndexValue, PurchaseOrder
from procurement.contracts.services.orders import order_create
from tests.contracts.factories import ContractFactory, IndexSeriesFactory, awarded_lot
from tests.programmes.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


def detail(contract) -> str:
    return reverse("contracts:detail", args=[contract.reference])


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_anonymous_users_log_in_and_evaluators_are_refused(client, client_for, evaluator):
    assert client.get(reverse("contracts:list")).status_code == 302
    assert client_for(evaluator).get(reverse("contracts:list")).status_code == 403


def test_the_menu_offers_contracts_to_buyers_and_finance(client_for, buyer, finance_user, evaluator):
    for user, shown in ((buyer, True), (finance_user, True), (evaluator, False)):
        html = client_for(user).get(reverse("home")).content.decode()
        assert (">Marchés</a>" in html) is shown


def test_the_list_runs_the_same_number_of_queries_for_2_and_12_contracts(client_for, finance_user,
                                                                          django_assert_num_queries):
    client = client_for(finance_user)
    for _ in range(2):
        ContractFactory(framework=True, notified=True)
    with CaptureQueriesContext(connection) as with_two:
        assert client.get(reverse("contracts:list")).status_code == 200
    for _ in range(10):
        ContractFactory(notified=True)
    with django_assert_num_queries(len(with_two.captured_queries)):
        response = client.get(reverse("contracts:list"))
    assert response.content.decode().count('<th scope="row"><a href="/marches/') == 12


@freeze_time("2026-11-25 10:00")
def test_the_list_filters_by_state_holder_programme_and_renewal_due(client_for, buyer):
    programme = ProgrammeFactory(reference="BNM")
    due = ContractFactory(framework=True, notified=True, lot=awarded_lot(is_framework=True, renewals=3,
                                                                         programme=programme))
    later = ContractFactory(framework=True, notified=True, start_date=date(2026, 9, 1))
    to_sign = ContractFactory()
    client = client_for(buyer)

    def shown(query: str) -> set[str]:
        html = client.get(reverse("contracts:list") + query).content.decode()
        return {c.reference for c in (due, later, to_sign) if f">{c.reference}</a>" in html}

    assert shown("") == {due.reference, later.reference, to_sign.reference}
    assert shown("?state=to_sign") == {to_sign.reference}
    assert shown(f"?holder={due.holder_id}") == {due.reference}
    assert shown(f"?programme={programme.pk}") == {due.reference}
    assert shown("?renewal_due=on") == {due.reference}  # deadline 01/12/2026; the other one 31/05/2027


@freeze_time("2026-01-20 10:00")
def test_the_page_shows_why_a_contract_cannot_be_signed_yet(client_for, buyer):
    contract = ContractFactory()
    html = client_for(buyer).get(detail(contract)).content.decode()
    assert "Signer le marché" in html and "disabled" in html
    assert ("Le délai de suspension court jusqu&#x27;au vendredi 23 janvier 2026 : le marché peut être signé à "
            "partir du 24/01/2026 (CCP R.2182-1).") in html


@freeze_time("2026-02-02 10:00")
def test_a_buyer_signs_from_the_page_and_the_log_shows_it(client_for, buyer):
    contract = ContractFactory()
    client = client_for(buyer)
    response = client.post(reverse("contracts:transition", args=[contract.reference, "sign"]))
    assert response.status_code == 302
    assert messages_of(response) == ["« Signer le marché » : le marché est maintenant « Signé »."]
    contract.refresh_from_db()
    assert (contract.state, contract.signed_on) == ("signed", date(2026, 2, 2))
    html = client.get(detail(contract)).content.decode()
    assert "À signer → Signé" in html


@freeze_time("2026-02-02 10:00")
def test_a_refused_transition_comes_back_as_messages(client_for, buyer):
    contract = ContractFactory(notified=True)
    response = client_for(buyer).post(reverse("contracts:transition", args=[contract.reference, "terminate"]))
    assert messages_of(response) == ["Le motif est obligatoire."]
    assert Contract.objects.get(pk=contract.pk).state == "notified"


@freeze_time("2026-02-02 10:00")
def test_finance_reads_the_contract_records_its_invoices_and_cannot_drive_it(client_for, finance_user):
    contract = ContractFactory(framework=True, notified=True)
    client = client_for(finance_user)
    html = client.get(detail(contract)).content.decode()
    assert "Consommation de l'accord-cadre" in html
    assert "Émettre un bon de commande" not in html and "Résilier" not in html
    # Finance records the invoices it pays: the page offers it the form the view lets it use.
    assert reverse("contracts:invoice-create", args=[contract.reference]) in html
    assert client.get(reverse("contracts:invoice-create", args=[contract.reference])).status_code == 200
    assert client.post(reverse("contracts:transition", args=[contract.reference, "terminate"]),
                       {"reason": "x"}).status_code == 403
    assert client.get(reverse("contracts:order-create", args=[contract.reference])).status_code == 403


@freeze_time("2026-05-02 10:00")
def test_an_order_over_the_maximum_is_refused_on_the_form(client_for, buyer):
    contract = ContractFactory(framework=True, notified=True)
    order_create(contract=contract, ordered_on=date(2026, 4, 1), amount_ht=Decimal("110000"), description="Lot",
                 by=buyer)
    url = reverse("contracts:order-create", args=[contract.reference])
    response = client_for(buyer).post(url, {"ordered_on": "2026-05-02", "description": "Nouveautés",
                                            "amount_ht": "10000.01"})
    assert response.status_code == 200
    assert "il reste 10\u00a0000,00\u00a0€ HT sur cette période" in response.content.decode()
    assert PurchaseOrder.objects.filter(contract=contract).count() == 1
    response = client_for(buyer).post(url, {"ordered_on": "2026-05-02", "description": "Nouveautés",
                                            "amount_ht": "10000.00"})
    assert response.status_code == 302
    assert PurchaseOrder.objects.filter(contract=contract).count() == 2


def test_the_contract_page_shows_the_advance_on_the_amount_ttc(client_for, buyer):
    contract = ContractFactory(notified=True, amount_ht=Decimal("120000.00"), vat_rate=Decimal("20"),
                               advance_rate=Decimal("5"))
    html = client_for(buyer).get(detail(contract)).content.decode()
    assert "soit 7\u00a0200,00\u00a0€ (sur le montant initial TTC)" in html


def test_a_framework_shows_the_advance_order_by_order(client_for, buyer):
    contract = ContractFactory(framework=True, notified=True)
    url = reverse("contracts:order-create", args=[contract.reference])
    intro = unescape(client_for(buyer).get(url).content.decode())
    assert "pour chaque bon de commande de plus de 50\u00a0000,00\u00a0€ HT dont l'exécution dépasse 2 mois" in intro
    response = client_for(buyer).post(url, {"ordered_on": "2026-05-02", "description": "Abonnements",
                                            "amount_ht": "60000.00"})
    assert any("Au moins 3\u00a0600,00\u00a0€" in message for message in messages_of(response))
    order_create(contract=contract, ordered_on=date(2026, 5, 3), amount_ht=Decimal("20000"), description="Petit",
                 by=buyer)
    html = client_for(buyer).get(detail(contract)).content.decode()
    assert "au moins 3\u00a0600,00\u00a0€" in html  # 5 % of 72 000 € TTC
    assert "Bon de commande de 20\u00a0000,00\u00a0€ HT, pas au-dessus de 50\u00a0000,00\u00a0€ HT" in html


@freeze_time("2026-06-02 10:00")
def test_an_amendment_over_de_minimis_is_refused_on_the_form(client_for, buyer):
    contract = ContractFactory(notified=True)
    response = client_for(buyer).post(reverse("contracts:amendment-create", args=[contract.reference]), {
        "basis": "R2194-8", "object": "Extension", "amount_change_ht": "9800.00", "yearly_maximum_change_ht": "0",
        "signed_on": "2026-06-01", "cao_opinion_reference": "", "justification": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Fondez cet avenant sur une autre base" in html
    assert "recueillez d&#x27;abord l&#x27;avis de la CAO" in html


def test_a_buyer_creates_a_contract_from_an_awarded_lot(client_for, buyer):
    lot = awarded_lot()
    client = client_for(buyer)
    assert lot.tender.reference in client.get(reverse("contracts:create")).content.decode()
    response = client.post(reverse("contracts:create"), {"lot": lot.pk, "reference": "", "start_date": "2026-03-02"})
    contract = Contract.objects.get(lot=lot)
    assert response.url == reverse("contracts:update", args=[contract.reference])
    assert client.get(response.url).status_code == 200


def test_an_index_import_with_errors_shows_them_and_saves_nothing(client_for, buyer):
    series = IndexSeriesFactory()
    upload = SimpleUploadedFile("syntec.csv", b"mois;valeur\n2025-06;abc\n", content_type="text/csv")
    response = client_for(buyer).post(reverse("contracts:index-import", args=[series.code]), {"file": upload})
    assert response.status_code == 200
    assert "Ligne 2, colonne B (« valeur ») : « abc » n&#x27;est pas un nombre." in response.content.decode()
    assert not IndexValue.objects.exists()


def test_finance_reads_the_indices_but_does_not_edit_them(client_for, finance_user):
    series = IndexSeriesFactory()
    client = client_for(finance_user)
    assert "Saisir une valeur" not in client.get(reverse("contracts:index-detail", args=[series.code])).content.decode()
    assert client.get(reverse("contracts:index-value", args=[series.code])).status_code == 403


def test_the_admin_shows_the_contract_and_its_log_read_only(client_for, staff_user):
    contract = ContractFactory()
    client = client_for(staff_user)
    assert client.get(reverse("admin:contracts_contract_change", args=[contract.pk])).status_code == 200
    assert client.get(reverse("admin:contracts_contract_history", args=[contract.pk])).status_code == 200
    assert client.get(reverse("admin:contracts_contracttransitionlog_add")).status_code == 403
