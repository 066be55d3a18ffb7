"""The home page lists each role's to-dos, each a link to the page where it is done, with its date."""

from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from procurement.contracts.services.invoices import invoice_receive
from procurement.tenders.enums import LotState
from procurement.tenders.models import Lot, Question
from tests.contracts.factories import ContractFactory
from tests.factories import UserFactory
from tests.tenders.evaluation.factories import CommitteeMemberFactory, DeclarationFactory, final_ranking
from tests.tenders.factories import BidFactory, LotFactory, OpeningRecordFactory, TenderFactory, paris

pytestmark = pytest.mark.django_db


def home(client_for, user) -> str:
    response = client_for(user).get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, key: str) -> str:
    """The to-do card ``key`` (``a-faire-<key>``), or "" when the group has nothing."""
    start = html.find(f'id="a-faire-{key}"')
    return "" if start < 0 else unescape(html[start:html.index("</section>", start)])


def buyer_world(*, size: int) -> dict:
    """``size`` tenders of each kind a buyer has to move on, on Tuesday 5 January 2027."""
    world = {"late": [], "closed": [], "to_award": [], "this_week": []}
    for _ in range(size):
        # Deadline Monday 4 January at noon: passed, the reception is to close.
        world["late"].append(TenderFactory(published=True, bid_deadline=paris(2027, 1, 4, 12, 0)))
        world["closed"].append(TenderFactory(closed=True))
        lot = LotFactory(tender=TenderFactory(opened=True), criteria=True)
        BidFactory(lot=lot, compliant=True)
        final_ranking(lot)
        world["to_award"].append(lot)
        # Deadline Friday 8 January at noon (the factory's), with an unanswered question.
        tender = TenderFactory(published=True)
        Question.objects.create(tender=tender, text="Les livres audio sont-ils compris ?",
                                asked_at=paris(2026, 12, 20, 10, 0))
        world["this_week"].append(tender)
    return world


@pytest.mark.freeze_time("2027-01-05 10:00:00+01:00")
def test_a_buyer_sees_the_steps_due_the_questions_and_the_deadlines_of_the_week(client_for, buyer):
    world = buyer_world(size=1)
    late, closed = world["late"][0], world["closed"][0]
    lot, asked = world["to_award"][0], world["this_week"][0]
    html = home(client_for, buyer)

    steps = section(html, "transitions")
    assert f'href="{reverse("tenders:detail", args=[late.reference])}#transitions"' in steps
    assert f"Clôturer la réception des offres de {late.reference}" in steps
    assert "date limite passée le <time datetime=\"2027-01-04\">lundi 4 janvier 2027</time>" in steps
    assert f'href="{reverse("tenders:opening", args=[closed.reference])}"' in steps
    assert f"Enregistrer l'ouverture des plis de {closed.reference}" in steps
    lot_url = reverse("tenders:lot-detail", args=[lot.tender.reference, lot.number])
    assert f'href="{lot_url}#decision"' in steps
    assert f"Décider de l'attribution : {lot.tender.reference}, lot 1 — Livres numériques" in steps
    assert '<span class="badge badge--warn">3</span>' in steps

    questions = section(html, "questions")
    assert f'href="{reverse("tenders:detail", args=[asked.reference])}#questions"' in questions
    assert f"1 question à laquelle répondre — {asked.reference}" in questions
    # Six days before Friday 8 January: the answer was due on Saturday 2 January.
    assert "réponses au plus tard le <time datetime=\"2027-01-02\">samedi 2 janvier 2027</time>" in questions
    assert "en retard" in questions

    week = section(html, "week")
    assert f"Date limite de réception des offres — {asked.reference}, à 12:00" in week
    assert '<time datetime="2027-01-08">vendredi 8 janvier 2027</time>' in week
    assert late.reference not in week


@pytest.mark.freeze_time("2027-01-05 10:00:00+01:00")
def test_nothing_is_due_once_the_steps_are_taken(client_for, buyer):
    world = buyer_world(size=1)
    Lot.objects.filter(pk=world["to_award"][0].pk).update(state=LotState.UNSUCCESSFUL)
    Question.objects.update(answer="Oui.", answered_at=paris(2027, 1, 2, 9, 0))
    OpeningRecordFactory(tender=world["closed"][0])
    html = unescape(home(client_for, buyer))
    assert "Clôturer la réception" in html  # the late tender is still to close
    assert "Enregistrer l'ouverture" not in html and "Décider de l'attribution" not in html
    assert f"Ouvrir les plis de {world['closed'][0].reference}" in html
    assert f"Terminer la consultation {world['to_award'][0].tender.reference}" in html
    assert section(html, "questions") == ""
    assert "Rien en attente : questions à traiter" in html


