"""The contract's step on the lot page (the award in order: ranking, award, letters, contract). The
tenders app does not read contracts: its lot page asks this tag for the last step."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from procurement.contracts.abilities import can_act
from procurement.contracts.enums import ContractState
from procurement.contracts.selectors import contracts as selectors
from procurement.core.legal_calendar import short_date
from procurement.tenders.enums import LotState

register = template.Library()


def _window(letters) -> str:
    if letters is None or letters.signable_from is None:
        return ""
    return _(" Délai de suspension jusqu'au %(end)s : signature possible à partir du %(start)s.") % {
        "end": short_date(letters.standstill_end),
        "start": short_date(letters.signable_from),
    }


@register.simple_tag(takes_context=True)
def lot_contract_step(context, lot, steps) -> dict:
    """The contract step as a dict (label, done, possible, why, url, button, detail, next)."""
    step = {
        "label": _("Créer le marché"),
        "done": False,
        "possible": False,
        "why": [],
        "url": "",
        "button": "",
        "detail": "",
        "next": "",
    }
    user = context["request"].user
    contract = selectors.contract_of_lot(lot=lot)
    letters = steps.get("letters_document")
    if contract is not None:
        url = reverse("contracts:detail", args=[contract.reference])
        step.update(
            done=True,
            url=url,
            button=_("Voir le marché %(reference)s") % {"reference": contract.reference},
            detail=_("Marché %(reference)s créé (%(state)s).")
            % {"reference": contract.reference, "state": contract.get_state_display()},
        )
        if contract.state == ContractState.TO_SIGN:
            step["next"] = _("Étape suivante : compléter les clauses du marché %(reference)s puis le signer.") % {
                "reference": contract.reference
            } + _window(letters)
        return step
    if lot.state != LotState.AWARDED:
        step["why"] = [_("Le lot n'est pas encore attribué.")]
        return step
    if not steps.get("letters_done"):
        step["why"] = [
            _(
                "Générez d'abord les courriers : la date d'envoi des lettres de rejet fait courir le délai "
                "de suspension, que le marché respecte avant sa signature."
            )
        ]
        return step
    if not can_act(user):
        step["why"] = [_("La création du marché est réservée aux acheteurs.")]
        return step
    step.update(
        possible=True,
        url=reverse("contracts:create") + f"?lot={lot.pk}",
        button=_("Créer le marché"),
        next=_(
            "Étape suivante : créer le marché à partir de l'attribution — titulaire, montant, TVA et "
            "durée repris de l'offre retenue."
        )
        + _window(letters),
    )
    return step
