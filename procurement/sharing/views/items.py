"""What the members share: the list, the form that adds a contract, a budget line or a contract on a line,
and the button that stops sharing one."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procurement.contracts.selectors.contracts import contract_suggestions
from procurement.core.views.service_forms import ServiceFormView
from procurement.core.views.suggestions import SuggestionsView
from procurement.sharing.forms import SharedItemForm
from procurement.sharing.models import SharedItem
from procurement.sharing.presentation import contract_label
from procurement.sharing.selectors.agreements import shareable_budget_lines, shareable_contracts, shared_item_list
from procurement.sharing.services.items import shared_item_add, shared_item_remove
from procurement.sharing.views.access import AgreementMixin
from procurement.sharing.views.common import AgreementActionView, on_field


class ItemsView(AgreementMixin, ServiceFormView):
    """What the members share, and the form that adds a contract, a budget line, or a contract on a line."""

    template_name = "sharing/items.html"
    submit_label = gettext_lazy("Partager")

    def get_form(self, data=None, files=None):
        return SharedItemForm(data, contracts=shareable_contracts(agreement=self.agreement),
                              contracts_url=self.agreement_url("contract-suggestions"),
                              budget_lines=shareable_budget_lines(agreement=self.agreement))

    def page_context(self) -> dict:
        return {"title": _("Dépenses partagées — %(name)s") % {"name": self.agreement.name},
                "agreement": self.agreement, "programme": self.programme,
                "items": [{"item": item, "contract": contract_label(item.contract) if item.contract_id else ""}
                          for item in shared_item_list(agreement=self.agreement)]}

    def get_cancel_url(self) -> str:
        return self.shares_url()

    def perform(self, form):
        try:
            item = shared_item_add(agreement=self.agreement, by=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            raise on_field(error, "contract" if form.cleaned_data["contract"] else "budget_line") from None
        messages.success(self.request, _("« %(item)s » est partagé entre les membres.") % {"item": item})
        return item

    def get_success_url(self, result) -> str:
        return self.agreement_url("items")


class ContractSuggestionsView(AgreementMixin, SuggestionsView):
    """The « Marché » field's suggestions: the contracts charged to the programme's budget lines, by
    reference or object; for who keeps the agreement."""

    def suggestions(self, search: str, limit: int):
        return contract_suggestions(shareable_contracts(agreement=self.agreement), search=search, limit=limit)


class ItemRemoveView(AgreementActionView):
    back_to = "items"

    def perform(self, data: dict) -> str:
        item = get_object_or_404(SharedItem.objects.select_related("contract", "budget_line"),
                                 agreement=self.agreement, pk=self.kwargs["item"])
        label = str(item)
        shared_item_remove(item=item, by=self.request.user)
        return _("« %(item)s » n'est plus partagé.") % {"item": label}