@pytest.mark.freeze_time("2027-01-05 10:00:00+01:00")
def test_the_buyer_home_runs_the_same_queries_for_one_and_five_of_each(client_for, buyer,
                                                                         django_assert_max_num_queries):
    buyer_world(size=1)
    client = client_for(buyer)
    with django_assert_max_num_queries(22) as small:
        client.get(reverse("home"))
    buyer_world(size=4)
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get(reverse("home")).content.decode()
    assert '<span class="badge badge--warn">15</span>' in section(html, "transitions")
    assert html.count("question à laquelle répondre") == 5


def evaluator_world(sophie) -> dict:
    """Sophie sits on two opened tenders: one lot to declare for, one to score; a third tender's
    committee is another evaluator's; a fourth lot of hers is already decided."""
    to_sign = LotFactory(tender=TenderFactory(opened=True), criteria=True, title="Livres numériques")
    OpeningRecordFactory(tender=to_sign.tender, opened_at=paris(2026, 1, 9, 9, 0))
    CommitteeMemberFactory(tender=to_sign.tender, user=sophie)
    to_score = LotFactory(tender=TenderFactory(opened=True), criteria=True, title="Presse en ligne")
    member = CommitteeMemberFactory(tender=to_score.tender, user=sophie)
    DeclarationFactory(member=member, lot=to_score)
    decided = LotFactory(tender=to_score.tender, criteria=True, title="Vidéo à la demande")
    Lot.objects.filter(pk=decided.pk).update(state=LotState.UNSUCCESSFUL)
    other = LotFactory(tender=TenderFactory(opened=True), criteria=True, title="Musique en ligne")
    CommitteeMemberFactory(tender=other.tender)
    return {"to_sign": to_sign, "to_score": to_score, "decided": decided, "other": other}


@pytest.mark.freeze_time("2026-02-02 10:00:00+01:00")
def test_an_evaluator_sees_her_declarations_to_sign_and_notes_to_submit_and_nothing_else(client_for):
    sophie = UserFactory(evaluator=True, first_name="Sophie", last_name="Lambert")
    world = evaluator_world(sophie)
    html = home(client_for, sophie)

    to_sign, to_score = world["to_sign"], world["to_score"]
    declarations = section(html, "declarations")
    declare_url = reverse("tenders:evaluation-declare", args=[to_sign.tender.reference, 1])
    assert f'<a href="{declare_url}">{to_sign.tender.reference}, lot 1 — Livres numériques</a>' in declarations
    assert 'plis ouverts le <time datetime="2026-01-09">vendredi 9 janvier 2026</time>' in declarations
    notes = section(html, "notes")
    scores_url = reverse("tenders:evaluation-scores", args=[to_score.tender.reference, 1])
    assert f'<a href="{scores_url}">{to_score.tender.reference}, lot 1 — Presse en ligne</a>' in notes
    assert "Vidéo à la demande" not in html
    assert world["other"].tender.reference not in html
    assert "apparaîtront ici" not in html
    assert "Vous siégez à la commission pour 3 lots" in html
    assert reverse("tenders:my-evaluations") in html


@pytest.mark.freeze_time("2026-02-02 10:00:00+01:00")
def test_submitted_notes_leave_the_evaluator_home(client_for):
    from procurement.tenders.models import Submission

    sophie = UserFactory(evaluator=True)
    world = evaluator_world(sophie)
    Submission.objects.create(lot=world["to_score"], evaluator=sophie)
    html = home(client_for, sophie)
    assert section(html, "notes") == ""
    assert "Rien en attente : notes à remettre" in html


@pytest.mark.freeze_time("2026-02-02 10:00:00+01:00")
def test_the_evaluator_home_runs_the_same_queries_for_one_and_five_committees(client_for,
                                                                               django_assert_max_num_queries):
    sophie = UserFactory(evaluator=True)
    evaluator_world(sophie)
    client = client_for(sophie)
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("home"))
    for _ in range(4):
        evaluator_world(sophie)
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get(reverse("home")).content.decode()
    assert '<span class="badge badge--warn">5</span>' in section(html, "declarations")


