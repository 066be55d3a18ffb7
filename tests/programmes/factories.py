from datetime import date
from decimal import Decimal

import factory
from stdnum import luhn

from procurement.programmes.enums import AuthorityKind, BudgetSection, CouncilActKind
from procurement.programmes.models import Authority, BudgetCredit, BudgetLine, CouncilAct, Programme


def _siret(n: int) -> str:
    """A valid SIRET (Luhn keys on the SIREN and on the whole number), different for each ``n``."""
    siren = f"2{n:07d}"
    siren += luhn.calc_check_digit(siren)
    siret = siren + "0001"
    return siret + luhn.calc_check_digit(siret)


class AuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authority

    name = factory.Sequence(lambda n: f"Commune de Valbourg {n}")
    siret = factory.Sequence(_siret)
    street = "2 rue de l'Hôtel de ville"
    postal_code = "37100"
    city = "Valbourg"
    kind = AuthorityKind.COMMUNE
    large_operating_budget = False

    class Params:
        metropole = factory.Trait(
            kind=AuthorityKind.METROPOLE, large_operating_budget=True,
            name=factory.Sequence(lambda n: f"Métropole de Valbourg {n}"),
        )


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    reference = factory.Sequence(lambda n: f"PRG{n}")
    name = factory.Sequence(lambda n: f"Programme {n}")
    authority = factory.SubFactory(AuthorityFactory)
    description = ""
    envelope_ttc = None

    class Params:
        with_envelope = factory.Trait(envelope_ttc=Decimal("500000.00"), start_year=2025, end_year=2028)


class BudgetLineFactory(factory.django.DjangoModelFactory):
    """An investment line voted year by year; traits ``operating`` and ``with_authorisation``."""

    class Meta:
        model = BudgetLine

    programme = factory.SubFactory(ProgrammeFactory)
    section = BudgetSection.INVESTMENT
    label = factory.Sequence(lambda n: f"Ligne {n}")
    chapter = "20"
    article = "2031"
    function = "313"
    authorisation_reference = ""
    authorisation_amount_ttc = None

    class Params:
        operating = factory.Trait(section=BudgetSection.OPERATING, chapter="011", article="6065")
        with_authorisation = factory.Trait(
            authorisation_reference=factory.Sequence(lambda n: f"AUT-{n}"),
            authorisation_amount_ttc=Decimal("100000.00"),
        )


class BudgetCreditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetCredit

    budget_line = factory.SubFactory(BudgetLineFactory)
    year = factory.Sequence(lambda n: 2025 + n % 50)
    amount_ttc = Decimal("10000.00")


class CouncilActFactory(factory.django.DjangoModelFactory):
    """A specific deliberation adopted on 15/12/2025, without amount limit nor end."""

    class Meta:
        model = CouncilAct

    authority = factory.SubFactory(AuthorityFactory)
    kind = CouncilActKind.DELIBERATION
    reference = factory.Sequence(lambda n: f"CM-2025-{112 + n}")
    adopted_on = date(2025, 12, 15)
    valid_from = factory.LazyAttribute(lambda act: act.adopted_on)
    object = "Autorisation de signer les marchés de ressources numériques"

    class Params:
        delegation = factory.Trait(
            kind=CouncilActKind.DELEGATION, reference=factory.Sequence(lambda n: f"DEL-2020-{n:02d}"),
            adopted_on=date(2020, 7, 16), valid_to=date(2026, 3, 31), amount_limit_ht=Decimal("216000.00"),
            object="Délégation au président pour les marchés inférieurs au seuil européen",
        )
