"""The writes of the cost-sharing agreements: the agreement and its convention, its members and their
libraries, their population of each year, what is shared, the keys with their components, floors and
caps, and the key applied. Every function takes the acting user as ``by``, checks the ability the
pages show, validates with ``full_clean()`` and runs in a transaction: a refusal (``ValidationError``
naming the field, in French) leaves the stored data unchanged."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from procurement.contracts.models import Contract
from procurement.core.money import MONEY_LIMIT, MoneyError, format_eur, round_money, to_decimal
from procurement.core.permissions import require
from procurement.programmes.models import BudgetLine, CouncilAct, Programme
from procurement.resources.models import Library
from procurement.sharing.abilities import list_abilities
from procurement.sharing.enums import KeyBasis, MemberKind
from procurement.sharing.models import (
    Agreement,
    KeyComponent,
    Member,
    MemberBound,
    MemberLibrary,
    MemberPopulation,
    SharedItem,
    SharingKey,
)
from procurement.sharing.rules import SharingRefused
from procurement.sharing.selectors.agreements import shareable_budget_lines, shareable_contracts
from procurement.sharing.selectors.costs import YearCost, shared_costs
from procurement.sharing.selectors.keys import key_definition
from procurement.sharing.selectors.shares import shares

REFUSED = "Seuls les acheteurs et les agents des finances tiennent les conventions de partage des coûts."
AmountInput = Decimal | int | str


def _save(instance, by):
    instance.full_clean()
    instance._history_user = by  # simple-history: who made the change, outside a request too
    instance.save()
    return instance


def _delete(instance, by) -> None:
    instance._history_user = by
    instance.delete()


def _require_change(agreement: Agreement, by) -> None:
    require(agreement.get_abilities(by)["change"], REFUSED)


def _locked(agreement: Agreement) -> Agreement:
    """The agreement's row locked: two changes of its members or keys wait for each other."""
    return Agreement.objects.select_for_update().get(pk=agreement.pk)


# The agreement --------------------------------------------------------------------------------------


def _check_agreement(agreement: Agreement) -> None:
    agreement.full_clean()
    act = agreement.council_act
    if act is not None and act.authority_id != agreement.programme.authority_id:
        raise ValidationError({"council_act": f"{act} émane d'un autre acheteur public que celui du programme."})
    overlapping = (Agreement.objects.filter(programme=agreement.programme, start_year__lte=agreement.end_year,
                                            end_year__gte=agreement.start_year)
                   .exclude(pk=agreement.pk).order_by("start_year").first())
    if overlapping is not None:
        raise ValidationError({"start_year": f"La convention « {overlapping.name} » couvre déjà "
                                             f"{overlapping.start_year}–{overlapping.end_year} pour ce programme : "
                                             f"les années de deux conventions ne se chevauchent pas."})


@transaction.atomic
def agreement_create(*, programme: Programme, name: str, start_year: int, end_year: int,
                     council_act: CouncilAct | None = None, convention_reference: str = "", by) -> Agreement:
    require(list_abilities(by)["create"], REFUSED)
    Programme.objects.select_for_update().get(pk=programme.pk)  # two creations for one programme wait in turn
    agreement = Agreement(programme=programme, name=(name or "").strip(), start_year=start_year, end_year=end_year,
                          council_act=council_act, convention_reference=(convention_reference or "").strip())
    _check_agreement(agreement)
    agreement._history_user = by
    agreement.save()
    return agreement


@transaction.atomic
def agreement_update(*, agreement: Agreement, name: str, start_year: int, end_year: int,
                     council_act: CouncilAct | None = None, convention_reference: str = "", by) -> Agreement:
    """Changes the agreement's name, years and convention. Populations entered for years it no longer
    covers are kept (they count again if the years come back)."""
    _require_change(agreement, by)
    Programme.objects.select_for_update().get(pk=agreement.programme_id)
    locked = _locked(agreement)
    wanted = ((name or "").strip(), start_year, end_year, council_act.pk if council_act else None,
              (convention_reference or "").strip())
    if wanted == (locked.name, locked.start_year, locked.end_year, locked.council_act_id,
                  locked.convention_reference):
        return locked
    locked.name, locked.start_year, locked.end_year = (name or "").strip(), start_year, end_year
    locked.council_act, locked.convention_reference = council_act, (convention_reference or "").strip()
    _check_agreement(locked)
    locked._history_user = by
    locked.save()
    return locked


