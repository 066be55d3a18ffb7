"""Factories for the CAO: a Métropole's commission (a president, 5 full members, 5 substitutes, the
public accountant with an advisory voice) and a decision choosing a bidder."""

from __future__ import annotations

from datetime import date

import factory

from procurement.tenders.enums import CaoOutcome, CaoRole
from procurement.tenders.models import CaoDecision, CaoMeeting, CaoMember
from tests.programmes.factories import AuthorityFactory
from tests.tenders.factories import paris


class CaoMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaoMember

    authority = factory.SubFactory(AuthorityFactory)
    name = factory.Sequence(lambda n: f"Élu n° {n}")
    role = CaoRole.MEMBER


def cao_members(authority=None) -> dict[str, list[CaoMember]]:
    """The seat-holders, by role: 6 voting seats (the president and 5 full members)."""
    authority = authority or AuthorityFactory()
    return {
        CaoRole.PRESIDENT: [CaoMemberFactory(authority=authority, role=CaoRole.PRESIDENT, name="Paule Verdier")],
        CaoRole.MEMBER: [CaoMemberFactory(authority=authority, role=CaoRole.MEMBER) for _ in range(5)],
        CaoRole.SUBSTITUTE: [CaoMemberFactory(authority=authority, role=CaoRole.SUBSTITUTE) for _ in range(5)],
        CaoRole.ADVISORY: [CaoMemberFactory(authority=authority, role=CaoRole.ADVISORY, name="Comptable public")],
    }


def cao_chooses(lot, bid, *, difference_reason: str = "", held_at=None) -> CaoDecision:
    """A valid meeting (quorum: 6 voting members out of 6) that chose ``bid`` for ``lot``; written straight
    to the database for set-up."""
    authority = lot.tender.programme.authority if lot.tender.programme_id else AuthorityFactory()
    meeting = CaoMeeting.objects.create(authority=authority, convened_on=date(2026, 11, 2),
                                        held_at=held_at or paris(2026, 11, 10, 14, 0), voting_seats=6,
                                        voting_present=6, quorum_reached=True)
    return CaoDecision.objects.create(meeting=meeting, lot=lot, outcome=CaoOutcome.AWARD, bid=bid,
                                      difference_reason=difference_reason)
