"""REST resources for tenders, lots and criteria (bids and evaluators' notes are in ``bids``).

The permissions are the pages' own: ``tender_abilities`` / ``lot_abilities`` /
``evaluation_abilities`` and the models' ``visible_to``. Bids stay sealed until the opening
exactly as on the register (``bid_register``): before it, the bidder, the time of receipt, the
status and the files' SHA-256 only. Evaluators' notes follow the blind rule
(``scores_visible_to``). Transitions go through ``tender_transition`` / ``lot_transition``: a
refusal is a 409 with the guard's French reasons."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from procurement.api.params import choice_param, int_param
from procurement.api.permissions import Abilities
from procurement.api.serializers import REFUSALS, TransitionSerializer
from procurement.tenders import enums, selectors
from procurement.tenders.exports.eforms import NoticeRefused, eforms_notice, notice_filename
from procurement.tenders.models import (
    Criterion,
    DceFile,
    DceGeneration,
    Lot,
    OpeningRecord,
    PriceItem,
    Tender,
)
from procurement.tenders.services import bids as bid_services
from procurement.tenders.services.dce import dce_generate
from procurement.tenders.services.need import criteria_replace, lot_save, tender_create, tender_update
from procurement.tenders.services.price_lines import LineRow, price_lines_replace
from procurement.tenders.services.transitions import (
    LOT_TRANSITIONS,
    TENDER_TRANSITIONS,
    lot_transition,
    tender_transition,
)

# Tenders -----------------------------------------------------------------------------------------


class TenderSerializer(serializers.ModelSerializer):
    programme = serializers.PrimaryKeyRelatedField(read_only=False, required=False, allow_null=True,
                                                   queryset=Tender._meta.get_field("programme").related_model.objects)
    price_types = serializers.ListField(child=serializers.ChoiceField(enums.PriceType.choices), required=False)
    techniques = serializers.ListField(child=serializers.ChoiceField(enums.Technique.choices), required=False)
    execution_modes = serializers.ListField(child=serializers.ChoiceField(enums.ExecutionMode.choices), required=False)
    social_considerations = serializers.ListField(child=serializers.ChoiceField(enums.SocialConsideration.choices),
                                                  required=False)
    environmental_considerations = serializers.ListField(
        child=serializers.ChoiceField(enums.EnvironmentalConsideration.choices), required=False)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    buyer = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    procedure = serializers.ChoiceField(enums.Procedure.choices, read_only=True, allow_blank=True,
                                        help_text="Déterminée par la valeur estimée des lots (vide sans lot).")
    lot_count = serializers.IntegerField(read_only=True)
    estimated_value = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True,
                                               help_text="Valeur estimée HT (R.2121-1) : lots, options, reconductions.")
    abilities = serializers.SerializerMethodField()

    class Meta:
        model = Tender
        fields = ["reference", "programme", "object", "nature", "cpv_code", "place_code", "place_code_type",
                  "duration_months", "renewals", "renewal_months", "is_framework", "procedure",
                  "consultation_start", "notice_sent_on", "bid_deadline", "buyer_profile_url", "mapa_negotiation",
                  "price_form", "price_types", "techniques", "execution_modes", "ccag", "innovative",
                  "social_considerations",
                  "environmental_considerations", "state", "state_label", "abandon_reason", "buyer", "lot_count",
                  "estimated_value", "abilities"]
        read_only_fields = ["procedure", "state", "abandon_reason"]
        extra_kwargs = {"reference": {"validators": []}}  # the model's full_clean names a duplicate

    @extend_schema_field(serializers.DictField(child=serializers.BooleanField()))
    def get_abilities(self, tender) -> dict[str, bool]:
        return tender.get_abilities(self.context["request"].user)

    def _annotated(self, tender: Tender) -> Tender:
        return selectors.tender_list(user=self.context["request"].user).get(pk=tender.pk)

    def create(self, validated_data):
        return self._annotated(tender_create(by=self.context["request"].user, **validated_data))

    def update(self, instance, validated_data):
        validated_data.pop("reference", None)  # the reference names the tender for good
        return self._annotated(tender_update(tender=instance, by=self.context["request"].user, **validated_data))


class TenderTransitionSerializer(TransitionSerializer):
    transition = serializers.ChoiceField(choices=TENDER_TRANSITIONS)


class OpeningRecordSerializer(serializers.ModelSerializer):
    opened_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = OpeningRecord
        fields = ["opened_at", "attendees", "notes", "opened_by"]


class DceFileSerializer(serializers.ModelSerializer):
    class Meta:
        model = DceFile
        fields = ["kind", "lot_number", "name", "size", "sha256"]


class DceSerializer(serializers.ModelSerializer):
    files = DceFileSerializer(many=True, read_only=True)

    class Meta:
        model = DceGeneration
        fields = ["version", "generated_at", "archive_name", "files"]


TENDER_FILTERS = [
    OpenApiParameter("state", OpenApiTypes.STR, enum=enums.TenderState.values, description="État."),
    OpenApiParameter("procedure", OpenApiTypes.STR, enum=enums.Procedure.values, description="Procédure."),
    OpenApiParameter("year", OpenApiTypes.INT, description="Année de lancement de la consultation."),
    OpenApiParameter("programme", OpenApiTypes.INT, description="Identifiant du programme."),
]


class TenderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Consultations. Buyers and finance read every consultation; evaluators the opened or completed
    ones; buyers create and drive them."""

    serializer_class = TenderSerializer
    permission_classes = [Abilities]
    lookup_field = "reference"
    lookup_value_regex = "[^/]+"
    role_checks = {"read": "tenders.read", "write": "tenders.drive"}
    object_abilities = {"update": "edit", "partial_update": "edit", "transition": "drive", "dce": "drive",
                        "opening": "record_opening", "eforms": "drive"}

    def abilities_of(self, tender, user):
        return tender.get_abilities(user)

    def get_queryset(self):
        request = self.request
        if self.action != "list":
            return selectors.tender_list(user=request.user)
        return selectors.tender_list(
            user=request.user, state=choice_param(request, "state", enums.TenderState.choices),
            procedure=choice_param(request, "procedure", enums.Procedure.choices), year=int_param(request, "year"),
            programme=int_param(request, "programme"),
        )

    @extend_schema(parameters=TENDER_FILTERS)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=TenderTransitionSerializer, responses={200: TenderSerializer, **REFUSALS},
                   summary="Transition de la consultation (409 avec les motifs si elle est refusée)")
    @action(detail=True, methods=["post"])
    def transition(self, request, reference=None):
        tender = self.get_object()
        body = TenderTransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        tender = tender_transition(tender=tender, name=body.validated_data["transition"], by=request.user,
                                   reason=body.validated_data["reason"])
        return Response(TenderSerializer(selectors.tender_list(user=request.user).get(pk=tender.pk),
                                         context=self.get_serializer_context()).data)

    @extend_schema(
        parameters=[OpenApiParameter("notice", str, enum=["cn", "can"], required=True,
                                     description="cn : avis de marché (sous-type 16) ; can : avis d'attribution (29)")],
        responses={(200, "application/xml"): OpenApiTypes.STR, **REFUSALS},
        summary="Avis européen eForms (SDK 1.15, XML valide au regard des XSD) ; 409 avec le motif s'il est refusé")
    @action(detail=True, methods=["get"])
    def eforms(self, request, reference=None):
        tender = self.get_object()
        notice = request.query_params.get("notice", "")
        if notice not in ("cn", "can"):
            return Response({"notice": ["Indiquez l'avis : cn (avis de marché) ou can (avis d'attribution)."]},
                            status=status.HTTP_400_BAD_REQUEST)
        try:
            xml = eforms_notice(tender=selectors.tender_for_notice(reference=tender.reference), notice=notice)
        except NoticeRefused as refusal:
            return Response({"detail": str(refusal)}, status=status.HTTP_409_CONFLICT)
        response = HttpResponse(xml, content_type="application/xml")
        response["Content-Disposition"] = f'attachment; filename="{notice_filename(tender, notice)}"'
        return response

    @extend_schema(request=None, responses={201: DceSerializer, **REFUSALS},
                   summary="Génère le DCE (nouvelle version) : RC, CCAP, CCTP, AE, BPU / DQE")
    @action(detail=True, methods=["post"])
    def dce(self, request, reference=None):
        generation = dce_generate(tender=self.get_object(), by=request.user)
        return Response(DceSerializer(generation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=OpeningRecordSerializer, responses={201: OpeningRecordSerializer, **REFUSALS},
                   summary="Procès-verbal d'ouverture des plis (consultation clôturée)")
    @action(detail=True, methods=["post"])
    def opening(self, request, reference=None):
        tender = self.get_object()
        body = OpeningRecordSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        record = bid_services.opening_record_create(tender=tender, by=request.user, **body.validated_data)
        return Response(OpeningRecordSerializer(record).data, status=status.HTTP_201_CREATED)


# Lots and criteria --------------------------------------------------------------------------------


class LotSerializer(serializers.ModelSerializer):
    tender = serializers.SlugRelatedField(slug_field="reference", queryset=Tender.objects.all())
    number = serializers.IntegerField(min_value=1, max_value=32767, required=False)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    estimated_value_ht = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = Lot
        fields = ["id", "tender", "number", "title", "description", "estimated_amount_ht", "options_amount_ht",
                  "estimated_value_ht", "state", "state_label", "winner", "decision_reason", "decided_at"]
        read_only_fields = ["state", "winner", "decision_reason", "decided_at"]
        validators = []  # the model's full_clean names a duplicate number

    def create(self, validated_data):
        tender = validated_data.pop("tender")
        return lot_save(tender=tender, by=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        validated_data.pop("tender", None)
        return lot_save(tender=instance.tender, lot=instance, by=self.context["request"].user, **validated_data)


class LotTransitionSerializer(TransitionSerializer):
    transition = serializers.ChoiceField(choices=LOT_TRANSITIONS)
    winner = serializers.IntegerField(required=False, allow_null=True, help_text="L'offre retenue (attribution).")


class CriterionChildSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(enums.CriterionKind.choices)
    points = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100)
    price_formula = serializers.ChoiceField(enums.PriceFormula.choices, required=False, allow_blank=True, default="")
    price_basis = serializers.ChoiceField(enums.PriceBasis.choices, required=False, default=enums.PriceBasis.HT)


class CriterionRowSerializer(CriterionChildSerializer):
    children = CriterionChildSerializer(many=True, required=False, default=list)


class CriterionSerializer(serializers.ModelSerializer):
    price_formula = serializers.ChoiceField(enums.PriceFormula.choices, read_only=True, allow_blank=True)

    class Meta:
        model = Criterion
        fields = ["id", "lot", "parent", "name", "kind", "points", "position", "price_formula", "price_basis"]
        read_only_fields = fields


class PriceLineSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=16, required=False, allow_blank=True, default="",
                                   help_text="N° de prix ; vide : la position de la ligne.")
    label = serializers.CharField(max_length=300)
    unit = serializers.CharField(max_length=40)
    quantity = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)


class PriceItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = PriceItem
        fields = ["id", "lot", "number", "label", "unit", "quantity", "position"]
        read_only_fields = fields


class LotViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                 mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Lots of the visible consultations; buyers add and change them while the consultation is a
    draft, replace their criteria, and decide them after the opening."""

    serializer_class = LotSerializer
    lookup_value_regex = "[^/]+"  # a malformed identifier is a JSON 404 too
    permission_classes = [Abilities]
    role_checks = {"read": "tenders.read", "write": "tenders.drive"}
    object_abilities = {"update": "edit", "partial_update": "edit", "criteria": "edit", "price_lines": "edit",
                        "transition": "drive"}

    def abilities_of(self, lot, user):
        return lot.get_abilities(user)

    def get_queryset(self):
        lots = selectors.lots_visible_to(user=self.request.user).order_by("tender__reference", "number")
        if self.action == "list" and (reference := self.request.query_params.get("tender")):
            lots = lots.filter(tender__reference=reference)
        return lots

    @extend_schema(parameters=[OpenApiParameter("tender", OpenApiTypes.STR,
                                                description="Référence de la consultation.")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer):
        tender = serializer.validated_data["tender"]
        if not tender.get_abilities(self.request.user)["edit"]:
            raise PermissionDenied("Seule une consultation en brouillon reçoit de nouveaux lots.")
        serializer.save()

    @extend_schema(request=CriterionRowSerializer(many=True), responses={200: CriterionSerializer(many=True),
                                                                          **REFUSALS},
                   summary="Remplace les critères du lot (les points doivent totaliser 100)")
    @action(detail=True, methods=["post"])
    def criteria(self, request, pk=None):
        lot = self.get_object()
        body = CriterionRowSerializer(data=request.data, many=True)
        body.is_valid(raise_exception=True)
        created = criteria_replace(lot=lot, by=request.user, rows=body.validated_data)
        return Response(CriterionSerializer(created, many=True).data)

    @extend_schema(request=PriceLineSerializer(many=True), responses={200: PriceItemSerializer(many=True),
                                                                       **REFUSALS},
                   summary="Remplace les lignes du bordereau des prix du lot (BPU / DQE), dans leur ordre")
    @action(detail=True, methods=["post"], url_path="price-lines")
    def price_lines(self, request, pk=None):
        lot = self.get_object()
        body = PriceLineSerializer(data=request.data, many=True)
        body.is_valid(raise_exception=True)
        rows = [LineRow(row["number"].strip(), row["label"].strip(), row["unit"].strip(), row["quantity"])
                for row in body.validated_data]
        created = price_lines_replace(lot=lot, by=request.user, rows=rows)
        return Response(PriceItemSerializer(created, many=True).data)

    @extend_schema(request=LotTransitionSerializer, responses={200: LotSerializer, **REFUSALS},
                   summary="Décision sur le lot (409 avec les motifs si elle est refusée)")
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        lot = self.get_object()
        body = LotTransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        winner = None
        if body.validated_data.get("winner") is not None:
            winner = lot.bids.filter(pk=body.validated_data["winner"]).first()
            if winner is None:
                raise ValidationError({"winner": "Cette offre n'appartient pas à ce lot."})
        lot = lot_transition(lot=lot, name=body.validated_data["transition"], by=request.user,
                             reason=body.validated_data["reason"], winner=winner)
        return Response(LotSerializer(lot, context=self.get_serializer_context()).data)


class CriterionViewSet(viewsets.ReadOnlyModelViewSet):
    """Award criteria of the visible lots (sub-criteria name their ``parent``)."""

    serializer_class = CriterionSerializer
    lookup_value_regex = "[^/]+"  # a malformed identifier is a JSON 404 too
    permission_classes = [Abilities]
    role_checks = {"read": "tenders.read"}
    object_abilities: dict = {}

    def get_queryset(self):
        criteria = selectors.criteria_visible_to(user=self.request.user).order_by("lot", "parent_id", "position",
                                                                                 "pk")
        if self.action == "list" and (lot := int_param(self.request, "lot")) is not None:
            criteria = criteria.filter(lot_id=lot)
        return criteria

    @extend_schema(parameters=[OpenApiParameter("lot", OpenApiTypes.INT, description="Identifiant du lot.")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)
