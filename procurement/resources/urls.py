from django.urls import path

from procurement.resources import views

app_name = "resources"

urlpatterns = [
    path("", views.ResourceListView.as_view(), name="list"),
    path("equite/", views.EquityView.as_view(), name="equity"),
    path("reconductions/", views.RenewalListView.as_view(), name="renewals"),
    path("rapports/", views.ReportListView.as_view(), name="reports"),
    path("rapport.pdf", views.ValueReportPdfView.as_view(), name="pdf"),
    path("<int:pk>/", views.ResourceDetailView.as_view(), name="detail"),
]
