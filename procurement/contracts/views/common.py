"""What the contracts pages share: access by role and ability (core's), the form page, labels."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy

from procurement.contracts.abilities import can_read, list_abilities
from procurement.contracts.selectors import contracts as selectors
from procurement.core.views.access import AccessMixin
from procurement.core.views.service_forms import ServiceActionView
from procurement.core.views.service_forms import ServiceFormView as BaseServiceFormView

TRANSITION_LABELS = {
    "sign": gettext_lazy("Signer le marché"),
    "transmit": gettext_lazy("Transmettre au contrôle de légalité"),
    "notify": gettext_lazy("Notifier le marché"),
    "renew": gettext_lazy("Reconduire"),
    "end": gettext_lazy("Constater l'échéance"),
    "terminate": gettext_lazy("Résilier"),
}


class ContractAccessMixin(AccessMixin):
    """Users who may not read contracts get a 403; an unknown contract (``reference``) is a 404; then the
    contract's abilities, or the list's without a reference, decide."""

    contract = None

    def has_role(self) -> bool:
        return can_read(self.request.user)

    def get_object(self):
        if "reference" not in self.kwargs:
            return None
        self.contract = self.load_contract()
        return self.contract

    def load_contract(self):
        return selectors.contract_for_user(user=self.request.user, reference=self.kwargs["reference"])

    def get_page_abilities(self) -> dict[str, bool]:
        return list_abilities(self.request.user)

    def detail_url(self, anchor: str = "") -> str:
        return reverse("contracts:detail", args=[self.contract.reference]) + (f"#{anchor}" if anchor else "")


class ContractActionView(ContractAccessMixin, ServiceActionView):
    """A small form posted from the contract's page (at ``anchor``): the answer comes back as messages."""

    anchor = ""

    def get_redirect_url(self) -> str:
        return self.detail_url(self.anchor)


class ContractFormView(BaseServiceFormView):
    """The contracts pages' form (about a contract, an index series, …)."""

    template_name = "contracts/form.html"
    anchor = ""

    def get_success_url(self, result) -> str:
        return self.detail_url(self.anchor)

    def get_cancel_url(self) -> str:
        return self.detail_url() if getattr(self, "contract", None) else reverse("contracts:list")

    def get_context_data(self, **kwargs):
        kwargs.setdefault("contract", getattr(self, "contract", None))
        return super().get_context_data(**kwargs)


class ServiceFormView(ContractAccessMixin, ContractFormView):
    """A form page about a contract (or, without a reference, the contracts list)."""
