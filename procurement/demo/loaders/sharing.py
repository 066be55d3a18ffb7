"""Loads the BNM cost-sharing agreement (fixtures/bnm/cost_sharing.json) through the sharing services:
the deliberation approving the convention, the agreement, the 58 communes with their library and
their population of each year, what is shared and the keys. Idempotent: each thing is found by its
name (the agreement by programme and name, a member by name, a key by name) and brought back to the file."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from procurement.contracts.models import Contract
from procurement.demo.loaders.fixtures import FIXTURES, pick, place, read_fixture
from procurement.programmes.models import BudgetLine, Programme
from procurement.programmes.services import council_act_upsert
from procurement.resources.models import Library
from procurement.sharing.enums import MemberKind
from procurement.sharing.models import Agreement, Member, SharedItem, SharingKey
from procurement.sharing.services.agreements import agreement_create, agreement_update
from procurement.sharing.services.bounds import bounds_set
from procurement.sharing.services.items import shared_item_add
from procurement.sharing.services.keys import key_apply, key_create, key_update
from procurement.sharing.services.members import member_create, member_update
from procurement.sharing.services.populations import populations_set


def _agreement(programme: Programme, entry: dict, act, by) -> Agreement:
    fields = pick(entry, ("name", "start_year", "end_year", "convention_reference"))
    existing = Agreement.objects.filter(programme=programme, name=fields["name"]).first()
    if existing is None:
        return agreement_create(programme=programme, council_act=act, by=by, **fields)
    return agreement_update(agreement=existing, council_act=act, by=by, **fields)


def _members(agreement: Agreement, entries: list[dict], by) -> dict[str, Member]:
    libraries = {library.code: library for library in Library.objects.all()}
    existing = {member.name: member for member in Member.objects.filter(agreement=agreement)}
    members = {}
    for index, entry in enumerate(entries):
        with place(f"members[{index}]"):
            name, codes = entry["name"], entry.get("libraries", [])
            kind = entry.get("kind", MemberKind.COMMUNE)
            chosen = [libraries[code] for code in codes]
            member = existing.get(name)
            if member is None:
                member = member_create(agreement=agreement, name=name, kind=kind, libraries=chosen, by=by)
            elif member.kind != kind or set(member.libraries.values_list("pk", flat=True)) != {
                    library.pk for library in chosen}:
                member = member_update(member=member, name=name, kind=kind, libraries=chosen, by=by)
            members[name] = member
    for year in agreement.years:
        populations_set(agreement=agreement, year=year, by=by, populations={
            members[entry["name"]]: entry["populations"].get(str(year)) for entry in entries})
    return members


def _shared(agreement: Agreement, entries: list[dict], by) -> None:
    for index, entry in enumerate(entries):
        with place(f"shared[{index}]"):
            contract = Contract.objects.get(reference=entry["contract"]) if entry.get("contract") else None
            line = (BudgetLine.objects.get(programme=agreement.programme, label=entry["budget_line"])
                    if entry.get("budget_line") else None)
            if not SharedItem.objects.filter(agreement=agreement, contract=contract, budget_line=line).exists():
                shared_item_add(agreement=agreement, contract=contract, budget_line=line, by=by)


def _keys(agreement: Agreement, entries: list[dict], members: dict[str, Member], by) -> list[SharingKey]:
    keys = []
    for index, entry in enumerate(entries):
        with place(f"keys[{index}]"):
            key = SharingKey.objects.filter(agreement=agreement, name=entry["name"]).first()
            if key is None:
                key = key_create(agreement=agreement, name=entry["name"], label=entry["label"],
                                 components=entry["components"], by=by)
            else:
                key = key_update(key=key, name=entry["name"], label=entry["label"], components=entry["components"],
                                 by=by)
            if entry.get("applied"):
                key = key_apply(key=key, by=by)
            every = entry.get("floor_every_member_ttc")
            bounds = {members[name]: (every, None) for name in members} if every is not None else {}
            bounds.update({members[bound["member"]]: (bound.get("floor_ttc"), bound.get("cap_ttc"))
                           for bound in entry.get("bounds", [])})
            # A member the file no longer bounds loses its floor and cap.
            bounds.update({stale.member: (None, None) for stale in key.bounds.exclude(member__in=list(bounds))
                           .select_related("member")})
            if bounds:
                bounds_set(key=key, bounds=bounds, by=by)
            keys.append(key)
    return keys


@transaction.atomic
def load_demo_sharing(*, path: Path = FIXTURES / "cost_sharing.json", by=None) -> dict:
    data = read_fixture(path)
    programme = Programme.objects.get(reference=data["programme"])
    with place("council_act"):
        act_entry = data["council_act"]
        act = council_act_upsert(authority=programme.authority, kind=act_entry["kind"],
                                 reference=act_entry["reference"], adopted_on=act_entry["adopted_on"],
                                 object=act_entry["object"], programme=programme, by=by)
    with place("agreement"):
        agreement = _agreement(programme, data["agreement"], act, by)
    members = _members(agreement, data["members"], by)
    _shared(agreement, data["shared"], by)
    keys = _keys(agreement, data["keys"], members, by)
    return {"agreement": agreement.name, "years": [agreement.start_year, agreement.end_year],
            "members": len(members), "keys": [key.name for key in keys]}
