"""Contract pages: the list, the creation from an awarded lot, the terms, the contract's page and the
transitions and renewal decisions posted from it."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from procurement.contracts import presentation
from procurement.contracts.enums import RenewalMode
from procurement.contracts.forms.contracts import (
    AcceptanceForm,
    ContractCreateForm,
    ContractFilterForm,
    ContractTermsForm,
    ReasonForm,
    RenewalDecisionForm,
    RevisionClauseForm,
    RevisionForm,
    SubcontractDecisionForm,
    TransmitForm,
    budget_line_hint,
    cao_opinion_hint,
    council_act_hint,
)
from procurement.contracts.rules.guards import legality_control_due, standstill_of
from procurement.contracts.rules.terms import advance_summary
from procurement.contracts.selectors import contracts as selectors
from procurement.contracts.services import contracts as contract_services
from procurement.contracts.services.indices import CLAUSE_FIELDS, revision_clause_save
from procurement.contracts.services.renewals import renewal_decide
from procurement.contracts.services.transitions import (
    CONTRACT_TRANSITIONS,
    NotAllowed,
    TransitionRefused,
    contract_transition,
)
from procurement.contracts.views.common import (
    TRANSITION_LABELS,
    ContractAccessMixin,
    ContractActionView,
    ServiceFormView,
)
from procurement.core.selectors import ReferenceValueMissing
from procurement.core.views.service_forms import TransitionView
from procurement.core.views.suggestions import SuggestionsView
from procurement.programmes.selectors import (
    budget_line_choices,
    budget_line_suggestions,
    council_act_list,
    council_act_suggestions,
    programme_suggestions,
)
from procurement.tenders.selectors import cao_opinion_list, cao_opinion_suggestions
from procurement.vendors.selectors import vendor_suggestions

PAGE_SIZE = 25
FORM_TRANSITIONS = ("transmit", "terminate")


class ContractListView(ContractAccessMixin, TemplateView):
    template_name = "contracts/contract_list.html"

    def get_context_data(self, **kwargs):
        filter_form = ContractFilterForm(self.request.GET or None, user=self.request.user)
        contracts = selectors.contract_list(user=self.request.user, **filter_form.filters())
        page = Paginator(contracts, PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(filter_form=filter_form, page_obj=page, abilities=self.abilities,
                                         today=timezone.localdate(), **kwargs)


class HolderSuggestionsView(ContractAccessMixin, SuggestionsView):
    """The « Titulaire » filter's suggestions: vendors holding a contract the user reads, by name, SIRET
    or SIREN."""

    def suggestions(self, search: str, limit: int):
        return vendor_suggestions(selectors.contract_holders(user=self.request.user), search=search, limit=limit)

    def hint(self, vendor) -> str:
        return vendor.identifier_display


class ProgrammeSuggestionsView(ContractAccessMixin, SuggestionsView):
    """The « Programme » filter's suggestions: programmes of the contracts the user reads."""

    def suggestions(self, search: str, limit: int):
        return programme_suggestions(selectors.contract_programmes(user=self.request.user), search=search,
                                     limit=limit)


class FormSuggestionsView(ContractAccessMixin, SuggestionsView):
    """The suggestions of a field of the contracts' forms: for the buyers, who fill them."""

    required_ability = "edit"


class BudgetLineSuggestionsView(FormSuggestionsView):
    """The « Ligne budgétaire » field's suggestions: every programme's lines, by label, article or
    programme reference, told apart by programme, section and AP/AE."""

    def suggestions(self, search: str, limit: int):
        return budget_line_suggestions(budget_line_choices(), search=search, limit=limit)

    def hint(self, line) -> str:
        return budget_line_hint(line)


class CouncilActSuggestionsView(FormSuggestionsView):
    """The « Autorisation de signer » field's suggestions: the council's acts, by reference, day of adoption
    or object, latest first."""

    def suggestions(self, search: str, limit: int):
        return council_act_suggestions(council_act_list(), search=search, limit=limit)

    def hint(self, act) -> str:
        return council_act_hint(act)


