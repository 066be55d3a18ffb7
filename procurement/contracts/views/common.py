"""What the contracts pages share: access by role and ability, the generic form page, labels."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from procurement.contracts.abilities import can_read, list_abilities
from procurement.contracts.selectors import contracts as selectors

TRANSITION_LABELS = {
    "sign": gettext_lazy("Signer le marché"),
    "transmit": gettext_lazy("Transmettre au contrôle de légalité"),
    "notify": gettext_lazy("Notifier le marché"),
    "renew": gettext_lazy("Reconduire"),
    "end": gettext_lazy("Constater l'échéance"),
    "terminate": gettext_lazy("Résilier"),
}


def add_service_errors(form, error: ValidationError) -> None:
    """Puts a service's errors on the form's fields (or above the form when no field matches)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def error_messages(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


class ContractAccessMixin(LoginRequiredMixin):
    """Anonymous users go to the login page; users who may not read contracts get a 403; an unknown
    contract is a 404; a missing ability is a 403."""

    required_ability = "view"
    contract = None
    abilities: dict[str, bool] = {}

    def load_contract(self):
        return selectors.contract_for_user(user=self.request.user, reference=self.kwargs["reference"])

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not can_read(request.user):
            raise PermissionDenied(_("Cette page est réservée à d'autres profils."))
        if "reference" in self.kwargs:
            self.contract = self.load_contract()
            self.abilities = self.contract.get_abilities(request.user)
        else:
            self.abilities = list_abilities(request.user)
        if not self.abilities.get(self.required_ability):
            raise PermissionDenied(_("Cette action n'est pas permise à votre profil ou dans cet état."))
        return super().dispatch(request, *args, **kwargs)

    def detail_url(self, anchor: str = "") -> str:
        return reverse("contracts:detail", args=[self.contract.reference]) + (f"#{anchor}" if anchor else "")


class ServiceFormMixin(TemplateView):
    """GET shows the form; a valid POST calls ``perform`` (a service) and redirects; a refusal puts the
    service's errors on the form and saves nothing."""

    template_name = "contracts/form.html"
    form_class: type = None
    success_message = ""
    title = ""
    intro = ""
    anchor = ""

    def get_form(self, data=None, files=None):
        return self.form_class(data=data, files=files)

    def perform(self, form):  # pragma: no cover - abstract
        raise NotImplementedError

    def get_success_url(self, result) -> str:
        return self.detail_url(self.anchor)

    def get_cancel_url(self) -> str:
        return self.detail_url() if getattr(self, "contract", None) else reverse("contracts:list")

    def after_success(self, result) -> None:
        if self.success_message:
            messages.success(self.request, self.success_message)

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, intro=self.intro, cancel_url=self.get_cancel_url(),
                                        contract=getattr(self, "contract", None), abilities=self.abilities,
                                        **kwargs)

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


class ServiceFormView(ContractAccessMixin, ServiceFormMixin):
    """A form page about a contract (or, without a reference, the contracts list)."""
