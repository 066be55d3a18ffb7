from django.urls import path

from procurement.core.views import pages

app_name = "core"

urlpatterns = [
    path("donnees-de-reference/", pages.ReferenceValueListView.as_view(), name="reference-values"),
]