class CaoOpinionSuggestionsView(FormSuggestionsView):
    """The amendment's « Avis de la CAO » suggestions: the CAO's opinions, by meeting day, consultation or
    subject, latest meeting first."""

    def suggestions(self, search: str, limit: int):
        return cao_opinion_suggestions(cao_opinion_list(), search=search, limit=limit)

    def hint(self, opinion) -> str:
        return cao_opinion_hint(opinion)


class ContractCreateView(ServiceFormView):
    required_ability = "create"
    form_class = ContractCreateForm
    title = gettext_lazy("Nouveau marché à partir d'un lot attribué")
    success_message = gettext_lazy("Le marché est créé : complétez ses clauses avant la signature.")

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # From the lot page (« Créer le marché »): the awarded lot is chosen and its award summarised.
        lot_pk = request.GET.get("lot", "")
        self.award_lot = (selectors.awarded_lots_without_contract().filter(pk=lot_pk).first()
                          if lot_pk.isdigit() and len(lot_pk) < 12 else None)

    @property
    def intro(self):
        lot = self.award_lot
        if lot is None:
            return self.default_intro
        return presentation.award_summary(lot)

    default_intro = gettext_lazy(
        "Le marché reprend le titulaire, le montant (ou le maximum de l'accord-cadre), la durée, les reconductions "
        "et la TVA de l'offre retenue ; complétez ensuite ses clauses.")

    def get_form(self, data=None, files=None):
        initial = {}
        if self.award_lot is not None:
            initial = {"lot": self.award_lot.pk, "start_date": presentation.award_start_date(self.award_lot)}
        return ContractCreateForm(data=data, files=files, initial=initial)

    def get_cancel_url(self):
        if self.award_lot is not None:
            return reverse("tenders:lot-detail", args=[self.award_lot.tender.reference, self.award_lot.number])
        return super().get_cancel_url()

    def perform(self, form):
        data = form.cleaned_data
        return contract_services.contract_create(lot=data["lot"], reference=data["reference"],
                                                 start_date=data["start_date"], by=self.request.user)

    def get_success_url(self, result):
        return reverse("contracts:update", args=[result.reference])


class ContractUpdateView(ServiceFormView):
    required_ability = "edit"
    form_class = ContractTermsForm
    success_message = gettext_lazy("Les clauses du marché sont enregistrées.")

    @property
    def title(self):
        return _("Clauses du marché %(reference)s") % {"reference": self.contract.reference}

    def get_form(self, data=None, files=None):
        instance = selectors.contract_for_user(user=self.request.user, reference=self.contract.reference)
        return ContractTermsForm(data=data, instance=instance)

    def perform(self, form):
        data = dict(form.cleaned_data)
        co_holders = data.pop("co_holders")
        return contract_services.contract_update(contract=self.contract, by=self.request.user,
                                                 co_holders=co_holders, **data)

    def get_success_url(self, result):
        return reverse("contracts:detail", args=[result.reference])


class RevisionClauseView(ServiceFormView):
    required_ability = "edit"
    form_class = RevisionClauseForm
    success_message = gettext_lazy("La clause de révision des prix est enregistrée.")
    intro = gettext_lazy("P = P0 × (a + b × I / I0), avec a + b = 1. I0 est l'indice du mois zéro ; à chaque date "
                         "de révision, I est l'indice du mois de la révision moins le décalage.")
    anchor = "revisions"

    @property
    def title(self):
        return _("Révision des prix du marché %(reference)s") % {"reference": self.contract.reference}

    def get_form(self, data=None, files=None):
        instance = selectors.revision_clause_of(contract=self.contract)
        initial = {} if instance else {"base_price_ht": self.contract.amount_ht}
        return RevisionClauseForm(data=data, instance=instance, initial=initial)

    def perform(self, form):
        fields = {name: form.cleaned_data[name] for name in CLAUSE_FIELDS}
        return revision_clause_save(contract=self.contract, by=self.request.user, **fields)


