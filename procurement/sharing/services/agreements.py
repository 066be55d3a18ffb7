"""The agreement and its convention: created for a programme over years that no other agreement of the
programme covers, changed, deleted with all it holds."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from procurement.core.permissions import require
from procurement.programmes.models import CouncilAct, Programme
from procurement.sharing.abilities import list_abilities
from procurement.sharing.models import Agreement
from procurement.sharing.services.common import REFUSED, delete_by, lock, lock_to_change, require_change


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
    require_change(agreement, by)
    Programme.objects.select_for_update().get(pk=agreement.programme_id)
    locked = lock(agreement)
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
    delete_by(lock_to_change(agreement, by), by)
