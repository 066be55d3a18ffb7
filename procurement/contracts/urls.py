from django.urls import path

from procurement.contracts.views import actions, contracts, indices, invoices

app_name = "contracts"

contract = "<slug:reference>/"

urlpatterns = [
    path("", contracts.ContractListView.as_view(), name="list"),
    path("nouveau/", contracts.ContractCreateView.as_view(), name="create"),
    # The list's filters' suggestions (JSON; before ``<slug:reference>/``)
    path("suggestions/titulaires/", contracts.HolderSuggestionsView.as_view(), name="holder-suggestions"),
    path("suggestions/programmes/", contracts.ProgrammeSuggestionsView.as_view(), name="programme-suggestions"),
    # The forms' « Ligne budgétaire », « Autorisation de signer » and « Avis de la CAO » suggestions (JSON)
    path("suggestions/lignes-budgetaires/", contracts.BudgetLineSuggestionsView.as_view(),
         name="budget-line-suggestions"),
    path("suggestions/autorisations-de-signer/", contracts.CouncilActSuggestionsView.as_view(),
         name="council-act-suggestions"),
    path("suggestions/avis-de-la-cao/", contracts.CaoOpinionSuggestionsView.as_view(), name="cao-opinion-suggestions"),
    # Price indices (before ``<slug:reference>/``, which would take « indices » for a contract).
    path("indices/", indices.IndexSeriesListView.as_view(), name="indices"),
    path("indices/nouvelle/", indices.IndexSeriesCreateView.as_view(), name="index-create"),
    path("indices/<slug:code>/", indices.IndexSeriesDetailView.as_view(), name="index-detail"),
    path("indices/<slug:code>/valeur/", indices.IndexValueView.as_view(), name="index-value"),
    path("indices/<slug:code>/import/", indices.IndexImportView.as_view(), name="index-import"),
    # Invoices
    path("factures/", invoices.InvoiceListView.as_view(), name="invoices"),
    path("factures/import/", invoices.InvoiceImportView.as_view(), name="invoice-import"),
    path("factures/interets-moratoires/", invoices.LateInterestCalculatorView.as_view(), name="late-interest"),
    path("factures/<int:pk>/", invoices.InvoiceDetailView.as_view(), name="invoice-detail"),
    path("factures/<int:pk>/<slug:action>/", invoices.InvoiceActionView.as_view(), name="invoice-action"),
    # A contract
    path(contract, contracts.ContractDetailView.as_view(), name="detail"),
    path(f"{contract}clauses/", contracts.ContractUpdateView.as_view(), name="update"),
    path(f"{contract}clause-de-revision/", contracts.RevisionClauseView.as_view(), name="revision-clause"),
    path(f"{contract}transition/<slug:name>/", contracts.ContractTransitionView.as_view(), name="transition"),
    path(f"{contract}reconduction/", contracts.RenewalDecisionView.as_view(), name="renewal-decision"),
    path(f"{contract}reception/", contracts.AcceptanceView.as_view(), name="acceptance"),
    path(f"{contract}bons-de-commande/nouveau/", actions.OrderCreateView.as_view(), name="order-create"),
    path(f"{contract}avenants/nouveau/", actions.AmendmentCreateView.as_view(), name="amendment-create"),
    path(f"{contract}sous-traitance/nouvelle/", actions.SubcontractCreateView.as_view(), name="subcontract-create"),
    path(f"{contract}sous-traitance/<int:pk>/decision/", actions.SubcontractDecisionView.as_view(),
         name="subcontract-decision"),
    path(f"{contract}factures/nouvelle/", invoices.InvoiceCreateView.as_view(), name="invoice-create"),
    path(f"{contract}revisions/", actions.PriceRevisionView.as_view(), name="revision-apply"),
]