@transaction.atomic
def agreement_delete(*, agreement: Agreement, by) -> None:
    """Deletes the agreement with its members, populations, items and keys."""
    _require_change(agreement, by)
    _delete(_locked(agreement), by)


# Members --------------------------------------------------------------------------------------------


def _attach(member: Member, libraries: Iterable[Library], by) -> None:
    """Makes ``libraries`` the member's, refusing one that another member of the agreement answers for."""
    wanted = {library.pk: library for library in libraries}
    taken = (MemberLibrary.objects.filter(agreement=member.agreement_id, library__in=wanted)
             .exclude(member=member).select_related("member", "library").order_by("library__name").first())
    if taken is not None:
        raise ValidationError({"libraries": f"{taken.library} est déjà rattachée à {taken.member}."})
    for link in MemberLibrary.objects.filter(member=member).exclude(library__in=wanted):
        _delete(link, by)
    existing = set(MemberLibrary.objects.filter(member=member).values_list("library_id", flat=True))
    for pk in wanted.keys() - existing:
        _save(MemberLibrary(agreement_id=member.agreement_id, member=member, library=wanted[pk]), by)


@transaction.atomic
def member_create(*, agreement: Agreement, name: str, kind: str = MemberKind.COMMUNE,
                  libraries: Iterable[Library] = (), by) -> Member:
    _require_change(agreement, by)
    locked = _locked(agreement)
    member = _save(Member(agreement=locked, name=(name or "").strip(), kind=kind), by)
    _attach(member, libraries, by)
    return member


@transaction.atomic
def member_update(*, member: Member, name: str, kind: str, libraries: Iterable[Library], by) -> Member:
    _require_change(member.agreement, by)
    _locked(member.agreement)
    locked = Member.objects.select_for_update().get(pk=member.pk)
    if (locked.name, locked.kind) != ((name or "").strip(), kind):
        locked.name, locked.kind = (name or "").strip(), kind
        _save(locked, by)
    _attach(locked, libraries, by)
    return locked


@transaction.atomic
def member_delete(*, member: Member, by) -> None:
    """Deletes the member with its populations, libraries and bounds."""
    _require_change(member.agreement, by)
    _locked(member.agreement)
    _delete(Member.objects.get(pk=member.pk), by)


@transaction.atomic
def members_from_libraries(*, agreement: Agreement, year: int, libraries: Iterable[Library] | None = None,
                           by) -> list[Member]:
    """A commune member per library of the network not yet in the agreement (every library by default):
    named after its commune (or that commune's existing member), the library attached, and the commune's
    population as the libraries know it entered for ``year`` where the member has none. Returns the
    members created."""
    _require_change(agreement, by)
    locked = _locked(agreement)
    _check_population_year(locked, year)
    libraries = list(Library.objects.order_by("-population", "name") if libraries is None else libraries)
    attached = set(MemberLibrary.objects.filter(agreement=locked).values_list("library_id", flat=True))
    by_name = {member.name: member for member in Member.objects.filter(agreement=locked)}
    created = []
    for library in libraries:
        if library.pk in attached:
            continue
        member = by_name.get(library.commune)
        if member is None:
            member = by_name[library.commune] = _save(Member(agreement=locked, name=library.commune,
                                                             kind=MemberKind.COMMUNE), by)
            created.append(member)
        _save(MemberLibrary(agreement=locked, member=member, library=library), by)
        attached.add(library.pk)
        if not MemberPopulation.objects.filter(member=member, year=year).exists():
            _save(MemberPopulation(member=member, year=year, population=library.population), by)
    return created


# Populations ----------------------------------------------------------------------------------------


