"""The legal population of each member for each year of the agreement: a year's grid set at once, one
member's figure, and a year copied from another (before INSEE publishes the new figures)."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction

from procurement.sharing.models import Agreement, Member, MemberPopulation
from procurement.sharing.services.common import lock_to_change, write_member_rows


def check_population_year(agreement: Agreement, year: int) -> None:
    if not isinstance(year, int) or not agreement.start_year <= year <= agreement.end_year:
        raise ValidationError({"year": f"L'année doit être l'une de celles de la convention "
                                       f"({agreement.start_year}–{agreement.end_year})."})


def _population(value, member: Member) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(str(value).strip().replace("\u202f", "").replace("\xa0", "").replace(" ", ""))
    except ValueError:
        raise ValidationError({"population": f"{member} : « {value} » n'est pas un nombre d'habitants."}) from None
    if number < 0:
        raise ValidationError({"population": f"{member} : une population est positive ou nulle."})
    return number


@transaction.atomic
def populations_set(*, agreement: Agreement, year: int, populations: Mapping[Member | int, int | str | None],
                    by) -> list[MemberPopulation]:
    """Sets the legal population of ``year`` of several members at once (member or its pk → inhabitants;
    None or empty removes the year's figure); returns the rows written (unchanged ones are not). Checked
    here, in full, before anything is written, then written in bulk (the 58 communes of a year at once)."""
    locked = lock_to_change(agreement, by)
    check_population_year(locked, year)
    members = {member.pk: member for member in Member.objects.filter(agreement=locked)}
    wanted: dict[int, int | None] = {}
    for key, value in populations.items():
        pk = key.pk if isinstance(key, Member) else key
        if pk not in members:
            raise ValidationError({"population": f"{key} n'est pas membre de la convention « {locked.name} »."})
        wanted[pk] = _population(value, members[pk])
    return write_member_rows(
        rows=MemberPopulation.objects.filter(year=year), fields=["population"], by=by,
        wanted={pk: None if number is None else (number,) for pk, number in wanted.items()},
        new=lambda pk, values: MemberPopulation(member=members[pk], year=year, population=values[0]))


def population_set(*, member: Member, year: int, population: int | str | None, by) -> MemberPopulation | None:
    """Sets (or, with None, removes) one member's population of ``year``; see ``populations_set``."""
    saved = populations_set(agreement=member.agreement, year=year, populations={member.pk: population}, by=by)
    return saved[0] if saved else None


@transaction.atomic
def populations_copy(*, agreement: Agreement, from_year: int, to_year: int, replace: bool = False,
                     by) -> list[MemberPopulation]:
    """Copies the populations of ``from_year`` into ``to_year`` (before INSEE publishes the new figures);
    the populations already entered for ``to_year`` are kept unless ``replace``."""
    locked = lock_to_change(agreement, by)
    check_population_year(locked, from_year)
    check_population_year(locked, to_year)
    source = dict(MemberPopulation.objects.filter(member__agreement=locked, year=from_year)
                  .values_list("member_id", "population"))
    if not source:
        raise ValidationError({"year": f"Aucune population n'est saisie pour {from_year}."})
    if not replace:
        done = set(MemberPopulation.objects.filter(member__agreement=locked, year=to_year)
                   .values_list("member_id", flat=True))
        source = {pk: number for pk, number in source.items() if pk not in done}
    return populations_set(agreement=locked, year=to_year, populations=source, by=by)
