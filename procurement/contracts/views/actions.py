"""Actions on a contract being executed: orders, amendments, subcontracting, price revisions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from procurement.contracts import selectors
from procurement.contracts.forms.contracts import (
    AmendmentForm,
    OrderForm,
    RevisionForm,
    SubcontractDecisionForm,
    SubcontractForm,
)
from procurement.contracts.models import Subcontract
from procurement.contracts.services.amendments import amendment_create
from procurement.contracts.services.indices import price_revision_apply
from procurement.contracts.services.orders import order_create
from procurement.contracts.services.subcontracts import subcontract_accept, subcontract_declare, subcontract_refuse
from procurement.contracts.validation import advance_summary, order_advance
from procurement.contracts.views.common import ContractAccessMixin, ServiceFormView
from procurement.core.money import format_eur
from procurement.core.views.service_forms import error_messages


class OrderCreateView(ServiceFormView):
    required_ability = "order"
    form_class = OrderForm
    anchor = "commandes"

    @property
    def title(self):
        return _("Bon de commande sur le marché %(reference)s") % {"reference": self.contract.reference}

    @property
    def intro(self):
        usage = selectors.consumption(self.contract)
        ordered = _("Commandé : %(consumed)s HT sur un maximum de %(maximum)s HT ; reste %(remaining)s HT.") % {
            "consumed": format_eur(usage.consumed_ht), "maximum": format_eur(usage.maximum_ht),
            "remaining": format_eur(usage.remaining_ht)}
        return f"{ordered} {advance_summary(self.contract)['reason']}"

    def perform(self, form):
        data = form.cleaned_data
        return order_create(contract=self.contract, ordered_on=data["ordered_on"], amount_ht=data["amount_ht"],
                            description=data["description"], vat_rate=data["vat_rate"], by=self.request.user)

    def after_success(self, order):
        messages.success(self.request, _("Bon de commande n° %(n)s enregistré : %(amount)s HT.") % {
            "n": order.number, "amount": format_eur(order.amount_ht)})
        advance = order_advance(order)
        if advance["required"]:
            messages.info(self.request, _("%(reason)s Au moins %(amount)s.") % {
                "reason": advance["reason"], "amount": advance["amount_display"]})


class AmendmentCreateView(ServiceFormView):
    required_ability = "amend"
    form_class = AmendmentForm
    anchor = "avenants"
    intro = gettext_lazy(
        "Chaque avenant nomme sa base légale. Le cumul des modifications est comparé au montant initial du marché "
        "(pour un accord-cadre, son maximum) ; une base dont la limite est dépassée est refusée avec sa raison."
    )

    @property
    def title(self):
        return _("Avenant au marché %(reference)s") % {"reference": self.contract.reference}

    def perform(self, form):
        return amendment_create(contract=self.contract, by=self.request.user, **form.cleaned_data)

    def after_success(self, amendment):
        messages.success(self.request, _("Avenant n° %(n)s enregistré (%(share)s %% du montant initial, "
                                         "%(cumulated)s %% en cumul).") % {
            "n": amendment.number, "share": amendment.change_share, "cumulated": amendment.cumulated_share})


class SubcontractCreateView(ServiceFormView):
    required_ability = "subcontract"
    form_class = SubcontractForm
    anchor = "sous-traitance"
    success_message = gettext_lazy("La déclaration de sous-traitance est enregistrée ; acceptez-la ou refusez-la.")

    @property
    def title(self):
        return _("Déclaration de sous-traitance (DC4) — %(reference)s") % {"reference": self.contract.reference}

    def perform(self, form):
        return subcontract_declare(contract=self.contract, by=self.request.user, **form.cleaned_data)


class SubcontractDecisionView(ContractAccessMixin, View):
    http_method_names = ["post"]
    required_ability = "subcontract"

    def post(self, request, *args, **kwargs):
        sub = get_object_or_404(Subcontract, pk=self.kwargs["pk"], contract=self.contract)
        form = SubcontractDecisionForm(request.POST, prefix=f"st-{sub.pk}")
        if not form.is_valid():
            messages.error(request, _("La décision est incomplète : choisissez-la et datez-la."))
            return redirect(self.detail_url("sous-traitance"))
        data = form.cleaned_data
        try:
            if data["decision"] == "accept":
                sub = subcontract_accept(subcontract=sub, decided_on=data["decided_on"],
                                         payment_terms=data["payment_terms"], by=request.user)
            else:
                sub = subcontract_refuse(subcontract=sub, decided_on=data["decided_on"], reason=data["reason"],
                                         by=request.user)
        except ValidationError as error:
            error_messages(request, error)
        else:
            text = _("Sous-traitance de %(vendor)s : %(status)s.") % {"vendor": sub.vendor.name,
                                                                       "status": sub.get_status_display().lower()}
            if sub.direct_payment:
                text += " " + _("Le sous-traitant sera payé directement par l'acheteur.")
            messages.success(request, text)
        return redirect(self.detail_url("sous-traitance"))


class PriceRevisionView(ContractAccessMixin, View):
    http_method_names = ["post"]
    required_ability = "revise"

    def post(self, request, *args, **kwargs):
        form = RevisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Indiquez la date de révision."))
            return redirect(self.detail_url("revisions"))
        try:
            revision = price_revision_apply(contract=self.contract, revision_on=form.cleaned_data["revision_on"],
                                            by=request.user)
        except ValidationError as error:
            error_messages(request, error)
        else:
            messages.success(request, _("Révision calculée : coefficient %(c)s, prix révisé %(p)s HT.") % {
                "c": revision.coefficient.normalize(), "p": format_eur(revision.price_ht)})
        return redirect(self.detail_url("revisions"))
