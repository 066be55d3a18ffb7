"""The demo's programme page: the BNM's phases (one late), its CAO meetings (one without quorum, then
convened again), its bodies' decisions, and contracts signed under the council's acts."""


import pytest
from django.urls import reverse
from freezegun import freeze_time

from procurement.contracts.models import Contract
from procurement.tenders.models import CaoMeeting

pytestmark = pytest.mark.django_db


def test_the_demo_programme_page(demo, client_for, finance_user):
    # The demo is loaded on its fixed day without freezing time: its COUNTER reports are read by pydantic
    # models, which cannot validate freezegun's dates. Only the page is read under a frozen clock.
    with freeze_time("2026-11-26 10:00"):
        response = client_for(finance_user).get(reverse("dashboards:programme-detail", args=["BNM"]))
    content = response.content.decode()
    assert "1 phase en retard" in content and "27 jours" in content
    assert "Choix du scénario" in content
    assert "quorum non atteint" in content and "nouvelle convocation : siège sans quorum" in content
    meetings = list(CaoMeeting.objects.order_by("held_at"))
    assert [(m.voting_present, m.quorum_reached, m.sits_validly) for m in meetings] == [
        (3, False, False), (6, True, True), (2, False, True)]
    assert meetings[2].reconvened_from == meetings[0]
    signatures = dict(Contract.objects.values_list("reference", "signature_authorisation__reference"))
    assert signatures["BNM-2023-01-L1"] == "CM-2020-045"   # the delegation, below the EU threshold
    assert signatures["BNM-2024-01-L1"] == "CM-2024-087"   # the deliberation for the formalised tenders
    minutes = client_for(finance_user).get(reverse("tenders:cao-minutes", args=[meetings[2].pk]))
    assert minutes.status_code == 200 and minutes["Content-Type"].endswith("wordprocessingml.document")


def test_the_programme_page_and_the_finance_page_say_the_same_committed_amount(demo, client_for, finance_user):
    client = client_for(finance_user)
    with freeze_time("2026-11-26 10:00"):
        programme = client.get(reverse("dashboards:programme-detail", args=["BNM"])).content.decode()
        finance = client.get(reverse("dashboards:finance-overview") + "?programme=BNM&year_from=2023&year_to=2023"
                             ).content.decode()
    rule = "Engagé : ce que les marchés signés obligent à payer (TTC), réparti par année"
    assert rule in programme and rule in finance
    # The AMO contract (76 500 € HT, 91 800 € TTC) spread day by day from its start on 04/12/2023 to its
    # acceptance on 28/05/2025: 28 days of 542 in 2023.
    committed_2023 = "4\u00a0742,44\u00a0€"
    assert committed_2023 in programme and committed_2023 in finance
    assert "91\u00a0800,00\u00a0€" not in programme   # the whole amount in its first year, as the page once said
