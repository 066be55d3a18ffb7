"""Bid pages: receipt (sealed), the opening record, the recording of opened bids, file download."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from procurement.core.views.service_forms import add_service_errors
from procurement.tenders import selectors
from procurement.tenders.enums import BidStatus, LotState, Procedure
from procurement.tenders.evaluation.abilities import evaluation_abilities
from procurement.tenders.evaluation.gate import evaluation_started
from procurement.tenders.evaluation.rounds import load_round
from procurement.tenders.exports.bids_register import bids_register_xlsx
from procurement.tenders.forms.bids import (
    BidReceiveForm,
    BidRecordForm,
    NegotiateForm,
    OpeningForm,
    OpeningRowForm,
    RegulariseForm,
)
from procurement.tenders.models import Bid
from procurement.tenders.models.bids import UNSEALED_STATES
from procurement.tenders.services import bids
from procurement.tenders.services.bid_files import bid_file_download_record
from procurement.tenders.views.common import (
    LotMixin,
    ServiceFormView,
    TenderAccessMixin,
)


class BidReceiveView(ServiceFormView):
    """A bid is registered sealed: its files are stored under a random name with their SHA-256."""

    form_class = BidReceiveForm
    anchor = "offres"
    title = gettext_lazy("Enregistrer une offre reçue")
    intro = gettext_lazy(
        "L'offre reste scellée jusqu'à l'ouverture des plis : seuls le candidat, l'heure de réception et "
        "l'empreinte des fichiers sont lisibles. Un dépôt électronique est horodaté par le serveur au moment "
        "où vous l'enregistrez ; un pli papier ou un support physique enregistré après coup demande son heure "
        "de remise et un motif, inscrits au journal. Une offre reçue après la date limite est enregistrée hors "
        "délai, sans ses fichiers, et ne sera pas ouverte."
    )

    required_ability = "receive_bids"

    def get_form(self, data=None, files=None):
        return BidReceiveForm(data=data, files=files, tender=self.tender)

    def perform(self, form):
        data = form.cleaned_data
        bid = {"lot": data["lot"], "channel": data["channel"], "received_at": data["received_at"],
               "deposit_reason": data["deposit_reason"], "files": data["files"], "by": self.request.user,
               "candidature_form": data["candidature_form"],
               "exclusion_declaration": data["exclusion_declaration"], "capacities": data["capacities"]}
        new_vendor = form.new_vendor()
        if new_vendor is not None:
            # The company and its bid in one transaction: a refusal of either creates nothing.
            return bids.bid_receive_new_vendor(vendor=new_vendor, **bid)
        return bids.bid_receive(vendor=data["vendor"], **bid)

    def after_success(self, bid):
        if bid.status == BidStatus.LATE:
            messages.warning(self.request, _("Offre de %(vendor)s hors délai. %(reason)s") % {
                "vendor": bid.vendor.name, "reason": bid.status_reason})
        else:
            messages.success(self.request, _("L'offre de %(vendor)s est enregistrée, scellée jusqu'à l'ouverture.")
                             % {"vendor": bid.vendor.name})



class OpeningView(ServiceFormView):
    required_ability = "record_opening"
    anchor = "transitions"
    form_class = OpeningForm
    title = gettext_lazy("Procès-verbal d'ouverture des plis")
    success_message = gettext_lazy("Le procès-verbal est enregistré : vous pouvez maintenant ouvrir les plis.")

    def perform(self, form):
        return bids.opening_record_create(tender=self.tender, by=self.request.user, **form.cleaned_data)



class BidRecordView(TenderAccessMixin, TemplateView):
    """After the opening: the amounts, the candidature's admissibility and the bid's status; then the
    regularisation of an irregular bid, or a negotiation when the MAPA's rules provide for it."""

    template_name = "tenders/bid_record.html"
    required_ability = "record_bids"
    actions = {
        "record": (BidRecordForm, "record_form"),
        "regularise": (RegulariseForm, "regularise_form"),
        "negotiate": (NegotiateForm, "negotiate_form"),
    }

    def load_bid(self) -> Bid:
        return selectors.bid_of_tender(tender=self.tender, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        bid, tender = self.bid, self.tender
        bid.lot.tender = tender
        deciding = bid.lot.state == LotState.EVALUATING
        frozen = evaluation_started(bid.lot)
        can_regularise = deciding and bid.status == BidStatus.IRREGULAR
        can_negotiate = (deciding and bid.status == BidStatus.COMPLIANT and tender.procedure == Procedure.MAPA
                         and tender.mapa_negotiation)
        context = {
            "tender": tender, "bid": bid, "lot": bid.lot, "abilities": self.abilities,
            "files": list(bid.files.all()), "late": bid.status == BidStatus.LATE,
            "frozen": frozen,
            "record_form": None if frozen else BidRecordForm(initial=record_initial(bid), prefix="record"),
            "regularise_form": RegulariseForm(prefix="regularise") if can_regularise else None,
            "negotiate_form": NegotiateForm(prefix="negotiate") if can_negotiate else None,
        }
        context.update(kwargs)
        return super().get_context_data(**context)

    def get(self, request, *args, **kwargs):
        self.bid = self.load_bid()
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        self.bid = self.load_bid()
        action = request.POST.get("action", "")
        if action not in self.actions:
            messages.error(request, _("Action inconnue."))
            return redirect(request.path)
        form_class, key = self.actions[action]
        form = form_class(request.POST, prefix=action)
        if form.is_valid():
            try:
                self.perform(action, form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("L'offre de %(vendor)s a été enregistrée.") % {
                    "vendor": self.bid.vendor.name})
                return redirect(reverse("tenders:lot-detail", args=[self.tender.reference, self.bid.lot.number]))
        return self.render_to_response(self.get_context_data(**{key: form}))

    def perform(self, action: str, data: dict) -> Bid:
        by = self.request.user
        if action == "record":
            return bids.bid_record_opening(bid=self.bid, by=by, **data)
        if action == "regularise":
            return bids.bid_regularise(bid=self.bid, note=data["regularisation_note"], by=by)
        return bids.bid_negotiate(bid=self.bid, amount_ht=data["amount_ht"], reason=data["reason"], by=by)


def record_initial(bid: Bid) -> dict:
    """What the opening recorded for ``bid``, as the record form's initial values."""
    return {
        "amount_ht": bid.amount_ht, "vat_rate": bid.vat_rate, "status": bid.status,
        "status_reason": bid.status_reason, "admissibility_reason": bid.admissibility_reason,
        "admissible": {True: "oui", False: "non"}.get(bid.admissible),
    }

# The opening grid's columns: the bidder, then one per field of its row form.
OPENING_COLUMNS = (
    gettext_lazy("Candidat"), gettext_lazy("Montant HT (€)"), gettext_lazy("TVA (%)"), gettext_lazy("Recevable"),
    gettext_lazy("Motif de recevabilité"), gettext_lazy("Statut"), gettext_lazy("Motif du statut"))


class LotOpeningGridView(LotMixin, TemplateView):
    """Every opened bid of a lot on one grid (one row per bid, the opening's fields in columns), saved in
    one submission: a wrong cell names the bid and the field, and nothing is stored."""

    template_name = "tenders/opening_grid.html"
    required_ability = "record_bids"

    def bids(self) -> list[Bid]:
        return list(self.lot.bids.on_time().select_related("vendor").order_by("received_at", "pk"))

    def get_context_data(self, **kwargs):
        frozen = self.lot.state != LotState.EVALUATING or evaluation_started(self.lot)
        return super().get_context_data(tender=self.tender, lot=self.lot, abilities=self.abilities, frozen=frozen,
                                        lot_url=self.lot_url(), columns=OPENING_COLUMNS, **kwargs)

    def get(self, request, *args, **kwargs):
        forms = [OpeningRowForm(bid=bid, initial=record_initial(bid)) for bid in self.bids()]
        return self.render_to_response(self.get_context_data(forms=forms, errors=[]))

    def post(self, request, *args, **kwargs):
        forms = [OpeningRowForm(request.POST, bid=bid) for bid in self.bids()]
        errors = [message for form in forms if not form.is_valid() for message in form.labelled_errors()]
        if not errors:
            try:
                bids.lot_opening_record(lot=self.lot, by=request.user,
                                        rows=[{"bid": form.bid, **form.cleaned_data} for form in forms])
            except ValidationError as error:
                errors = self.place_errors(forms, error)
            else:
                messages.success(request, _("L'ouverture des %(count)s offre(s) du lot %(number)s est enregistrée.")
                                 % {"count": len(forms), "number": self.lot.number})
                return redirect(self.lot_url() + "#offres")
        return self.render_to_response(self.get_context_data(forms=forms, errors=errors), status=200)

    @staticmethod
    def place_errors(forms, error: ValidationError) -> list[str]:
        """The service's errors (keyed ``<bid id>.<field>``) on their cells; all of them in the summary."""
        if not hasattr(error, "error_dict"):
            return error.messages
        by_bid = {str(form.bid.pk): form for form in forms}
        summary = []
        for key, items in error.error_dict.items():
            messages_ = [message for item in items for message in item.messages]
            summary += messages_
            bid_pk, _dot, field = key.partition(".")
            form = by_bid.get(bid_pk)
            if form is not None and field in form.fields:
                form.add_error(field, messages_)
        return summary


class BidFileDownloadView(TenderAccessMixin, View):
    """Streams a bid's file as an attachment, once the bids are opened, to whoever has the lot's
    ``read_bids`` ability (``evaluation_abilities``): the buyers, and the members of the committee who
    declared no conflict of interest on that lot. Before the opening nobody, administrators included,
    reads a bid's file. Every download is logged."""

    bid_file = None

    def has_ability(self) -> bool:
        if self.tender.state not in UNSEALED_STATES:
            raise PermissionDenied(_("Les fichiers des offres restent scellés jusqu'à l'ouverture des plis."))
        self.bid_file = selectors.bid_file_for_user(user=self.request.user, tender=self.tender, pk=self.kwargs["pk"])
        lot = self.bid_file.bid.lot
        lot.tender = self.tender
        round_state = load_round(lot)
        abilities = evaluation_abilities(lot, self.request.user, round_state)
        if abilities["read_bids"]:
            return True
        if abilities["conflicted"]:
            raise PermissionDenied(_("Vous avez déclaré un conflit d'intérêts sur ce lot : ses offres ne vous "
                                     "sont pas communiquées."))
        if abilities["member"]:
            raise PermissionDenied(_("Signez votre déclaration d'intérêts sur ce lot avant de lire ses offres."))
        return False

    def get(self, request, *args, **kwargs):
        bid_file = self.bid_file
        try:
            handle = bid_file.file.open("rb")
        except FileNotFoundError:
            raise Http404(_("Le fichier de cette offre est introuvable.")) from None
        bid_file_download_record(bid_file=bid_file, by=request.user)
        response = FileResponse(handle, as_attachment=True, filename=bid_file.original_name,
                                content_type="application/octet-stream")
        response["Cache-Control"] = "private, no-store"
        return response


class BidsRegisterExportView(TenderAccessMixin, View):
    """The register of bids received, as .xlsx: the amounts only for those the page shows them to."""

    def get(self, request, *args, **kwargs):
        response = HttpResponse(
            bids_register_xlsx(tender=self.tender, user=request.user),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="registre-depots-{self.tender.reference}.xlsx"'
        return response
