from django.urls import path

from procurement.dashboards import finance_views
from procurement.dashboards.views import programme

app_name = "dashboards"

urlpatterns: list = [
    path("finance/", finance_views.FinanceOverviewView.as_view(), name="finance-overview"),
    path("finance/lignes/", finance_views.FinanceLinesView.as_view(), name="finance-lines"),
    path("finance/marches/", finance_views.FinanceContractsView.as_view(), name="finance-contracts"),
    path("finance/export.xlsx", finance_views.FinanceExportView.as_view(kind="xlsx"), name="finance-xlsx"),
    path("finance/export.pdf", finance_views.FinanceExportView.as_view(kind="pdf"), name="finance-pdf"),
    path("programme/<slug:reference>/", programme.ProgrammeDashboardView.as_view(), name="programme-detail"),
]
