from django.urls import path

from procurement.vendors import views

app_name = "vendors"

urlpatterns = [
    path("", views.VendorListView.as_view(), name="list"),
    path("nouveau/", views.VendorCreateView.as_view(), name="create"),
    # The forms' « Candidat », « Posée par », « Sous-traitant »… fields' suggestions (JSON)
    path("suggestions/", views.VendorSuggestionsView.as_view(), name="suggestions"),
    path("attestations-a-echeance/", views.ExpiringDocumentsView.as_view(), name="expiring"),
    path("<int:pk>/", views.VendorDetailView.as_view(), name="detail"),
    path("<int:pk>/modifier/", views.VendorUpdateView.as_view(), name="update"),
    path("<int:vendor_pk>/contacts/nouveau/", views.ContactCreateView.as_view(), name="contact-create"),
    path("contacts/<int:pk>/modifier/", views.ContactUpdateView.as_view(), name="contact-update"),
    path("contacts/<int:pk>/supprimer/", views.ContactDeleteView.as_view(), name="contact-delete"),
    path("<int:vendor_pk>/justificatifs/nouveau/", views.DocumentCreateView.as_view(),
         name="document-create"),
    path("justificatifs/<int:pk>/modifier/", views.DocumentUpdateView.as_view(), name="document-update"),
    path("justificatifs/<int:pk>/supprimer/", views.DocumentDeleteView.as_view(), name="document-delete"),
    path("justificatifs/<int:pk>/telecharger/", views.DocumentDownloadView.as_view(),
         name="document-download"),
]
