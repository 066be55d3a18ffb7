"""What the tenders pages share: access to a tender and a lot (core's mixin), the form page, labels."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy

from procurement.core.money import round_money
from procurement.core.views.access import AccessMixin
from procurement.core.views.service_forms import ServiceFormView as BaseServiceFormView
from procurement.tenders import selectors
from procurement.tenders.abilities import can_drive
from procurement.tenders.enums import BidStatus, LotState, TenderState

TRANSITION_LABELS = {
    "mark_ready": gettext_lazy("Marquer prête"),
    "back_to_draft": gettext_lazy("Revenir au brouillon"),
    # The app sends no notice: the button records that the buyer has published it.
    "publish": gettext_lazy("Marquer publiée"),
    "close": gettext_lazy("Clôturer la réception des offres"),
    "open_bids": gettext_lazy("Ouvrir les plis"),
    "complete": gettext_lazy("Terminer la consultation"),
    "abandon": gettext_lazy("Déclarer sans suite"),
    "award": gettext_lazy("Attribuer le lot"),
    "declare_unsuccessful": gettext_lazy("Déclarer le lot infructueux"),
    "push_back_deadline": gettext_lazy("Report de la date limite"),
    "negotiate": gettext_lazy("Négociation"),
    "regularise": gettext_lazy("Régularisation d'une offre"),
    "record_deposit": gettext_lazy("Pli enregistré après coup"),
}
# What a transition does not do, said beside its button and after it runs.
TRANSITION_HELP = {
    "publish": gettext_lazy(
        "L'application n'envoie rien : publiez l'avis et le DCE sur votre profil d'acheteur (et dans les "
        "journaux que demande l'avis de procédure), puis marquez la consultation publiée pour ouvrir les "
        "questions et la réception des offres."),
}
LOT_TRANSITION_LABELS = {**TRANSITION_LABELS, "abandon": gettext_lazy("Déclarer le lot sans suite")}


def candidate_transitions(instance, names) -> list[str]:
    """The transitions among ``names`` that leave the instance's current state (django-fsm's map),
    whether or not their guards currently accept them."""
    state = instance.state
    leaving = {
        transition.name for transition in instance.get_all_state_transitions()
        if transition.source in (state, "*") or (transition.source == "+" and transition.target != state)
    }
    return [name for name in names if name in leaving]


def bid_register(lot, abilities) -> dict:
    """The bids of a lot. Without ``read_bids`` (before the opening, or not a buyer) only the bidder,
    the time of receipt, the status and the files' SHA-256 leave this function: no amount, no file
    name, no file link."""
    rows = []
    for bid in lot.bids.all():
        files = list(bid.files.all())
        if abilities["read_bids"]:
            ht, ttc = bid.final_amount_ht, bid.final_amount_ttc
            rows.append({
                "bid": bid, "files": files, "ht": ht, "ttc": ttc,
                "vat": round_money(ttc - ht) if ttc is not None else None,
            })
        else:
            rows.append({
                "vendor": bid.vendor.name, "received_at": bid.received_at, "status": bid.status,
                "status_label": bid.get_status_display(),
                "late_reason": bid.status_reason if bid.status == BidStatus.LATE else "",
                "hashes": [file.sha256 for file in files],
            })
    return {"lot": lot, "rows": rows}


def state_label(value: str, *, lot: bool = False) -> str:
    labels = dict(LotState.choices if lot else TenderState.choices)
    return str(labels.get(value, value))


class TenderAccessMixin(AccessMixin):
    """Users outside the tenders' roles get a 403; a tender the user may not see (``reference``) is a 404
    (``visible_to``); then the tender's abilities, or the list's without a reference, decide."""

    grant = "tenders.read"
    tender = None

    def get_object(self):
        if "reference" not in self.kwargs:
            return None
        self.tender = self.load_tender()
        return self.tender

    def load_tender(self):
        return selectors.tender_for_user(user=self.request.user, reference=self.kwargs["reference"])

    def get_page_abilities(self) -> dict[str, bool]:
        return {"view": True, "create": can_drive(self.request.user)}

    def detail_url(self, anchor: str = "") -> str:
        return reverse("tenders:detail", args=[self.tender.reference]) + (f"#{anchor}" if anchor else "")


class LotMixin(TenderAccessMixin):
    """The lot ``number`` of the tender; the lot's abilities decide."""

    lot = None

    def get_object(self):
        self.lot = selectors.lot_detail(tender=super().get_object(), number=self.kwargs["number"])
        return self.lot

    def lot_url(self, lot=None) -> str:
        lot = lot or self.lot
        return reverse("tenders:lot-detail", args=[self.tender.reference, lot.number])


class ServiceFormView(TenderAccessMixin, BaseServiceFormView):
    """A form page about a tender (or, without a reference, the tenders list)."""

    template_name = "tenders/form.html"
    anchor = ""

    def get_success_url(self, result) -> str:
        return self.detail_url(self.anchor)

    def get_cancel_url(self) -> str:
        return self.detail_url() if self.tender else reverse("tenders:list")

    def get_context_data(self, **kwargs):
        kwargs.setdefault("tender", self.tender)
        return super().get_context_data(**kwargs)
