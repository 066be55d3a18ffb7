"""Factories for the cost-sharing tests (straight to the database, for set-up)."""

import factory

from procurement.sharing.models import Agreement, Member
from tests.programmes.factories import ProgrammeFactory


class AgreementFactory(factory.django.DjangoModelFactory):
    """An agreement for 2025–2027 referring to its convention by text."""

    class Meta:
        model = Agreement

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Partage des coûts n° {n}")
    start_year = 2025
    end_year = 2027
    convention_reference = "Convention de groupement de commandes n° 2024-031"


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    agreement = factory.SubFactory(AgreementFactory)
    name = factory.Sequence(lambda n: f"Commune {n}")
