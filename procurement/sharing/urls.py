"""The cost-sharing pages, under a programme: /programmes/<référence>/repartition-des-couts/…"""

from django.urls import path

from procurement.sharing.views import edit, shares

app_name = "sharing"

AGREEMENT = "<slug:reference>/repartition-des-couts/convention/<int:agreement>/"

urlpatterns = [
    path("<slug:reference>/repartition-des-couts/", shares.SharesView.as_view(), name="shares"),
    path("<slug:reference>/repartition-des-couts/comparer/", shares.CompareView.as_view(), name="compare"),
    path("<slug:reference>/repartition-des-couts/repartition.xlsx", shares.SharesXlsxView.as_view(), name="xlsx"),
    path("<slug:reference>/repartition-des-couts/releve/<int:member>.pdf", shares.StatementPdfView.as_view(),
         name="statement"),
    path("<slug:reference>/repartition-des-couts/convention/nouvelle/", edit.AgreementCreateView.as_view(),
         name="agreement-create"),
    path(AGREEMENT, edit.AgreementUpdateView.as_view(), name="agreement-update"),
    path(AGREEMENT + "supprimer/", edit.AgreementDeleteView.as_view(), name="agreement-delete"),
    path(AGREEMENT + "membres/", edit.MembersView.as_view(), name="members"),
    path(AGREEMENT + "membres/nouveau/", edit.MemberCreateView.as_view(), name="member-create"),
    path(AGREEMENT + "membres/depuis-les-bibliotheques/", edit.MembersFromLibrariesView.as_view(),
         name="members-from-libraries"),
    path(AGREEMENT + "membres/<int:member>/", edit.MemberUpdateView.as_view(), name="member-update"),
    path(AGREEMENT + "membres/<int:member>/retirer/", edit.MemberDeleteView.as_view(), name="member-delete"),
    path(AGREEMENT + "populations/<int:year>/", edit.PopulationsView.as_view(), name="populations"),
    path(AGREEMENT + "populations/<int:year>/copier/", edit.PopulationsCopyView.as_view(), name="populations-copy"),
    path(AGREEMENT + "depenses/", edit.ItemsView.as_view(), name="items"),
    path(AGREEMENT + "depenses/<int:item>/retirer/", edit.ItemRemoveView.as_view(), name="item-remove"),
    # The « Marché » field's suggestions (JSON)
    path(AGREEMENT + "depenses/suggestions/marches/", edit.ContractSuggestionsView.as_view(),
         name="contract-suggestions"),
    path(AGREEMENT + "cles/", edit.KeysView.as_view(), name="keys"),
    path(AGREEMENT + "cles/nouvelle/", edit.KeyCreateView.as_view(), name="key-create"),
    path(AGREEMENT + "cles/<int:key>/", edit.KeyUpdateView.as_view(), name="key-update"),
    path(AGREEMENT + "cles/<int:key>/bornes/", edit.BoundsView.as_view(), name="bounds"),
    path(AGREEMENT + "cles/<int:key>/appliquer/", edit.KeyApplyView.as_view(), name="key-apply"),
    path(AGREEMENT + "cles/<int:key>/supprimer/", edit.KeyDeleteView.as_view(), name="key-delete"),
]
