"""The cost-sharing pages, under a programme: /programmes/<référence>/repartition-des-couts/…"""

from django.urls import path

from procurement.sharing.views import agreements, items, keys, members, populations, shares

app_name = "sharing"

AGREEMENT = "<slug:reference>/repartition-des-couts/convention/<int:agreement>/"

urlpatterns = [
    path("<slug:reference>/repartition-des-couts/", shares.SharesView.as_view(), name="shares"),
    path("<slug:reference>/repartition-des-couts/comparer/", shares.CompareView.as_view(), name="compare"),
    path("<slug:reference>/repartition-des-couts/repartition.xlsx", shares.SharesXlsxView.as_view(), name="xlsx"),
    path("<slug:reference>/repartition-des-couts/releve/<int:member>.pdf", shares.StatementPdfView.as_view(),
         name="statement"),
    path("<slug:reference>/repartition-des-couts/convention/nouvelle/", agreements.AgreementCreateView.as_view(),
         name="agreement-create"),
    path(AGREEMENT, agreements.AgreementUpdateView.as_view(), name="agreement-update"),
    path(AGREEMENT + "supprimer/", agreements.AgreementDeleteView.as_view(), name="agreement-delete"),
    path(AGREEMENT + "membres/", members.MembersView.as_view(), name="members"),
    path(AGREEMENT + "membres/nouveau/", members.MemberCreateView.as_view(), name="member-create"),
    path(AGREEMENT + "membres/depuis-les-bibliotheques/", members.MembersFromLibrariesView.as_view(),
         name="members-from-libraries"),
    path(AGREEMENT + "membres/<int:member>/", members.MemberUpdateView.as_view(), name="member-update"),
    path(AGREEMENT + "membres/<int:member>/retirer/", members.MemberDeleteView.as_view(), name="member-delete"),
    path(AGREEMENT + "populations/<int:year>/", populations.PopulationsView.as_view(), name="populations"),
    path(AGREEMENT + "populations/<int:year>/copier/", populations.PopulationsCopyView.as_view(),
         name="populations-copy"),
    path(AGREEMENT + "depenses/", items.ItemsView.as_view(), name="items"),
    path(AGREEMENT + "depenses/<int:item>/retirer/", items.ItemRemoveView.as_view(), name="item-remove"),
    # The « Marché » field's suggestions (JSON)
    path(AGREEMENT + "depenses/suggestions/marches/", items.ContractSuggestionsView.as_view(),
         name="contract-suggestions"),
    path(AGREEMENT + "cles/", keys.KeysView.as_view(), name="keys"),
    path(AGREEMENT + "cles/nouvelle/", keys.KeyCreateView.as_view(), name="key-create"),
    path(AGREEMENT + "cles/<int:key>/", keys.KeyUpdateView.as_view(), name="key-update"),
    path(AGREEMENT + "cles/<int:key>/bornes/", keys.BoundsView.as_view(), name="bounds"),
    path(AGREEMENT + "cles/<int:key>/appliquer/", keys.KeyApplyView.as_view(), name="key-apply"),
    path(AGREEMENT + "cles/<int:key>/supprimer/", keys.KeyDeleteView.as_view(), name="key-delete"),
]
