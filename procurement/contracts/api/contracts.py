"""REST resources for contracts and their purchase orders, and the open-data exports (DECP, OCDS).

Permissions are the pages' own (``contract_abilities``: finance reads, buyers act); transitions go
through ``contract_transition`` and a refusal is a 409 with the guard's French reasons."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from procurement.api.params import choice_param, int_param
from procurement.api.permissions import Abilities
from procurement.api.renderers import OpenDataJSONRenderer
from procurement.api.serializers import REFUSALS, ErrorSerializer, TransitionSerializer
from procurement.contracts.enums import ContractState
from procurement.contracts.exports.decp import decp_contracts, decp_document
from procurement.contracts.exports.ocds import ocds_package
from procurement.contracts.models import Contract, PurchaseOrder
from procurement.contracts.selectors import contracts as selectors
from procurement.contracts.services.orders import order_create
from procurement.contracts.services.transitions import CONTRACT_TRANSITIONS, contract_transition


class ContractSerializer(serializers.ModelSerializer):
    tender = serializers.CharField(source="lot.tender.reference", read_only=True)
    holder_name = serializers.CharField(source="holder.name", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    initial_amount_ht = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    ordered_ht = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True,
                                          help_text="Total HT des bons de commande.")
    amended_ht = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True,
                                          help_text="Incidence HT cumulée des avenants.")
    abilities = serializers.SerializerMethodField()

    class Meta:
        model = Contract
        fields = ["reference", "lot", "tender", "title", "holder", "holder_name", "group_kind", "co_holders",
                  "is_framework", "amount_ht", "vat_rate", "minimum_ht", "maximum_ht", "yearly_maximum_ht",
                  "initial_amount_ht", "ordered_ht", "amended_ht", "start_date", "duration_months", "renewal_mode",
                  "renewal_months", "max_renewals", "renewal_count", "period_end", "renewal_deadline", "state",
                  "state_label", "signed_on", "transmitted_on", "notified_on", "ended_on", "terminated_on",
                  "abilities"]
        read_only_fields = fields

    @extend_schema_field(serializers.DictField(child=serializers.BooleanField()))
    def get_abilities(self, contract) -> dict[str, bool]:
        return contract.get_abilities(self.context["request"].user)


class ContractTransitionSerializer(TransitionSerializer):
    transition = serializers.ChoiceField(choices=CONTRACT_TRANSITIONS)
    on = serializers.DateField(required=False, allow_null=True, help_text="Date d'effet (aujourd'hui par défaut).")


class ContractViewSet(viewsets.ReadOnlyModelViewSet):
    """Contracts (marchés): buyers and finance read them; buyers move them along their lifecycle."""

    serializer_class = ContractSerializer
    permission_classes = [Abilities]
    lookup_field = "reference"
    lookup_value_regex = "[^/]+"
    role_checks = {"read": "contracts.read", "write": "contracts.act"}
    object_abilities = {"transition": "drive"}

    def abilities_of(self, contract, user):
        return contract.get_abilities(user)

    def get_queryset(self):
        state = choice_param(self.request, "state", ContractState.choices) if self.action == "list" else ""
        contracts = selectors.contract_list(user=self.request.user, state=state).prefetch_related("co_holders")
        if self.action == "list" and (holder := int_param(self.request, "holder")) is not None:
            contracts = contracts.filter(holder_id=holder)
        return contracts

    @extend_schema(parameters=[
        OpenApiParameter("state", OpenApiTypes.STR, enum=ContractState.values, description="État."),
        OpenApiParameter("holder", OpenApiTypes.INT, description="Identifiant du titulaire."),
    ])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=ContractTransitionSerializer, responses={200: ContractSerializer, **REFUSALS},
                   summary="Transition du marché (409 avec les motifs si elle est refusée)")
    @action(detail=True, methods=["post"])
    def transition(self, request, reference=None):
        contract = self.get_object()
        body = ContractTransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        contract = contract_transition(contract=contract, name=body.validated_data["transition"], by=request.user,
                                       reason=body.validated_data["reason"], on=body.validated_data.get("on"))
        return Response(ContractSerializer(self.get_queryset().get(pk=contract.pk),
                                           context=self.get_serializer_context()).data)


class OrderSerializer(serializers.ModelSerializer):
    contract = serializers.SlugRelatedField(slug_field="reference", queryset=Contract.objects.all())
    amount_ht = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    vat_rate = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False,
                                        allow_null=True, help_text="Celui du marché par défaut.")
    amount_ttc = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = PurchaseOrder
        fields = ["id", "contract", "number", "ordered_on", "description", "amount_ht", "vat_rate", "amount_ttc", "by"]
        read_only_fields = ["number"]
        validators = []

    def create(self, validated_data):
        return order_create(by=self.context["request"].user, **validated_data)


class OrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                   viewsets.GenericViewSet):
    """Purchase orders on frameworks; the service refuses an order beyond the maximum (400, naming it)."""

    serializer_class = OrderSerializer
    lookup_value_regex = "[^/]+"  # a malformed identifier is a JSON 404 too
    permission_classes = [Abilities]
    role_checks = {"read": "contracts.read", "write": "contracts.act"}
    object_abilities: dict = {}

    def get_queryset(self):
        orders = PurchaseOrder.objects.filter(contract__in=Contract.objects.visible_to(self.request.user)
                                              ).select_related("contract", "by").order_by("contract__reference",
                                                                                          "number")
        if self.action == "list" and (reference := self.request.query_params.get("contract")):
            orders = orders.filter(contract__reference=reference)
        return orders

    @extend_schema(parameters=[OpenApiParameter("contract", OpenApiTypes.STR, description="Identifiant du marché.")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer):
        contract = serializer.validated_data["contract"]
        if not contract.get_abilities(self.request.user)["order"]:
            raise PermissionDenied("Un bon de commande s'émet sur un accord-cadre en cours d'exécution.")
        serializer.save()


class DecpView(APIView):
    """The essential data (DECP v2.0.4) of every notified contract of 40,000 € HT or more."""

    permission_classes = [Abilities]
    renderer_classes = [OpenDataJSONRenderer]
    role_checks = {"read": "contracts.read"}

    @extend_schema(responses={200: OpenApiTypes.OBJECT, 403: ErrorSerializer},
                   summary="Données essentielles de la commande publique (DECP, schéma 2.0.4)")
    def get(self, request):
        today = timezone.localdate()
        return Response(decp_document(decp_contracts(today=today), published_on=today))


class OcdsView(APIView):
    """An OCDS 1.1 release package: tender, award, contract and implementation releases."""

    permission_classes = [Abilities]
    renderer_classes = [OpenDataJSONRenderer]
    role_checks = {"read": "contracts.read"}

    @extend_schema(responses={200: OpenApiTypes.OBJECT, 403: ErrorSerializer},
                   summary="Paquet de publications OCDS 1.1")
    def get(self, request):
        return Response(ocds_package(published_at=timezone.now()))
