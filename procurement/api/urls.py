"""The REST API: one router for every app's resources, the OpenAPI schema and its documentation
pages, served from the app's own static files (drf-spectacular-sidecar, no CDN)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from procurement.api.auth import TokenObtainView
from procurement.contracts.api.contracts import ContractViewSet, DecpView, OcdsView, OrderViewSet
from procurement.contracts.api.finance import CommitmentsView, InvoiceViewSet
from procurement.core.security import csp_extra
from procurement.dashboards.api import AgendaView
from procurement.sharing.api import CostSharingView
from procurement.tenders.api.bids import BidViewSet, ScoreViewSet
from procurement.tenders.api.tenders import CriterionViewSet, LotViewSet, TenderViewSet
from procurement.vendors.api import VendorViewSet

app_name = "api"

router = DefaultRouter()
router.include_format_suffixes = False  # /api/lots/0.5/ is a JSON 404, not a format
router.register("vendors", VendorViewSet, basename="vendor")
router.register("tenders", TenderViewSet, basename="tender")
router.register("lots", LotViewSet, basename="lot")
router.register("criteria", CriterionViewSet, basename="criterion")
router.register("bids", BidViewSet, basename="bid")
router.register("scores", ScoreViewSet, basename="score")
router.register("contracts", ContractViewSet, basename="contract")
router.register("orders", OrderViewSet, basename="order")
router.register("invoices", InvoiceViewSet, basename="invoice")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", csp_extra(worker_src="'self' blob:")(SpectacularRedocView.as_view(url_name="api:schema")),
         name="redoc"),
    path("token/", TokenObtainView.as_view(), name="token"),
    path("decp/", DecpView.as_view(), name="decp"),
    path("ocds/", OcdsView.as_view(), name="ocds"),
    path("commitments/", CommitmentsView.as_view(), name="commitments"),
    path("agenda/", AgendaView.as_view(), name="agenda"),
    # Any reference reaches the view (an unknown one is a JSON 404 there, not the site's HTML page).
    path("programmes/<str:reference>/cost-sharing/", CostSharingView.as_view(), name="cost-sharing"),
    path("", include(router.urls)),
]