def receive(contract, number: str, received_on: date):
    return invoice_receive(contract=contract, number=number, issued_on=received_on, received_on=received_on,
                           lines=((Decimal("20"), Decimal("1000.00")),), by=UserFactory(buyer=True),
                           today=date(2026, 11, 25))


@pytest.mark.freeze_time("2026-11-25 10:00:00+01:00")
def test_finance_sees_invoices_near_their_deadline_late_interest_due_and_renewals(client_for, finance_user):
    contract = ContractFactory(framework=True, notified=True)   # renewal decision by 01/12/2026
    near = receive(contract, "F-NEAR", date(2026, 11, 1))       # due 01/12/2026
    late = receive(contract, "F-LATE", date(2026, 10, 20))      # due 19/11/2026: six days late
    receive(contract, "F-LATER", date(2026, 11, 20))            # due 20/12/2026: not yet
    html = home(client_for, finance_user)

    invoices = section(html, "invoices")
    assert f'href="{reverse("contracts:invoice-detail", args=[near.pk])}"' in invoices
    assert f"Facture F-NEAR — {contract.reference}, {contract.holder.name}" in invoices
    assert 'à payer au plus tard le <time datetime="2026-12-01">mardi 1er décembre 2026</time>' in invoices \
        or 'à payer au plus tard le <time datetime="2026-12-01">mardi 1 décembre 2026</time>' in invoices
    assert "F-LATER" not in html
    overdue = section(html, "late")
    assert f'href="{reverse("contracts:invoice-detail", args=[late.pk])}"' in overdue
    assert ("6 jours de retard sur l'échéance du <time datetime=\"2026-11-19\">jeudi 19 novembre 2026</time>"
            in overdue)
    assert "en retard" in overdue
    renewals = section(html, "renewals")
    assert f'href="{reverse("contracts:detail", args=[contract.reference])}#reconduction"' in renewals
    assert f"Décider de la reconduction de {contract.reference}" in renewals


@pytest.mark.freeze_time("2026-11-25 10:00:00+01:00")
def test_the_finance_home_runs_the_same_queries_for_one_and_five_invoices(client_for, finance_user,
                                                                          django_assert_max_num_queries):
    contract = ContractFactory(framework=True, notified=True)
    receive(contract, "F-0", date(2026, 11, 1))
    client = client_for(finance_user)
    with django_assert_max_num_queries(15) as small:
        client.get(reverse("home"))
    for number in range(1, 5):
        receive(contract, f"F-{number}", date(2026, 10, 20 + number))
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get(reverse("home")).content.decode()
    assert html.count("Facture F-") == 5


def test_an_administrator_sees_the_renewals_once(client_for, staff_user):
    html = unescape(home(client_for, staff_user))
    assert "À faire — achats" in html and "À faire — finances" in html
    assert html.count("reconductions à décider") == 1
    # Sitting on no committee, the administrator has no evaluator's to-dos.
    assert "À faire — commission d'évaluation" not in html
    assert "Vous ne siégez à aucune commission d'évaluation." in html


@pytest.mark.freeze_time("2026-11-25 10:00:00+01:00")
def test_a_long_renewals_group_shows_the_nearest_ten_and_links_to_them_all(client_for, finance_user,
                                                                           django_assert_max_num_queries):
    client = client_for(finance_user)
    contracts = [ContractFactory(framework=True, notified=True) for _ in range(3)]
    with django_assert_max_num_queries(15) as few:
        renewals = section(client.get(reverse("home")).content.decode(), "renewals")
    assert "plus proches" not in renewals and renewals.count("Décider de la reconduction") == 3
    contracts += [ContractFactory(framework=True, notified=True) for _ in range(9)]
    with django_assert_max_num_queries(len(few.captured_queries)):
        renewals = section(client.get(reverse("home")).content.decode(), "renewals")
    assert renewals.count("Décider de la reconduction") == 10
    assert '<span class="badge badge--warn">12</span>' in renewals
    assert "Les 10 plus proches sur 12." in renewals
    assert f'href="{reverse("contracts:list")}?renewal_due=on"' in renewals
    # Same deadline for all: the nearest ten by reference.
    shown = sorted(contract.reference for contract in contracts)[:10]
    assert all(f"reconduction de {reference} —" in renewals for reference in shown)
