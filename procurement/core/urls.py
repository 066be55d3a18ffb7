from django.urls import path

from procurement.core import views

app_name = "core"

urlpatterns = [
    path("donnees-de-reference/", views.ReferenceValueListView.as_view(), name="reference-values"),
]
