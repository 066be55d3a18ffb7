from django.urls import path

from procurement.dashboards.views import finance, programme

app_name = "dashboards"

urlpatterns: list = [
    path("finance/", finance.FinanceOverviewView.as_view(), name="finance-overview"),
    path("finance/lignes/", finance.FinanceLinesView.as_view(), name="finance-lines"),
    path("finance/marches/", finance.FinanceContractsView.as_view(), name="finance-contracts"),
    path("finance/export.xlsx", finance.FinanceExportView.as_view(kind="xlsx"), name="finance-xlsx"),
    path("finance/export.pdf", finance.FinanceExportView.as_view(kind="pdf"), name="finance-pdf"),
    path("programme/<slug:reference>/", programme.ProgrammeDashboardView.as_view(), name="programme-detail"),
]
