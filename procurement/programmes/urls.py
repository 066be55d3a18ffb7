from django.urls import path

from procurement.programmes import views

app_name = "programmes"

urlpatterns = [
    path("", views.ProgrammeListView.as_view(), name="list"),
    path("<slug:reference>/", views.ProgrammeDetailView.as_view(), name="detail"),
]