def _check_population_year(agreement: Agreement, year: int) -> None:
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
    _require_change(agreement, by)
    locked = _locked(agreement)
    _check_population_year(locked, year)
    members = {member.pk: member for member in Member.objects.filter(agreement=locked)}
    wanted: dict[int, int | None] = {}
    for key, value in populations.items():
        pk = key.pk if isinstance(key, Member) else key
        if pk not in members:
            raise ValidationError({"population": f"{key} n'est pas membre de la convention « {locked.name} »."})
        wanted[pk] = _population(value, members[pk])
    existing = {row.member_id: row for row in MemberPopulation.objects.filter(member__in=list(wanted), year=year)}
    removed = [row.pk for pk, row in existing.items() if wanted[pk] is None]
    created = [MemberPopulation(member=members[pk], year=year, population=number)
               for pk, number in wanted.items() if number is not None and pk not in existing]
    changed = []
    for pk, row in existing.items():
        if wanted[pk] is not None and wanted[pk] != row.population:
            row.population = wanted[pk]
            changed.append(row)
    for row in MemberPopulation.objects.filter(pk__in=removed):
        _delete(row, by)
    bulk_create_with_history(created, MemberPopulation, default_user=by)
    bulk_update_with_history(changed, MemberPopulation, ["population"], default_user=by)
    return created + changed


def population_set(*, member: Member, year: int, population: int | str | None, by) -> MemberPopulation | None:
    """Sets (or, with None, removes) one member's population of ``year``; see ``populations_set``."""
    saved = populations_set(agreement=member.agreement, year=year, populations={member.pk: population}, by=by)
    return saved[0] if saved else None


@transaction.atomic
def populations_copy(*, agreement: Agreement, from_year: int, to_year: int, replace: bool = False,
                     by) -> list[MemberPopulation]:
    """Copies the populations of ``from_year`` into ``to_year`` (before INSEE publishes the new figures);
    the populations already entered for ``to_year`` are kept unless ``replace``."""
    _require_change(agreement, by)
    locked = _locked(agreement)
    _check_population_year(locked, from_year)
    _check_population_year(locked, to_year)
    source = dict(MemberPopulation.objects.filter(member__agreement=locked, year=from_year)
                  .values_list("member_id", "population"))
    if not source:
        raise ValidationError({"year": f"Aucune population n'est saisie pour {from_year}."})
    if not replace:
        done = set(MemberPopulation.objects.filter(member__agreement=locked, year=to_year)
                   .values_list("member_id", flat=True))
        source = {pk: number for pk, number in source.items() if pk not in done}
    return populations_set(agreement=locked, year=to_year, populations=source, by=by)


# What is shared -------------------------------------------------------------------------------------


@transaction.atomic
def shared_item_add(*, agreement: Agreement, contract: Contract | None = None,
                    budget_line: BudgetLine | None = None, by) -> SharedItem:
    """Shares a contract (all its budget lines), a budget line (every contract charged to it), or a contract
    on one budget line (its maintenance, say), among the programme's."""
    _require_change(agreement, by)
    locked = _locked(agreement)
    if contract is not None and not shareable_contracts(agreement=locked).filter(pk=contract.pk).exists():
        raise ValidationError({"contract": f"Le marché {contract.reference} n'est imputé sur aucune ligne "
                                           f"budgétaire du programme {locked.programme.reference}."})
    if budget_line is not None and not shareable_budget_lines(agreement=locked).filter(pk=budget_line.pk).exists():
        raise ValidationError({"budget_line": f"La ligne « {budget_line.label} » n'est pas une ligne du programme "
                                              f"{locked.programme.reference}."})
    item = SharedItem(agreement=locked, contract=contract, budget_line=budget_line)
    item.full_clean()
    item._history_user = by
    for other in SharedItem.objects.filter(agreement=locked).select_related("contract", "budget_line"):
        if ((other.contract_id is None or other.contract_id == item.contract_id)
                and (other.budget_line_id is None or other.budget_line_id == item.budget_line_id)):
            raise ValidationError({"contract" if contract is not None else "budget_line":
                                   f"Déjà partagé par « {other} »."})
    item.save()
    return item


@transaction.atomic
def shared_item_remove(*, item: SharedItem, by) -> None:
    _require_change(item.agreement, by)
    _locked(item.agreement)
    _delete(SharedItem.objects.get(pk=item.pk), by)


# Keys -----------------------------------------------------------------------------------------------


