"""What the tenders pages share: access by role and ability, service errors on forms, labels."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from procurement.core.money import round_money
from procurement.core.permissions import may
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


def add_service_errors(form, error: ValidationError, *, default_field: str | None = None) -> None:
    """Puts a service's errors on the form's fields (or above the form when no field matches)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else default_field, errors)
    else:
        form.add_error(default_field, error)


def error_messages(request, reasons) -> None:
    for reason in reasons:
        messages.error(request, reason)


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


class TenderAccessMixin(LoginRequiredMixin):
    """Anonymous users go to the login page; users outside the tenders' roles get a 403; a tender the
    user may not see is a 404 (``visible_to``); a missing ability is a 403."""

    grant = "tenders.read"
    required_ability = "view"
    tender = None
    abilities: dict[str, bool] = {}

    def load_tender(self):
        return selectors.tender_for_user(user=self.request.user, reference=self.kwargs["reference"])

    def has_ability(self) -> bool:
        return bool(self.abilities.get(self.required_ability))

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not may(request.user, self.grant):
            raise PermissionDenied(_("Cette page est réservée à d'autres profils."))
        if "reference" in self.kwargs:
            self.tender = self.load_tender()
            self.abilities = self.tender.get_abilities(request.user)
        else:
            self.abilities = {"view": True, "create": can_drive(request.user)}
        if not self.has_ability():
            raise PermissionDenied(_("Cette action n'est pas permise à votre profil ou dans cet état."))
        return super().dispatch(request, *args, **kwargs)


class ServiceFormView(TenderAccessMixin, TemplateView):
    """GET shows the form; a valid POST calls ``perform`` (a service) and redirects; a refusal puts
    the service's errors on the form and saves nothing."""

    template_name = "tenders/form.html"
    form_class: type = None
    success_message = ""
    title = ""
    intro = ""

    def get_form(self, data=None, files=None):
        return self.form_class(data=data, files=files)

    def perform(self, form):  # pragma: no cover - abstract
        raise NotImplementedError

    def get_success_url(self, result) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def get_cancel_url(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def after_success(self, result) -> None:
        if self.success_message:
            messages.success(self.request, self.success_message)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=self.title, intro=self.intro, cancel_url=self.get_cancel_url(), tender=self.tender,
            abilities=self.abilities, **kwargs,
        )

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.get_form()))

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = self.perform(form)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                self.after_success(result)
                return redirect(self.get_success_url(result))
        return self.render_to_response(self.get_context_data(form=form))
