from django.urls import path

from procurement.programmes import views

app_name = "programmes"

urlpatterns = [
    path("", views.ProgrammeListView.as_view(), name="list"),
    # Before ``<slug:reference>/``, which would take them for a programme's reference.
    path("deliberations/", views.CouncilActListView.as_view(), name="council-acts"),
    path("deliberations/nouvelle/", views.CouncilActCreateView.as_view(), name="council-act-create"),
    path("<slug:reference>/", views.ProgrammeDetailView.as_view(), name="detail"),
]
