"""Actions on a contract being executed: orders, amendments, subcontracting, price revisions."""

from __future__ import annotations

from django.contrib import messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procurement.contracts.forms.contracts import (
    AmendmentForm,
    OrderForm,
    RevisionForm,
    SubcontractDecisionForm,
    SubcontractForm,
)
from procurement.contracts.rules.terms import advance_summary, order_advance
from procurement.contracts.selectors import contracts as selectors
from procurement.contracts.services.amendments import amendment_create
from procurement.contracts.services.indices import price_revision_apply
from procurement.contracts.services.orders import order_create
from procurement.contracts.services.subcontracts import subcontract_accept, subcontract_declare, subcontract_refuse
from procurement.contracts.views.common import ContractActionView, ServiceFormView
from procurement.core.money import format_eur


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


class SubcontractDecisionView(ContractActionView):
    required_ability = "subcontract"
    anchor = "sous-traitance"
    invalid_message = gettext_lazy("La décision est incomplète : choisissez-la et datez-la.")

    def get_form(self, data):
        self.subcontract = selectors.subcontract_of(contract=self.contract, pk=self.kwargs["pk"])
        return SubcontractDecisionForm(data, prefix=f"st-{self.subcontract.pk}")

    def perform(self, data):
        if data["decision"] == "accept":
            sub = subcontract_accept(subcontract=self.subcontract, decided_on=data["decided_on"],
                                     payment_terms=data["payment_terms"], by=self.request.user)
        else:
            sub = subcontract_refuse(subcontract=self.subcontract, decided_on=data["decided_on"],
                                     reason=data["reason"], by=self.request.user)
        text = _("Sous-traitance de %(vendor)s : %(status)s.") % {"vendor": sub.vendor.name,
                                                                   "status": sub.get_status_display().lower()}
        if sub.direct_payment:
            text += " " + _("Le sous-traitant sera payé directement par l'acheteur.")
        return text


class PriceRevisionView(ContractActionView):
    required_ability = "revise"
    anchor = "revisions"
    form_class = RevisionForm
    invalid_message = gettext_lazy("Indiquez la date de révision.")

    def perform(self, data):
        revision = price_revision_apply(contract=self.contract, revision_on=data["revision_on"], by=self.request.user)
        return _("Révision calculée : coefficient %(c)s, prix révisé %(p)s HT.") % {
            "c": revision.coefficient.normalize(), "p": format_eur(revision.price_ht)}
