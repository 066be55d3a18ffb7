"""The council's delegations and deliberations: the list (read by buyers and finance) and the form
(buyers), with the service's refusals on the form and nothing stored."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from procurement.core.money import format_eur
from procurement.programmes.enums import CouncilActKind
from procurement.programmes.models import CouncilAct
from tests.programmes.factories import AuthorityFactory, CouncilActFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def act_data(authority, **changes):
    return {"authority": authority.pk, "kind": CouncilActKind.DELIBERATION, "reference": "DEL-2026-118",
            "adopted_on": "2026-10-15", "object": "Autorisation de signer les marchés de la BNM",
            "amount_limit_ht": "1 200 000,00", "valid_from": "", "valid_to": "", "programme": "",
            "tender_references": "BNM-2026-01, BNM-2026-02", **changes}


def test_a_buyer_adds_a_deliberation_and_finds_it_in_the_list(client_for, buyer):
    programme = ProgrammeFactory()
    client = client_for(buyer)
    assert reverse("programmes:council-act-create") in client.get(reverse("programmes:council-acts")).content.decode()
    response = client.post(reverse("programmes:council-act-create"),
                           act_data(programme.authority, programme=programme.pk))
    assert response.status_code == 302
    act = CouncilAct.objects.get()
    assert (act.amount_limit_ht, act.valid_from, act.programme, act.tender_references) == (
        Decimal("1200000.00"), date(2026, 10, 15), programme, ["BNM-2026-01", "BNM-2026-02"])
    page = client.get(reverse("programmes:council-acts")).content.decode()
    assert "DEL-2026-118" in page and format_eur(Decimal("1200000")) in page


def test_a_programme_of_another_buyer_is_refused_on_its_field_and_nothing_is_stored(client_for, buyer):
    authority = AuthorityFactory()
    elsewhere = ProgrammeFactory()
    response = client_for(buyer).post(reverse("programmes:council-act-create"),
                                      act_data(authority, programme=elsewhere.pk))
    assert response.status_code == 200
    assert response.context["form"].errors["programme"] == [
        f"Le programme {elsewhere.reference} est celui d'un autre acheteur public."]
    assert not CouncilAct.objects.exists()


def test_an_end_before_the_start_and_a_duplicate_reference_are_refused_in_french(client_for, buyer):
    authority = AuthorityFactory()
    CouncilActFactory(authority=authority, reference="DEL-2026-118")
    client = client_for(buyer)
    response = client.post(reverse("programmes:council-act-create"), act_data(authority))
    assert response.context["form"].errors["reference"] == ["Cet acheteur a déjà un acte de cette référence."]
    response = client.post(reverse("programmes:council-act-create"),
                           act_data(authority, reference="DEL-2026-200", valid_to="2026-01-01"))
    assert response.context["form"].non_field_errors() == ["La fin de validité de l'acte suit son début."]
    assert CouncilAct.objects.count() == 1


def test_finance_reads_the_list_but_cannot_add(client_for, finance_user, evaluator):
    client = client_for(finance_user)
    assert client.get(reverse("programmes:council-acts")).status_code == 200
    assert client.get(reverse("programmes:council-act-create")).status_code == 403
    assert client.post(reverse("programmes:council-act-create"), act_data(AuthorityFactory())).status_code == 403
    assert client_for(evaluator).get(reverse("programmes:council-acts")).status_code == 403
    assert not CouncilAct.objects.exists()


def test_the_list_runs_the_same_number_of_queries_for_1_and_6_acts(client_for, buyer):
    client = client_for(buyer)
    authority = AuthorityFactory()
    CouncilActFactory(authority=authority, reference="DEL-1", programme=ProgrammeFactory(authority=authority))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("programmes:council-acts"))
    for index in range(5):
        CouncilActFactory(authority=AuthorityFactory(), reference=f"DEL-{index + 2}",
                          programme=ProgrammeFactory())
    with CaptureQueriesContext(connection) as six:
        response = client.get(reverse("programmes:council-acts"))
    assert len(response.context["acts"]) == 6
    assert len(six.captured_queries) == len(one.captured_queries)


def test_the_programmes_page_leads_to_the_council_acts(client_for, finance_user):
    page = client_for(finance_user).get(reverse("programmes:list")).content.decode()
    assert f'href="{reverse("programmes:council-acts")}"' in page
