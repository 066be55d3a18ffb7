"""REST resources for finance: invoices (received, service done, suspended, resumed, paid) and the
multi-year commitments table, with the pages' permissions (``invoice_abilities``: buyers and
finance record, only finance pays)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from procurement.api.params import int_param
from procurement.api.permissions import Abilities
from procurement.api.serializers import REFUSALS, ErrorSerializer
from procurement.contracts.models import Contract, Invoice, PurchaseOrder
from procurement.contracts.selectors.finance import commitments, commitments_json
from procurement.contracts.services import invoices as services
from procurement.contracts.services.invoice_imports import MAX_UPLOADED_FILES, uploaded_invoices_import

INVOICE_ACTIONS = {
    "accept_service": services.invoice_accept_service,
    "interrupt": services.invoice_interrupt,
    "resume": services.invoice_resume,
    "pay": services.invoice_pay,
}


class InvoiceLineSerializer(serializers.Serializer):
    vat_rate = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=Decimal("0"),
                                        max_value=Decimal("100"))
    amount_ht = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0"))


class InvoiceSerializer(serializers.ModelSerializer):
    contract = serializers.SlugRelatedField(slug_field="reference", queryset=Contract.objects.all())
    order = serializers.PrimaryKeyRelatedField(queryset=PurchaseOrder.objects.all(), required=False, allow_null=True)
    lines = InvoiceLineSerializer(many=True, min_length=1, max_length=5)
    status = serializers.CharField(read_only=True)
    by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Invoice
        fields = ["id", "contract", "order", "number", "issued_on", "is_electronic", "received_on",
                  "service_done_on", "interrupted_on", "interruption_reason", "resumed_on", "paid_on", "lines",
                  "total_ht", "total_ttc", "payment_deadline", "late_days", "late_interest_rate",
                  "late_interest_rate_date", "late_interest", "late_compensation", "status", "by"]
        read_only_fields = ["interrupted_on", "interruption_reason", "resumed_on", "paid_on", "total_ht",
                            "total_ttc", "payment_deadline", "late_days", "late_interest_rate",
                            "late_interest_rate_date", "late_interest", "late_compensation"]
        validators = []

    def to_representation(self, invoice):
        data = super().to_representation(invoice)
        data["lines"] = [{"vat_rate": f"{line.vat_rate:.2f}", "amount_ht": f"{line.amount_ht:.2f}"}
                         for line in invoice.lines.all()]
        return data

    def create(self, validated_data):
        lines = [(line["vat_rate"], line["amount_ht"]) for line in validated_data.pop("lines")]
        return services.invoice_receive(by=self.context["request"].user, lines=lines, **validated_data)


class InvoiceActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=sorted(INVOICE_ACTIONS))
    on = serializers.DateField(required=False, help_text="Date de l'événement ; aujourd'hui par défaut.")
    reason = serializers.CharField(required=False, allow_blank=True, help_text="Pièces manquantes (suspension).")


class InvoiceImportSerializer(serializers.Serializer):
    # An empty file is a refused row of the answer, like any other bad file, not a refusal of the request.
    files = serializers.ListField(child=serializers.FileField(allow_empty_file=True), allow_empty=False,
                                  max_length=MAX_UPLOADED_FILES,
                                  help_text="Factur-X (PDF), UBL 2.1 ou CII (XML) reçus de Chorus Pro.")
    received_on = serializers.DateField(required=False,
                                        help_text="Date de dépôt sur Chorus Pro ; aujourd'hui par défaut.")


class InvoiceImportOutcomeSerializer(serializers.Serializer):
    file = serializers.CharField()
    status = serializers.ChoiceField(choices=["recorded", "refused"])
    invoice = serializers.CharField(help_text="Numéro lu dans le fichier (vide s'il est illisible).")
    contract = serializers.CharField(help_text="Identifiant du marché rapproché.")
    amount_ht = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    problems = serializers.ListField(child=serializers.CharField())


class InvoiceImportAnswerSerializer(serializers.Serializer):
    files = InvoiceImportOutcomeSerializer(many=True)


class InvoiceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     viewsets.GenericViewSet):
    """Invoices of the signed contracts; the payment deadline and the late interest are computed."""

    serializer_class = InvoiceSerializer
    lookup_value_regex = "[^/]+"
    permission_classes = [Abilities]
    role_checks = {"read": "contracts.read", "write": "invoices.handle"}
    object_abilities: dict = {}

    def get_queryset(self):
        # The list page's order, newest received first (index ``invoice_newest_first``), the id breaking ties.
        invoices = (Invoice.objects.visible_to(self.request.user).select_related("contract", "by")
                    .prefetch_related("lines").order_by("-received_on", "number", "pk"))
        if self.action == "list" and (reference := self.request.query_params.get("contract")):
            invoices = invoices.filter(contract__reference=reference)
        return invoices

    @extend_schema(parameters=[OpenApiParameter("contract", OpenApiTypes.STR, description="Identifiant du marché.")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=InvoiceActionSerializer, responses={200: InvoiceSerializer, 400: REFUSALS[400],
                                                               403: ErrorSerializer})
    @action(detail=True, methods=["post"])
    def event(self, request, pk=None):
        """Service done (``accept_service``), suspension (``interrupt`` with ``reason``), resumption
        (``resume``) or payment (``pay``, finance only)."""
        invoice = self.get_object()
        payload = InvoiceActionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        name = payload.validated_data["action"]
        if not invoice.get_abilities(request.user).get(name):
            raise PermissionDenied("Cette étape n'est pas permise à votre profil ou dans l'état de la facture.")
        on = payload.validated_data.get("on") or timezone.localdate()
        extra = {"reason": payload.validated_data.get("reason", "")} if name == "interrupt" else {}
        invoice = INVOICE_ACTIONS[name](invoice=invoice, on=on, by=request.user, **extra)
        return Response(InvoiceSerializer(self.get_queryset().get(pk=invoice.pk)).data)

    @extend_schema(request={"multipart/form-data": InvoiceImportSerializer},
                   responses={200: InvoiceImportAnswerSerializer, 400: REFUSALS[400], 403: ErrorSerializer},
                   summary="Importer des factures reçues de Chorus Pro")
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_files(self, request):
        """Each file is recorded whole or refused with every problem named, as ``import_invoices``; the
        answer lists every file's outcome (200 even when some are refused: read ``status``)."""
        payload = InvoiceImportSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        outcomes = uploaded_invoices_import(uploads=payload.validated_data["files"], by=request.user,
                                            received_on=payload.validated_data.get("received_on"))
        return Response({"files": [outcome.as_dict() for outcome in outcomes]})


class CommitmentsView(APIView):
    """The multi-year commitments per budget line and year, as ``commitments --format json``."""

    permission_classes = [Abilities]
    role_checks = {"read": "finance.read"}

    @extend_schema(parameters=[OpenApiParameter("year_from", OpenApiTypes.INT, required=True),
                               OpenApiParameter("year_to", OpenApiTypes.INT, required=True)],
                   responses={200: OpenApiTypes.OBJECT, 400: REFUSALS[400], 403: ErrorSerializer},
                   summary="Engagements pluriannuels par ligne budgétaire et par année")
    def get(self, request):
        year_from, year_to = int_param(request, "year_from"), int_param(request, "year_to")
        errors = {name: "Année obligatoire (AAAA)." for name, value in (("year_from", year_from),
                                                                       ("year_to", year_to)) if value is None}
        errors.update({name: "Année entre 2000 et 2100." for name, value in (("year_from", year_from),
                                                                           ("year_to", year_to))
                       if value is not None and not 2000 <= value <= 2100})
        if not errors and year_from > year_to:
            errors["year_to"] = "L'année de fin précède l'année de début."
        if errors:
            raise ValidationError(errors)
        return Response(commitments_json(commitments(year_from=year_from, year_to=year_to)))
