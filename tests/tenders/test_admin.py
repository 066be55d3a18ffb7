"""The admin shows what the services write and changes none of it: no add, no change, no delete, no
revert from the history, for every record whose changes must go through a service."""

import html

import pytest
from django.contrib import admin
from django.urls import reverse

from procurement.tenders.enums import BidStatus, TenderState
from procurement.tenders.models import Bid, Tender
from tests.tenders.factories import BidFactory, LotFactory, TenderFactory, paris

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def unchanged_data(response) -> dict:
    """What the browser would post back from an admin change page left untouched: every field of the
    form and of its inlines, as rendered."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms += list(formset.forms)
        for name in formset.management_form.fields:
            data[formset.management_form.add_prefix(name)] = formset.management_form[name].value()
    for form in forms:
        for name in form.fields:
            bound = form[name]
            value = bound.value()
            if isinstance(value, list | tuple):
                data[bound.html_name] = [str(item) for item in value]
            elif value is None or value is False:
                continue
            elif value is True:
                data[bound.html_name] = "on"
            else:
                data[bound.html_name] = bound.field.widget.format_value(value)
    return data


def test_the_tender_change_page_posted_unchanged_changes_nothing_and_shows_paris_time(client_for, staff_user):
    tender = TenderFactory(published=True, bid_deadline=paris(2027, 1, 8, 12, 0),
                           price_types=["Définitif ferme"], techniques=["Accord-cadre"])
    LotFactory(tender=tender, number=1)
    client = client_for(staff_user)
    url = reverse("admin:tenders_tender_change", args=[tender.pk])
    page = client.get(url)
    assert "8 janvier 2027 12:00" in text(page)  # Paris time
    assert "2027-01-08T11:00" not in text(page)  # never the UTC time in an input
    before = Tender.objects.values().get(pk=tender.pk)
    response = client.post(url, unchanged_data(page))
    assert response.status_code == 403
    assert "Saisissez une liste de valeurs" not in text(response)
    assert Tender.objects.values().get(pk=tender.pk) == before


def test_staff_cannot_turn_a_late_bid_into_a_received_one(client_for, staff_user):
    bid = BidFactory(lot=LotFactory(tender=TenderFactory(closed=True)), status=BidStatus.LATE,
                     status_reason="Reçue après la date limite.")
    client = client_for(staff_user)
    url = reverse("admin:tenders_bid_change", args=[bid.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Reçue après la date limite." in text(page)
    response = client.post(url, {"status": BidStatus.RECEIVED, "status_reason": "", "candidature_form": "dume"})
    assert response.status_code == 403
    assert Bid.objects.get(pk=bid.pk).status == BidStatus.LATE


def test_staff_cannot_delete_a_sealed_bid(client_for, staff_user):
    bid = BidFactory(lot=LotFactory(tender=TenderFactory(closed=True)))
    client = client_for(staff_user)
    assert client.post(reverse("admin:tenders_bid_delete", args=[bid.pk]), {"post": "yes"}).status_code == 403
    changelist = reverse("admin:tenders_bid_changelist")
    client.post(changelist, {"action": "delete_selected", "_selected_action": [bid.pk], "post": "yes"})
    assert Bid.objects.filter(pk=bid.pk).exists()


def test_a_tender_cannot_be_reverted_from_its_history(client_for, staff_user):
    tender = TenderFactory(published=True, object="Objet d'origine")
    first = tender.history.earliest()
    Tender.objects.filter(pk=tender.pk).update(object="Objet modifié par le service")
    client = client_for(staff_user)
    url = reverse("admin:tenders_tender_simple_history", args=[tender.pk, first.history_id])
    response = client.post(url, {})
    assert response.status_code == 403
    assert Tender.objects.get(pk=tender.pk).object == "Objet modifié par le service"
    assert Tender.objects.get(pk=tender.pk).state == TenderState.PUBLISHED


SERVICE_ONLY = [
    "tenders.Tender", "tenders.Lot", "tenders.Criterion", "tenders.Bid", "tenders.OpeningRecord",
    "tenders.Question", "tenders.TransitionLog", "tenders.CaoMeeting", "tenders.CaoOpinion",
    "tenders.EvaluationSettings", "tenders.CommitteeMember", "tenders.ConflictDeclaration", "tenders.Submission",
    "tenders.RoundClosure", "tenders.CommitteeScore", "tenders.AbnormallyLowReview", "tenders.DceGeneration",
    "tenders.LetterDocument", "tenders.BidFileDownload",
    "contracts.Contract", "contracts.ContractTransitionLog", "contracts.PurchaseOrder", "contracts.Amendment",
    "contracts.Subcontract", "contracts.RenewalDecision", "contracts.PriceRevision", "contracts.Invoice",
    "contracts.SentReminder",
]


@pytest.mark.parametrize("label", SERVICE_ONLY)
def test_records_written_by_services_are_read_only_in_the_admin(rf, staff_user, label):
    from django.apps import apps

    model = apps.get_model(label)
    model_admin = admin.site._registry[model]
    request = rf.get("/admin/")
    request.user = staff_user
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert model_admin.has_view_permission(request)
    for inline in model_admin.get_inline_instances(request):
        assert not (inline.has_add_permission(request, None) or inline.has_change_permission(request)
                    or inline.has_delete_permission(request))
