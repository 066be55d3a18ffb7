"""REST resources for the bids (sealed until the opening) and the evaluators' notes (blind until the
round ends), beside the tenders, lots and criteria of ``procurement.tenders.api.tenders``."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from procurement.api.params import int_param
from procurement.api.permissions import Abilities
from procurement.api.serializers import REFUSALS
from procurement.tenders import selectors
from procurement.tenders.enums import BidStatus
from procurement.tenders.evaluation.selectors import scores_visible_to
from procurement.tenders.evaluation.services import score_record
from procurement.tenders.forms.bids import POSITIVE_PRICE, VAT_RANGE
from procurement.tenders.models import (
    Bid,
    BidFile,
    Criterion,
    Score,
)
from procurement.tenders.services import bids as bid_services

# Bids ------------------------------------------------------------------------------------------------


class BidFileSerializer(serializers.ModelSerializer):
    class Meta:
        model = BidFile
        fields = ["original_name", "size", "sha256"]


class BidSerializer(serializers.ModelSerializer):
    """A bid as the register shows it to this user: without ``read_bids`` (sealed, or not a buyer),
    the amounts, the candidature's assessment and the files' names are null or empty."""

    tender = serializers.CharField(source="lot.tender.reference", read_only=True)
    vendor_name = serializers.CharField(source="vendor.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    sealed = serializers.SerializerMethodField()
    file_hashes = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()
    final_amount_ht = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, allow_null=True)
    final_amount_ttc = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, allow_null=True)

    HIDDEN = ("amount_ht", "vat_rate", "negotiated_amount_ht", "final_amount_ht", "final_amount_ttc", "admissible",
              "admissibility_reason", "regularised", "regularisation_note", "capacities")

    class Meta:
        model = Bid
        fields = ["id", "lot", "tender", "vendor", "vendor_name", "received_at", "status", "status_label",
                  "status_reason", "sealed", "file_hashes", "files", "candidature_form", "exclusion_declaration",
                  "capacities", "admissible", "admissibility_reason", "amount_ht", "vat_rate",
                  "negotiated_amount_ht", "final_amount_ht", "final_amount_ttc", "regularised",
                  "regularisation_note"]
        read_only_fields = fields

    def _readable(self, bid) -> bool:
        return bid.lot.tender.get_abilities(self.context["request"].user)["read_bids"]

    def get_sealed(self, bid) -> bool:
        return not self._readable(bid)

    def get_file_hashes(self, bid) -> list[str]:
        return [file.sha256 for file in bid.files.all()]

    @extend_schema_field(BidFileSerializer(many=True))
    def get_files(self, bid):
        return BidFileSerializer(bid.files.all(), many=True).data if self._readable(bid) else []

    def to_representation(self, bid):
        data = super().to_representation(bid)
        if not self._readable(bid):
            for name in self.HIDDEN:
                data[name] = None if name not in ("admissibility_reason", "regularisation_note", "capacities",
                                                  "regularised") else ("" if name != "regularised" else False)
            if bid.status != BidStatus.LATE:
                data["status_reason"] = ""
        return data


class BidOpeningSerializer(serializers.Serializer):
    amount_ht = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"),
                                         error_messages={"min_value": POSITIVE_PRICE})
    vat_rate = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=Decimal("99.99"),
                                        error_messages={"min_value": VAT_RANGE, "max_value": VAT_RANGE})
    admissible = serializers.BooleanField()
    admissibility_reason = serializers.CharField(required=False, allow_blank=True, default="")
    status = serializers.ChoiceField([BidStatus.COMPLIANT, BidStatus.IRREGULAR, BidStatus.UNACCEPTABLE,
                                      BidStatus.INAPPROPRIATE], default=BidStatus.COMPLIANT)
    status_reason = serializers.CharField(required=False, allow_blank=True, default="")


class BidViewSet(viewsets.ReadOnlyModelViewSet):
    """The bids register of the visible consultations, sealed until the opening; after it, buyers
    record each bid's amounts and assessment."""

    serializer_class = BidSerializer
    lookup_value_regex = "[^/]+"  # a malformed identifier is a JSON 404 too
    permission_classes = [Abilities]
    role_checks = {"read": "tenders.read", "opening": "tenders.drive"}
    object_abilities = {"opening": "record_bids"}

    def abilities_of(self, bid, user):
        return bid.lot.tender.get_abilities(user)

    def get_queryset(self):
        if self.action != "list":
            return selectors.bids_visible_to(user=self.request.user)
        return selectors.bids_visible_to(user=self.request.user, lot=int_param(self.request, "lot"),
                                         tender_reference=self.request.query_params.get("tender", ""))

    @extend_schema(parameters=[
        OpenApiParameter("lot", OpenApiTypes.INT, description="Identifiant du lot."),
        OpenApiParameter("tender", OpenApiTypes.STR, description="Référence de la consultation."),
    ])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=BidOpeningSerializer, responses={200: BidSerializer, **REFUSALS},
                   summary="Saisie de l'offre ouverte : montants, recevabilité, statut")
    @action(detail=True, methods=["post"])
    def opening(self, request, pk=None):
        bid = self.get_object()
        body = BidOpeningSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        bid = bid_services.bid_record_opening(bid=bid, by=request.user, **body.validated_data)
        bid = self.get_queryset().get(pk=bid.pk)
        return Response(BidSerializer(bid, context=self.get_serializer_context()).data)


# Evaluators' notes ----------------------------------------------------------------------------------


class ScoreSerializer(serializers.ModelSerializer):
    evaluator = serializers.SlugRelatedField(slug_field="username", read_only=True)
    bid = serializers.PrimaryKeyRelatedField(queryset=Bid.objects.all())
    criterion = serializers.PrimaryKeyRelatedField(queryset=Criterion.objects.all())
    value = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0)
    comment = serializers.CharField(allow_blank=True, max_length=5000)

    class Meta:
        model = Score
        fields = ["id", "lot", "bid", "criterion", "evaluator", "value", "comment", "updated_at"]
        read_only_fields = ["lot", "evaluator", "updated_at"]
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:  # an invisible bid or criterion is unknown, like a missing one
            self.fields["bid"].queryset = selectors.bids_visible_to(user=request.user)
            self.fields["criterion"].queryset = selectors.criteria_visible_to(user=request.user)

    def create(self, validated_data):
        bid = validated_data["bid"]
        return score_record(lot=bid.lot, bid=bid, criterion=validated_data["criterion"],
                            by=self.context["request"].user, value=validated_data["value"],
                            comment=validated_data["comment"])


class ScoreViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                   viewsets.GenericViewSet):
    """Evaluators' notes under the blind rule: an evaluator reads their own notes only until the
    lot's round ends; then the counted notes are readable by buyers, finance and the lot's cleared
    members. An evaluator records a note (or corrects it) while their round is open."""

    serializer_class = ScoreSerializer
    lookup_value_regex = "[^/]+"  # a malformed identifier is a JSON 404 too
    permission_classes = [Abilities]
    role_checks = {"read": "tenders.read", "write": "evaluation.sit"}
    object_abilities: dict = {}

    def get_queryset(self):
        scores = scores_visible_to(self.request.user).select_related("evaluator").order_by("lot", "bid", "criterion",
                                                                                             "evaluator", "pk")
        if self.action == "list" and (lot := int_param(self.request, "lot")) is not None:
            scores = scores.filter(lot_id=lot)
        return scores

    @extend_schema(parameters=[OpenApiParameter("lot", OpenApiTypes.INT, description="Identifiant du lot.")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)