def _weights(components: Mapping[str, AmountInput | None]) -> dict[str, Decimal]:
    """The components kept (basis → weight), the empty ones left out; each weight strictly positive."""
    weights = {}
    for basis, value in components.items():
        if basis not in KeyBasis.values:
            raise ValidationError({"components": f"« {basis} » n'est pas une composante (population, usage, flat)."})
        if value is None or value == "":
            continue
        label = KeyBasis(basis).label
        try:
            weight = to_decimal(value)
        except MoneyError:
            raise ValidationError({basis: f"{label} : « {value} » n'est pas un poids."}) from None
        if weight < 0:
            raise ValidationError({basis: f"{label} : un poids est positif."})
        if weight == 0:
            continue
        if weight != weight.quantize(Decimal("0.0001")) or weight >= Decimal("100000"):
            raise ValidationError({basis: f"{label} : un poids a au plus quatre décimales et reste sous 100 000."})
        weights[basis] = weight
    if not weights:
        raise ValidationError({"components": "Donnez un poids à une composante au moins : population, usages ou "
                                             "part égale."})
    return weights


def _set_components(key: SharingKey, weights: Mapping[str, Decimal], by) -> None:
    existing = {component.basis: component for component in KeyComponent.objects.filter(key=key)}
    for basis, component in existing.items():
        if basis not in weights:
            _delete(component, by)
    for basis, weight in weights.items():
        component = existing.get(basis) or KeyComponent(key=key, basis=basis)
        if component.pk is None or component.weight != weight:
            component.weight = weight
            _save(component, by)


@transaction.atomic
def key_create(*, agreement: Agreement, name: str, label: str, components: Mapping[str, AmountInput | None],
               apply: bool = False, by) -> SharingKey:
    """A named key: ``components`` maps ``population``, ``usage``, ``flat`` to their weights (relative:
    50 and 50 or 1 and 1; empty or zero leaves the component out). ``apply`` makes it the agreement's key."""
    _require_change(agreement, by)
    locked = _locked(agreement)
    weights = _weights(components)
    key = _save(SharingKey(agreement=locked, name=(name or "").strip().lower(), label=(label or "").strip()), by)
    _set_components(key, weights, by)
    if apply:
        _apply(key, by)
    return key


@transaction.atomic
def key_update(*, key: SharingKey, name: str, label: str, components: Mapping[str, AmountInput | None],
               by) -> SharingKey:
    _require_change(key.agreement, by)
    _locked(key.agreement)
    weights = _weights(components)
    locked = SharingKey.objects.select_for_update().get(pk=key.pk)
    if (locked.name, locked.label) != ((name or "").strip().lower(), (label or "").strip()):
        locked.name, locked.label = (name or "").strip().lower(), (label or "").strip()
        _save(locked, by)
    _set_components(locked, weights, by)
    return locked


@transaction.atomic
def key_delete(*, key: SharingKey, by) -> None:
    _require_change(key.agreement, by)
    _locked(key.agreement)
    _delete(SharingKey.objects.get(pk=key.pk), by)


def _apply(key: SharingKey, by) -> None:
    for other in SharingKey.objects.filter(agreement=key.agreement_id, is_applied=True).exclude(pk=key.pk):
        other.is_applied, other._history_user = False, by
        other.save(update_fields=["is_applied", "updated_at"])
    if not key.is_applied:
        key.is_applied, key._history_user = True, by
        key.save(update_fields=["is_applied", "updated_at"])


@transaction.atomic
def key_apply(*, key: SharingKey, by) -> SharingKey:
    """Makes ``key`` the one the agreement applies (the others stay, to compare)."""
    _require_change(key.agreement, by)
    _locked(key.agreement)
    locked = SharingKey.objects.select_for_update().get(pk=key.pk)
    _apply(locked, by)
    return locked


def _bound_amount(value: AmountInput | None, field: str, member: Member) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = round_money(value)
    except MoneyError as exc:
        raise ValidationError({field: f"{member} : {exc}"}) from exc
    if amount < 0:
        what = "plancher" if field == "floor_ttc" else "plafond"
        raise ValidationError({field: f"{member} : un {what} est positif ou nul."})
    if amount >= MONEY_LIMIT:
        raise ValidationError({field: f"{member} : le montant dépasse le maximum géré."})
    return amount


