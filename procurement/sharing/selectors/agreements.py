"""The agreements of a programme, their members in the agreement's order, the members' populations of each
year, what the agreement shares and what it may share."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from procurement.contracts.models import Contract
from procurement.programmes.models import BudgetLine, Programme
from procurement.sharing.enums import MemberKind
from procurement.sharing.models import Agreement, Member, MemberPopulation, SharedItem


def _sort_name(name: str) -> str:
    """Accents and case set aside, so that « Écully » files among the E."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()


def member_order(member: Member) -> tuple:
    """The agreement's order: the Métropole first, then the communes by name (the rounding's last tie-break)."""
    return (0 if member.kind == MemberKind.METROPOLE else 1, _sort_name(member.name), member.pk)


def programme_by_reference(reference: str) -> Programme | None:
    """The programme a command names (``--programme BNM``: its reference), case set aside."""
    return Programme.objects.filter(reference__iexact=(reference or "").strip()).first()


def agreement_list(*, programme: Programme | None = None) -> QuerySet[Agreement]:
    agreements = Agreement.objects.select_related("programme", "council_act")
    if programme is not None:
        agreements = agreements.filter(programme=programme)
    return agreements.order_by("programme__reference", "-start_year", "name")


def agreement_detail(*, pk: int) -> Agreement:
    return get_object_or_404(agreement_list(), pk=pk)


def agreement_for(*, programme: Programme, year: int) -> Agreement | None:
    """The programme's agreement covering ``year`` (the services keep them from overlapping)."""
    return agreement_list(programme=programme).filter(start_year__lte=year, end_year__gte=year).first()


def member_list(*, agreement: Agreement) -> list[Member]:
    """The members in the agreement's order, their libraries prefetched (two queries)."""
    members = (Member.objects.filter(agreement=agreement)
               .prefetch_related("libraries").order_by())
    return sorted(members, key=member_order)


@dataclass(frozen=True)
class PopulationRow:
    member: Member
    populations: dict[int, int | None]  # year -> legal population, None when not entered


def population_table(*, agreement: Agreement) -> list[PopulationRow]:
    """Each member's population in every year of the agreement (None where it is missing)."""
    stored = {(row.member_id, row.year): row.population
              for row in MemberPopulation.objects.filter(member__agreement=agreement)}
    return [PopulationRow(member=member, populations={year: stored.get((member.pk, year)) for year in agreement.years})
            for member in member_list(agreement=agreement)]


def shared_item_list(*, agreement: Agreement) -> QuerySet[SharedItem]:
    return (SharedItem.objects.filter(agreement=agreement)
            .select_related("contract", "budget_line").order_by("contract__reference", "budget_line__label", "pk"))


def shareable_contracts(*, agreement: Agreement) -> QuerySet[Contract]:
    """The contracts an item may name: those charged to one of the programme's budget lines."""
    programme = agreement.programme_id
    charged = Q(budget_line__programme=programme) | Q(maintenance_budget_line__programme=programme)
    return Contract.objects.filter(charged).distinct().order_by("reference")


def shareable_budget_lines(*, agreement: Agreement) -> QuerySet[BudgetLine]:
    return BudgetLine.objects.filter(programme=agreement.programme_id).order_by("section", "label")
