"""The CAO's pages: members, meetings with their quorum, the second convocation, decisions per lot,
opinions on amendments, and the CAO blocks of the tender and lot pages."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from procurement.tenders.enums import CaoOpinionKind, CaoOutcome, CaoRole, LotState
from procurement.tenders.models import CaoDecision, CaoMeeting, CaoMember, CaoOpinion
from procurement.tenders.services.cao import cao_decision_record, cao_meeting_record
from tests.clock import DEMO_NOW
from tests.programmes.factories import AuthorityFactory, ProgrammeFactory
from tests.tenders.cao_factories import cao_members
from tests.tenders.evaluation.factories import final_ranking, worked_example
from tests.tenders.factories import BidFactory, LotFactory, TenderFactory, paris
from tests.vendors.factories import make_compliant

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time(DEMO_NOW)]


def formalised_lot(**bid):
    programme = ProgrammeFactory()
    lot = LotFactory(tender=TenderFactory(opened=True, programme=programme), criteria=True)
    chosen = BidFactory(lot=lot, compliant=True, vendor__name="Lectura Numérique", **bid)
    final_ranking(lot)
    return lot, chosen, cao_members(programme.authority)


def meeting_data(members, *, full, president=True, tenders=()):
    present = (members[CaoRole.PRESIDENT] if president else []) + members[CaoRole.MEMBER][:full] \
        + members[CaoRole.ADVISORY]
    return {"convened_on": "2026-11-12", "held_at": "2026-11-20T14:00",
            "attendees": [member.pk for member in present], "tenders": [tender.pk for tender in tenders],
            "notes": ""}


def create_url(authority, **query):
    url = reverse("tenders:cao-meeting-create", args=[authority.pk])
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def decision_url(meeting, lot):
    return reverse("tenders:cao-decision", args=[meeting.pk, lot.tender.reference, lot.number])


def test_a_buyer_records_a_meeting_with_quorum_then_the_decision_and_the_lot_can_be_awarded(client_for, buyer):
    lot, chosen, members = formalised_lot()
    authority = members[CaoRole.PRESIDENT][0].authority
    client = client_for(buyer)
    # The award is refused for the CAO, and the message leads to the page that records its meeting.
    make_compliant(chosen.vendor, issued_on=date(2026, 10, 1))
    lot_url = reverse("tenders:lot-detail", args=[lot.tender.reference, lot.number])
    transition = reverse("tenders:lot-transition", args=[lot.tender.reference, lot.number, "award"])
    response = client.post(transition, {"award-winner": chosen.pk, "award-reason": "Meilleure offre."}, follow=True)
    texts = [str(message) for message in response.context["messages"]]
    assert ("Procédure formalisée : la commission d'appel d'offres doit d'abord choisir l'attributaire de ce lot, "
            "en séance valable (CGCT L.1414-2).") in texts
    link = f'<a href="{create_url(authority, consultation=lot.tender.reference)}">Enregistrer la réunion de la CAO</a>'
    assert link in response.content.decode()

    response = client.post(create_url(authority), meeting_data(members, full=3, tenders=[lot.tender]))
    meeting = CaoMeeting.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("tenders:cao-meeting", args=[meeting.pk])
    assert (meeting.voting_present, meeting.voting_seats, meeting.quorum_reached) == (4, 6, True)
    page = client.get(response["Location"]).content.decode()
    assert "quorum atteint (4/6)" in page and decision_url(meeting, lot) in page

    form = client.get(decision_url(meeting, lot))
    assert form.context["form"].initial["bid"] == chosen.pk
    assert "Lectura Numérique (rang 1)" in form.content.decode()
    response = client.post(decision_url(meeting, lot), {"outcome": CaoOutcome.AWARD, "bid": chosen.pk,
                                                        "reason": "Offre classée première."})
    assert response.status_code == 302
    decision = CaoDecision.objects.get()
    assert (decision.meeting, decision.lot, decision.bid) == (meeting, lot, chosen)
    assert "La CAO du 20/11/2026 a retenu l'offre de Lectura Numérique." in client.get(lot_url).content.decode()

    client.post(transition, {"award-winner": chosen.pk, "award-reason": "Meilleure offre."})
    lot.refresh_from_db()
    assert (lot.state, lot.winner) == (LotState.AWARDED, chosen)


def test_the_meeting_form_shows_the_quorum_of_the_ticked_members_without_saving(client_for, buyer):
    _lot, _chosen, members = formalised_lot()
    authority = members[CaoRole.PRESIDENT][0].authority
    response = client_for(buyer).post(create_url(authority), {**meeting_data(members, full=2), "calculer": "1"})
    page = response.content.decode()
    assert "3 présents à voix délibérative sur 6" in page and "il en faut 4" in page
    assert "quorum non atteint." in page
    assert not CaoMeeting.objects.exists()


def test_a_meeting_without_quorum_cannot_decide_and_the_meeting_convened_again_can(client_for, buyer):
    lot, chosen, members = formalised_lot()
    authority = members[CaoRole.PRESIDENT][0].authority
    client = client_for(buyer)
    client.post(create_url(authority), meeting_data(members, full=2, tenders=[lot.tender]))
    failed = CaoMeeting.objects.get()
    page = client.get(reverse("tenders:cao-meeting", args=[failed.pk])).content.decode()
    assert "quorum non atteint (3/6)" in page
    assert decision_url(failed, lot) not in page
    assert f"{create_url(authority)}?apres={failed.pk}" in page

    response = client.post(decision_url(failed, lot), {"outcome": CaoOutcome.AWARD, "bid": chosen.pk})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()[0].startswith(
        "La CAO du 20/11/2026 n'a pas le quorum (3 présents sur 6 membres à voix délibérative)")
    assert not CaoDecision.objects.exists()

    again = {**meeting_data(members, full=0, tenders=[lot.tender]), "convened_on": "2026-11-21",
             "held_at": "2026-11-24T10:00"}
    response = client.post(create_url(authority, apres=failed.pk), again)
    second = CaoMeeting.objects.get(reconvened_from=failed)
    assert (second.voting_present, second.quorum_reached, second.sits_validly) == (1, False, True)
    response = client.post(decision_url(second, lot), {"outcome": CaoOutcome.AWARD, "bid": chosen.pk})
    assert response.status_code == 302
    assert CaoDecision.objects.get().meeting == second


def test_a_meeting_convened_again_with_no_voting_member_present_cannot_decide(client_for, buyer):
    lot, chosen, members = formalised_lot()
    authority = members[CaoRole.PRESIDENT][0].authority
    client = client_for(buyer)
    client.post(create_url(authority), meeting_data(members, full=2, tenders=[lot.tender]))
    failed = CaoMeeting.objects.get()
    only_advisory = {**meeting_data(members, full=0, president=False, tenders=[lot.tender]),
                     "convened_on": "2026-11-21", "held_at": "2026-11-24T10:00"}
    client.post(create_url(authority, apres=failed.pk), only_advisory)
    second = CaoMeeting.objects.get(reconvened_from=failed)
    assert (second.voting_present, second.sits_validly, second.can_decide) == (0, True, False)

    page = client.get(reverse("tenders:cao-meeting", args=[second.pk])).content.decode()
    assert "aucun membre à voix délibérative n&#x27;est présent" in page
    assert decision_url(second, lot) not in page
    form_page = client.get(decision_url(second, lot)).content.decode()
    assert "Aucun membre à voix délibérative n&#x27;est présent" in form_page

    response = client.post(decision_url(second, lot), {"outcome": CaoOutcome.AWARD, "bid": chosen.pk})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()[0] == (
        "Aucun membre à voix délibérative n'est présent à la CAO du 24/11/2026 : réunie sur nouvelle convocation, "
        "elle siège sans condition de quorum, mais sans votant elle ne peut pas décider.")
    assert not CaoDecision.objects.exists()
    response = client.post(reverse("tenders:cao-opinion", args=[second.pk]),
                           {"lot": lot.pk, "subject": "Extension", "amount_change_ht": "12500,00",
                            "opinion": CaoOpinionKind.FAVOURABLE})
    assert response.status_code == 200 and not CaoOpinion.objects.exists()


def test_a_member_of_another_authority_is_refused_in_french_and_nothing_is_stored(client_for, buyer):
    _lot, _chosen, members = formalised_lot()
    authority = members[CaoRole.PRESIDENT][0].authority
    stranger = CaoMember.objects.create(authority=AuthorityFactory(), name="Élu d'ailleurs", role=CaoRole.MEMBER)
    data = meeting_data(members, full=3)
    response = client_for(buyer).post(create_url(authority), {**data, "attendees": [*data["attendees"], stranger.pk]})
    assert response.status_code == 200
    assert response.context["form"].errors["attendees"] == [
        f"Sélectionnez un choix valide. {stranger.pk} n’en fait pas partie."]
    assert not CaoMeeting.objects.exists()


def test_a_bid_of_another_lot_is_refused_in_french_and_nothing_is_stored(client_for, buyer):
    lot, _chosen, members = formalised_lot()
    other = BidFactory(lot=LotFactory(tender=lot.tender), compliant=True)
    meeting = cao_meeting_record(authority=members[CaoRole.PRESIDENT][0].authority, convened_on=date(2026, 11, 12),
                                 held_at=paris(2026, 11, 20, 14, 0), attendees=members[CaoRole.MEMBER], by=buyer)
    response = client_for(buyer).post(decision_url(meeting, lot), {"outcome": CaoOutcome.AWARD, "bid": other.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["bid"] == [
        "Sélectionnez un choix valide. Ce choix ne fait pas partie de ceux disponibles."]
    assert not CaoDecision.objects.exists()


def test_retaining_another_bid_than_the_first_without_the_reason_is_a_form_error(client_for, buyer):
    example = worked_example(tender=TenderFactory(opened=True, programme=ProgrammeFactory()))
    members = cao_members(example.tender.programme.authority)
    meeting = cao_meeting_record(by=buyer, authority=example.tender.programme.authority, convened_on=date(2026, 11, 12),
                                 held_at=paris(2026, 11, 20, 14, 0), attendees=members[CaoRole.MEMBER])
    client = client_for(buyer)
    assert client.get(decision_url(meeting, example.lot)).context["form"].initial["bid"] == example.a.pk
    response = client.post(decision_url(meeting, example.lot), {"outcome": CaoOutcome.AWARD, "bid": example.b.pk,
                                                                "difference_reason": "  "})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "La CAO retient l'offre de Kiosque Horizon alors que le classement place Lectura Numérique en tête : "
        "enregistrez le motif de cette différence."]
    assert not CaoDecision.objects.exists()


def test_an_opinion_on_an_amendment_is_recorded_from_the_meeting_page(client_for, buyer):
    lot, chosen, members = formalised_lot()
    meeting = cao_meeting_record(authority=members[CaoRole.PRESIDENT][0].authority, convened_on=date(2026, 11, 12),
                                 held_at=paris(2026, 11, 20, 14, 0), attendees=members[CaoRole.MEMBER], by=buyer)
    cao_decision_record(by=buyer, meeting=meeting, lot=lot, outcome=CaoOutcome.AWARD, bid=chosen)
    type(lot).objects.filter(pk=lot.pk).update(state=LotState.AWARDED, winner=chosen)  # the contract's lot, awarded
    client = client_for(buyer)
    page = client.get(reverse("tenders:cao-meeting", args=[meeting.pk])).content.decode()
    opinion_url = reverse("tenders:cao-opinion", args=[meeting.pk])
    assert opinion_url in page and reverse("tenders:cao-minutes", args=[meeting.pk]) in page
    response = client.post(opinion_url, {"lot": lot.pk, "subject": "Extension du catalogue", "amount_change_ht":
                                         "12500,00", "opinion": CaoOpinionKind.FAVOURABLE})
    assert response.status_code == 302
    opinion = CaoOpinion.objects.get()
    assert (opinion.lot, str(opinion.amount_change_ht)) == (lot, "12500.00")
    assert "Extension du catalogue" in client.get(response["Location"]).content.decode()


def test_members_are_added_and_their_term_ended_through_the_page(client_for, buyer):
    authority = AuthorityFactory()
    client = client_for(buyer)
    url = reverse("tenders:cao-members", args=[authority.pk])
    response = client.post(url, {"name": "Paule Verdier", "role": CaoRole.PRESIDENT, "title": "Présidente"})
    assert response.status_code == 302
    member = CaoMember.objects.get()
    response = client.post(url, {"name": "Jean Second", "role": CaoRole.PRESIDENT})
    assert response.context["form"].non_field_errors() == ["La CAO a déjà un(e) président(e) en fonction."]
    client.post(reverse("tenders:cao-member-end", args=[authority.pk, member.pk]))
    member.refresh_from_db()
    assert member.active is False


@pytest.mark.parametrize("role", ["evaluator", "finance_user"])
def test_evaluators_and_finance_get_a_403(client_for, role, request, buyer):
    lot, _chosen, members = formalised_lot()
    authority = members[CaoRole.PRESIDENT][0].authority
    meeting = cao_meeting_record(by=buyer, authority=authority, convened_on=date(2026, 11, 12),
                                 held_at=paris(2026, 11, 20, 14, 0), attendees=members[CaoRole.MEMBER])
    client = client_for(request.getfixturevalue(role))
    for url in (reverse("tenders:cao-meetings", args=[authority.pk]),
                reverse("tenders:cao-members", args=[authority.pk]), create_url(authority),
                reverse("tenders:cao-meeting", args=[meeting.pk]),
                decision_url(meeting, lot), reverse("tenders:cao-opinion", args=[meeting.pk])):
        assert client.get(url).status_code == 403, url
    assert client.post(create_url(authority), meeting_data(members, full=3)).status_code == 403
    assert CaoMeeting.objects.count() == 1


def test_the_tender_page_says_what_the_cao_decided_and_what_it_awaits(client_for, buyer):
    lot, chosen, members = formalised_lot()
    second = LotFactory(tender=lot.tender, title="Presse en ligne")
    meeting = cao_meeting_record(authority=members[CaoRole.PRESIDENT][0].authority, convened_on=date(2026, 11, 12),
                                 held_at=paris(2026, 11, 20, 14, 0), attendees=members[CaoRole.MEMBER],
                                 tenders=[lot.tender], by=buyer)
    cao_decision_record(by=buyer, meeting=meeting, lot=lot, outcome=CaoOutcome.AWARD, bid=chosen)
    page = client_for(buyer).get(reverse("tenders:detail", args=[lot.tender.reference])).content.decode()
    assert "La CAO du 20/11/2026 a retenu l'offre de Lectura Numérique." in page
    assert "La CAO n'a pas encore choisi l'attributaire" in page
    assert decision_url(meeting, second) in page


def list_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_the_cao_lists_run_a_constant_number_of_queries(client_for, buyer):
    lot, _chosen, members = formalised_lot()
    authority = members[CaoRole.PRESIDENT][0].authority
    client = client_for(buyer)
    urls = [reverse("tenders:cao-meetings", args=[authority.pk]), reverse("tenders:cao-members", args=[authority.pk])]

    def meetings(count, start):
        for day in range(start, start + count):
            cao_meeting_record(authority=authority, convened_on=date(2026, 10, 1), held_at=paris(2026, 10, day, 14, 0),
                               attendees=members[CaoRole.MEMBER], tenders=[lot.tender], by=buyer)

    meetings(2, 2)
    before = [list_queries(client, url) for url in urls]
    meetings(8, 10)
    for index in range(6):
        CaoMember.objects.create(authority=authority, name=f"Suppléant {index}", role=CaoRole.SUBSTITUTE)
    assert [list_queries(client, url) for url in urls] == before


def test_the_menu_offers_the_cao_to_buyers_only(buyer, finance_user, evaluator):
    from procurement.core.navigation import menu_for

    assert "CAO" in [entry["label"] for entry in menu_for(buyer, "/")]
    assert "CAO" not in [entry["label"] for entry in menu_for(finance_user, "/")]
    assert "CAO" not in [entry["label"] for entry in menu_for(evaluator, "/")]


def test_a_seat_holder_linked_to_an_account_gets_their_cao_meetings_in_their_agenda(client_for, buyer):
    """An elected member with no role in the app: once the buyer links their seat to their account, the
    meetings of that CAO — and only that one — are in their agenda; when their term ends, no longer."""
    from procurement.dashboards.selectors.agenda import AgendaKind, agenda_events
    from tests.factories import UserFactory

    elected = UserFactory(username="m.roussel", first_name="Mathilde", last_name="Roussel")
    _lot, _chosen, members = formalised_lot()
    authority = members[CaoRole.PRESIDENT][0].authority
    other = cao_members(AuthorityFactory())[CaoRole.PRESIDENT][0].authority
    client = client_for(buyer)
    url = reverse("tenders:cao-members", args=[authority.pk])
    response = client.post(url, {"name": "Mathilde Roussel", "role": CaoRole.SUBSTITUTE,
                                 "title": "Conseillère métropolitaine", "user": elected.pk})
    assert response.status_code == 302
    seat = CaoMember.objects.get(name="Mathilde Roussel")
    assert seat.user == elected
    assert "Mathilde Roussel" in client.get(url).content.decode().split("<tbody>")[1]
    ours = cao_meeting_record(by=buyer, authority=authority, convened_on=date(2026, 11, 24),
                              held_at=paris(2026, 12, 1, 14, 0), attendees=members[CaoRole.MEMBER])
    cao_meeting_record(by=buyer, authority=other, convened_on=date(2026, 11, 24),
                       held_at=paris(2026, 12, 2, 9, 0), attendees=[])  # their seat is not there

    def meetings_in_agenda():
        return [event.uid for event in agenda_events(user=elected, today=date(2026, 11, 25))
                if event.kind == AgendaKind.CAO_MEETING]

    assert meetings_in_agenda() == [f"cao-meeting-{ours.pk}"]
    client.post(reverse("tenders:cao-member-end", args=[authority.pk, seat.pk]))
    seat.refresh_from_db()
    assert (seat.active, seat.user) == (False, elected)
    assert meetings_in_agenda() == []
