from django.urls import path

from procurement.dashboards.views import programme

app_name = "dashboards"

urlpatterns: list = [
    path("programme/<slug:reference>/", programme.ProgrammeDashboardView.as_view(), name="programme-detail"),
]
