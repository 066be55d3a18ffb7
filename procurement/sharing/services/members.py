"""The members of an agreement (the Métropole and the communes) and the libraries each answers for:
added one by one or from the network's libraries, changed, removed."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from procurement.resources.models import Library
from procurement.sharing.enums import MemberKind
from procurement.sharing.models import Agreement, Member, MemberLibrary, MemberPopulation
from procurement.sharing.services.common import delete_by, lock_to_change, save_by
from procurement.sharing.services.populations import check_population_year


def _attach(member: Member, libraries: Iterable[Library], by) -> None:
    """Makes ``libraries`` the member's, refusing one that another member of the agreement answers for."""
    wanted = {library.pk: library for library in libraries}
    taken = (MemberLibrary.objects.filter(agreement=member.agreement_id, library__in=wanted)
             .exclude(member=member).select_related("member", "library").order_by("library__name").first())
    if taken is not None:
        raise ValidationError({"libraries": f"{taken.library} est déjà rattachée à {taken.member}."})
    for link in MemberLibrary.objects.filter(member=member).exclude(library__in=wanted):
        delete_by(link, by)
    existing = set(MemberLibrary.objects.filter(member=member).values_list("library_id", flat=True))
    for pk in wanted.keys() - existing:
        save_by(MemberLibrary(agreement_id=member.agreement_id, member=member, library=wanted[pk]), by)


@transaction.atomic
def member_create(*, agreement: Agreement, name: str, kind: str = MemberKind.COMMUNE,
                  libraries: Iterable[Library] = (), by) -> Member:
    locked = lock_to_change(agreement, by)
    member = save_by(Member(agreement=locked, name=(name or "").strip(), kind=kind), by)
    _attach(member, libraries, by)
    return member


@transaction.atomic
def member_update(*, member: Member, name: str, kind: str, libraries: Iterable[Library], by) -> Member:
    lock_to_change(member.agreement, by)
    locked = Member.objects.select_for_update().get(pk=member.pk)
    wanted = ((name or "").strip(), kind)
    if (locked.name, locked.kind) != wanted:
        locked.name, locked.kind = wanted
        save_by(locked, by)
    _attach(locked, libraries, by)
    return locked


@transaction.atomic
def member_delete(*, member: Member, by) -> None:
    """Deletes the member with its populations, libraries and bounds."""
    lock_to_change(member.agreement, by)
    delete_by(Member.objects.get(pk=member.pk), by)


@transaction.atomic
def members_from_libraries(*, agreement: Agreement, year: int, libraries: Iterable[Library] | None = None,
                           by) -> list[Member]:
    """A commune member per library of the network not yet in the agreement (every library by default):
    named after its commune (or that commune's existing member), the library attached, and the commune's
    population as the libraries know it entered for ``year`` where the member has none. Returns the
    members created."""
    locked = lock_to_change(agreement, by)
    check_population_year(locked, year)
    libraries = list(Library.objects.order_by("-population", "name") if libraries is None else libraries)
    attached = set(MemberLibrary.objects.filter(agreement=locked).values_list("library_id", flat=True))
    by_name = {member.name: member for member in Member.objects.filter(agreement=locked)}
    created = []
    for library in libraries:
        if library.pk in attached:
            continue
        member = by_name.get(library.commune)
        if member is None:
            member = by_name[library.commune] = save_by(Member(agreement=locked, name=library.commune,
                                                               kind=MemberKind.COMMUNE), by)
            created.append(member)
        save_by(MemberLibrary(agreement=locked, member=member, library=library), by)
        attached.add(library.pk)
        if not MemberPopulation.objects.filter(member=member, year=year).exists():
            save_by(MemberPopulation(member=member, year=year, population=library.population), by)
    return created