@transaction.atomic
def bounds_set(*, key: SharingKey, bounds: Mapping[Member | int, tuple[AmountInput | None, AmountInput | None]],
               by) -> list[MemberBound]:
    """Sets what members pay at least (floor) and at most (cap) each year under ``key``, TTC: member or its
    pk → (floor, cap); both empty removes them. Returns the rows written (unchanged ones are not). Checked
    in full before anything is written, then written in bulk. Refused when the key would no longer divide
    a year of the agreement it divides now: a floor above that year's total (the member would pay more than
    the total), floors adding up to more, caps that cannot cover it."""
    _require_change(key.agreement, by)
    _locked(key.agreement)
    members = {member.pk: member for member in Member.objects.filter(agreement=key.agreement_id)}
    wanted: dict[int, tuple[Decimal | None, Decimal | None]] = {}
    for item, (floor_ttc, cap_ttc) in bounds.items():
        pk = item.pk if isinstance(item, Member) else item
        if pk not in members:
            raise ValidationError({"member": f"{item} n'est pas membre de la convention de la clé « {key.name} »."})
        member = members[pk]
        floor, cap = _bound_amount(floor_ttc, "floor_ttc", member), _bound_amount(cap_ttc, "cap_ttc", member)
        if floor is not None and cap is not None and floor > cap:
            raise ValidationError({"cap_ttc": f"{member} : le plafond ne peut pas être inférieur au plancher."})
        wanted[pk] = (floor, cap)
    divided = _years_divided(key)
    for pk, (floor, _cap) in wanted.items():
        for year, cost in divided.items():
            if floor is not None and floor > cost.total_ttc:
                raise ValidationError({"floor_ttc": f"{members[pk]} : le plancher ({format_eur(floor)}) dépasse le "
                                                    f"total à répartir en {year} ({format_eur(cost.total_ttc)}) : "
                                                    f"le membre paierait plus que le total."})
    existing = {row.member_id: row for row in MemberBound.objects.filter(key=key, member__in=list(wanted))}
    removed = [row.pk for pk, row in existing.items() if wanted[pk] == (None, None)]
    created = [MemberBound(key=key, member=members[pk], floor_ttc=floor, cap_ttc=cap)
               for pk, (floor, cap) in wanted.items() if (floor, cap) != (None, None) and pk not in existing]
    changed = []
    for pk, row in existing.items():
        if wanted[pk] != (None, None) and wanted[pk] != (row.floor_ttc, row.cap_ttc):
            row.floor_ttc, row.cap_ttc = wanted[pk]
            changed.append(row)
    for row in MemberBound.objects.filter(pk__in=removed):
        _delete(row, by)
    bulk_create_with_history(created, MemberBound, default_user=by)
    bulk_update_with_history(changed, MemberBound, ["floor_ttc", "cap_ttc"], default_user=by)
    if divided:
        definition = key_definition(agreement=key.agreement, key=key)
        for year, cost in divided.items():
            try:
                shares(agreement=key.agreement, year=year, key=definition, cost=cost)
            except SharingRefused as refusal:
                # Raised inside the transaction: the bounds written above are rolled back.
                raise ValidationError({NON_FIELD_ERRORS: f"En {year}, ces planchers et plafonds empêcheraient la "
                                                         f"clé de répartir : {refusal.reason}"}) from None
    return created + changed


def _years_divided(key: SharingKey) -> dict[int, YearCost]:
    """The years of the agreement whose cost the key divides as it stands, with that cost: floors and caps
    may not take one of them away (a year the key cannot divide yet, for want of uses, say, is left to the
    shares page, which says why)."""
    agreement = key.agreement
    definition = key_definition(agreement=agreement, key=key)
    divided = {}
    for year, cost in shared_costs(agreement=agreement).items():
        try:
            shares(agreement=agreement, year=year, key=definition, cost=cost)
        except SharingRefused:
            continue
        divided[year] = cost
    return divided


def bound_set(*, key: SharingKey, member: Member, floor_ttc: AmountInput | None = None,
              cap_ttc: AmountInput | None = None, by) -> MemberBound | None:
    """Sets (or, both empty, removes) one member's floor and cap under ``key``; see ``bounds_set``."""
    bounds_set(key=key, bounds={member: (floor_ttc, cap_ttc)}, by=by)
    return MemberBound.objects.filter(key=key, member=member).first()