class ContractDetailView(ContractAccessMixin, TemplateView):
    template_name = "contracts/contract_detail.html"

    def load_contract(self):
        return selectors.contract_detail(user=self.request.user, reference=self.kwargs["reference"])

    def get_context_data(self, **kwargs):
        contract, abilities, today = self.contract, self.abilities, timezone.localdate()
        candidates = (presentation.candidate_transitions(contract, CONTRACT_TRANSITIONS)
                      if abilities["drive"] else [])
        buttons = [name for name in candidates if name not in FORM_TRANSITIONS
                   and not (name == "renew" and contract.renewal_mode == RenewalMode.NONE)]
        transmit = presentation.transition_items(contract, [n for n in candidates if n == "transmit"],
                                                 TRANSITION_LABELS, today=today)
        context = {
            "contract": contract, "abilities": abilities, "today": today,
            "transitions": presentation.transition_items(contract, buttons, TRANSITION_LABELS, today=today),
            "transmit": transmit[0] if transmit else None, "transmit_form": TransmitForm(),
            "terminate_form": ReasonForm() if "terminate" in candidates else None,
            "periods": presentation.period_rows(contract, today=today),
            "timeline": presentation.contract_timeline(contract, TRANSITION_LABELS, today=today),
            "amendments": presentation.amendment_rows(contract),
            "amended_amount": selectors.amended_amount(contract),
            "consumption": selectors.consumption(contract) if contract.is_framework else None,
            "advance": advance_summary(contract), "decp": selectors.decp_fields(contract),
            "co_holders": list(contract.co_holders.all()),
            "clause": getattr(contract, "revision_clause", None),
            "revision_form": None, "renewal_form": None, "subcontract_rows": self.subcontract_rows(),
            "acceptance_form": (AcceptanceForm() if abilities["amend"] and contract.accepted_on is None
                                and not contract.is_framework else None),
            **self.legal_facts(),
        }
        pending = presentation.pending_revision_dates(contract, today=today)
        if abilities["revise"] and pending:
            form = RevisionForm(initial={"revision_on": pending[0]})
            context["revision_form"], context["pending_revisions"] = form, pending
        else:
            context["pending_revisions"] = pending
        if abilities["decide_renewal"] and contract.renewal_deadline and today <= contract.renewal_deadline and not any(
                d.renewal_number == contract.renewal_count + 1 for d in contract.renewal_decisions.all()):
            context["renewal_form"] = RenewalDecisionForm(tacit=contract.renewal_mode == RenewalMode.TACIT)
        return super().get_context_data(**context, **kwargs)

    def legal_facts(self) -> dict:
        contract = self.contract
        try:
            legality = legality_control_due(contract, on=timezone.localdate())
        except ReferenceValueMissing:
            legality = None
        window = standstill_of(contract)
        return {"legality_control": legality, "standstill": window, "standstill_missing": window is None}

    def subcontract_rows(self) -> list[dict]:
        rows = []
        for sub in self.contract.subcontracts.all():
            pending = sub.status == "declared" and self.abilities["subcontract"]
            rows.append({"sub": sub, "form": SubcontractDecisionForm(prefix=f"st-{sub.pk}") if pending else None})
        return rows


class ContractTransitionView(ContractAccessMixin, TransitionView):
    required_ability = "drive"
    not_allowed, refused, labels = NotAllowed, TransitionRefused, TRANSITION_LABELS
    done_text = gettext_lazy("« %(action)s » : le marché est maintenant « %(state)s ».")

    def transition(self, name):
        reason = self.request.POST.get("reason", "")
        return contract_transition(contract=self.contract, name=name, by=self.request.user, reason=reason)

    def get_redirect_url(self):
        return self.detail_url("etapes")


class AcceptanceView(ContractActionView):
    """Records the acceptance of the services (the maintenance may start at its anniversary)."""

    required_ability = "amend"
    anchor = "clauses"
    form_class = AcceptanceForm
    invalid_message = gettext_lazy("Indiquez la date de la réception.")

    def perform(self, data):
        contract_services.acceptance_record(contract=self.contract, accepted_on=data["accepted_on"],
                                            by=self.request.user)
        return _("La réception des prestations est enregistrée.")


class RenewalDecisionView(ContractActionView):
    required_ability = "decide_renewal"
    anchor = "reconduction"
    form_class = RenewalDecisionForm
    invalid_message = gettext_lazy("Choisissez une décision.")

    def perform(self, data):
        decision = renewal_decide(contract=self.contract, decision=data["decision"], reason=data["reason"],
                                  by=self.request.user)
        return _("Décision enregistrée pour la reconduction n° %(n)s : %(decision)s.") % {
            "n": decision.renewal_number, "decision": decision.get_decision_display().lower()}
