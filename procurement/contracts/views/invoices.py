"""Invoice pages: the list with filters, an invoice with its deadline and late interest, the forms
to record one, the service done, the interruption, the resumption and the payment."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from procurement.contracts.abilities import can_handle_invoices
from procurement.contracts.forms.invoices import (
    InvoiceActionForm,
    InvoiceFilterForm,
    InvoiceForm,
    InvoiceImportForm,
    LateInterestForm,
)
from procurement.contracts.models import Invoice
from procurement.contracts.selectors import invoices as selectors
from procurement.contracts.selectors.contracts import invoice_detail
from procurement.contracts.services import invoices as services
from procurement.contracts.services.invoice_imports import uploaded_invoices_import
from procurement.contracts.views.common import ContractAccessMixin, ContractFormView
from procurement.core.enums import ReferenceKind
from procurement.core.selectors import reference_confirmed
from procurement.core.views.service_forms import add_service_errors

PAGE_SIZE = 50


class InvoiceListView(ContractAccessMixin, TemplateView):
    template_name = "contracts/invoice_list.html"

    def get_context_data(self, **kwargs):
        form = InvoiceFilterForm(self.request.GET or None)
        status = form.cleaned_data.get("status", "") if form.is_valid() else ""
        page = Paginator(selectors.invoice_list(status=status), PAGE_SIZE).get_page(self.request.GET.get("page"))
        page.object_list = selectors.with_rate_confirmation(page.object_list)
        return super().get_context_data(filter_form=form, page_obj=page, abilities=self.abilities, **kwargs)


class InvoiceImportView(ContractAccessMixin, ContractFormView):
    """Invoices received through Chorus Pro, uploaded together: the answer is one row per file, recorded
    or refused with its problems, above the form emptied for the next ones."""

    form_class = InvoiceImportForm
    template_name = "contracts/invoice_import.html"
    required_ability = "import_invoices"
    title = gettext_lazy("Importer des factures (Chorus Pro)")
    submit_label = gettext_lazy("Importer")
    intro = gettext_lazy("Chaque fichier est contrôlé contre son schéma officiel, rapproché du fournisseur par son "
                         "SIRET et du marché ou du bon de commande par ses références, puis enregistré en entier "
                         "ou refusé avec tous ses problèmes.")

    def get_cancel_url(self) -> str:
        return reverse("contracts:invoices")

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        outcomes = uploaded_invoices_import(uploads=form.cleaned_data["files"], by=request.user,
                                            received_on=form.cleaned_data["received_on"])
        return self.render_to_response(self.get_context_data(form=self.get_form(), outcomes=outcomes))


class LateInterestCalculatorView(ContractAccessMixin, TemplateView):
    """The payment deadline and late interest of an invoice's dates, by the invoices' own functions;
    read by GET, nothing stored."""

    template_name = "contracts/late_interest.html"

    def get_context_data(self, **kwargs):
        form, result = LateInterestForm(self.request.GET or None), None
        if form.is_valid():
            try:
                result = services.late_interest_simulation(**form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
        return super().get_context_data(form=form, result=result, **kwargs)


def _invoice(request, pk: int) -> Invoice:
    return invoice_detail(pk=pk)


def _calculator_query(invoice: Invoice) -> str:
    """The calculator's form filled with the invoice's amount and dates (the payment date left to type
    while it is unpaid)."""
    values = {"amount_ttc": invoice.total_ttc, "received_on": invoice.received_on,
              "service_done_on": invoice.service_done_on, "suspended_from": invoice.interrupted_on,
              "resumed_on": invoice.resumed_on, "paid_on": invoice.paid_on}
    return urlencode({name: value.isoformat() if hasattr(value, "isoformat") else value
                      for name, value in values.items() if value is not None})


class InvoiceDetailView(ContractAccessMixin, TemplateView):
    template_name = "contracts/invoice_detail.html"

    def get_context_data(self, **kwargs):
        invoice = _invoice(self.request, self.kwargs["pk"])
        late = None
        if invoice.paid_on and invoice.late_days:
            late = services.late_interest_for(amount_ttc=invoice.total_ttc, deadline=invoice.payment_deadline,
                                              paid_on=invoice.paid_on)
        rate_unconfirmed = late is not None and not reference_confirmed(ReferenceKind.ECB_MAIN_RATE, at=late.rate_date)
        return super().get_context_data(invoice=invoice, late=late, rate_unconfirmed=rate_unconfirmed,
                                        abilities=invoice.get_abilities(self.request.user),
                                        late_interest_query=_calculator_query(invoice),
                                        action_form=InvoiceActionForm(), **kwargs)


class InvoiceCreateView(ContractAccessMixin, FormView):
    form_class = InvoiceForm
    template_name = "contracts/form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_handle_invoices(request.user):
            raise PermissionDenied(_("Cette page est réservée à d'autres profils."))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "contract": self.contract}

    def get_context_data(self, **kwargs):
        return super().get_context_data(contract=self.contract, title=_("Nouvelle facture"),
                                        cancel_url=reverse("contracts:detail", args=[self.contract.reference]),
                                        **kwargs)

    def form_valid(self, form):
        try:
            invoice = services.invoice_receive(contract=self.contract, by=self.request.user, **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Facture enregistrée : à payer au plus tard le %(day)s.")
                         % {"day": invoice.payment_deadline.strftime("%d/%m/%Y")} if invoice.payment_deadline
                         else _("Facture enregistrée."))
        return redirect("contracts:invoice-detail", pk=invoice.pk)


ACTIONS = {
    "accept_service": (services.invoice_accept_service, gettext_lazy("Service fait constaté.")),
    "interrupt": (services.invoice_interrupt, gettext_lazy("Délai de paiement suspendu.")),
    "resume": (services.invoice_resume, gettext_lazy("Délai de paiement repris : nouvelle date limite calculée.")),
    "pay": (services.invoice_pay, gettext_lazy("Paiement enregistré.")),
}


class InvoiceActionView(ContractAccessMixin, FormView):
    form_class = InvoiceActionForm
    template_name = "contracts/form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.invoice = _invoice(request, kwargs["pk"])
            if kwargs["action"] not in ACTIONS:
                raise PermissionDenied(_("Action inconnue."))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Facture %(number)s") % {"number": self.invoice.number},
                                        cancel_url=reverse("contracts:invoice-detail", args=[self.invoice.pk]),
                                        contract=None, **kwargs)

    def form_valid(self, form):
        action = self.kwargs["action"]
        if not self.invoice.get_abilities(self.request.user).get(action):
            raise PermissionDenied(_("Cette action n'est pas possible sur cette facture."))
        service, done = ACTIONS[action]
        extra = {"reason": form.cleaned_data["reason"]} if action == "interrupt" else {}
        try:
            service(invoice=self.invoice, on=form.cleaned_data["on"], by=self.request.user, **extra)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, done)
        return redirect("contracts:invoice-detail", pk=self.invoice.pk)
