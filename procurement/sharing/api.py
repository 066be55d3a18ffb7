"""``GET /api/programmes/{reference}/cost-sharing/?year=&key=&basis=``: each member's share of a year, the
same JSON as ``cost_sharing --format json``."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from procurement.api.params import choice_param, int_param
from procurement.api.permissions import Abilities
from procurement.api.serializers import REFUSALS
from procurement.sharing.enums import CostBasis
from procurement.sharing.rules import SharingRefused
from procurement.sharing.selectors.agreements import agreement_for, programme_by_reference
from procurement.sharing.selectors.costs import year_cost
from procurement.sharing.selectors.keys import key_definition
from procurement.sharing.selectors.shares import shares, sharing_json


class MemberShareSerializer(serializers.Serializer):
    member = serializers.CharField(help_text="Le membre : la Métropole ou une commune.")
    population = serializers.IntegerField(allow_null=True, help_text="Population légale de l'année (vide si non "
                                                                     "saisie).")
    uses = serializers.IntegerField(help_text="Usages COUNTER des ressources partagées dans ses bibliothèques.")
    share_ttc = serializers.CharField(help_text="Sa part TTC, deux décimales (« 166867.82 »).")
    share_percent = serializers.CharField(help_text="Sa part du total, en pour cent, deux décimales.")


class CostSharingSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    key = serializers.CharField(help_text="La clé appliquée (nom).")
    total_ttc = serializers.CharField(help_text="Le total réparti, celui de l'échéancier des finances ; les parts "
                                                "l'égalent au centime.")
    members = MemberShareSerializer(many=True)


class CostSharingView(APIView):
    """The shares of the programme's agreement covering ``year``, under ``key`` (the applied key by default)."""

    permission_classes = [Abilities]
    role_checks = {"read": "sharing.read"}

    @extend_schema(
        operation_id="cost_sharing", tags=["cost-sharing"],
        parameters=[
            OpenApiParameter("reference", OpenApiTypes.STR, OpenApiParameter.PATH,
                             description="Référence du programme, par exemple BNM."),
            OpenApiParameter("year", OpenApiTypes.INT, required=True, description="L'année, par exemple 2026."),
            OpenApiParameter("key", OpenApiTypes.STR,
                             description="population, usage, flat (une seule composante) ou le nom d'une clé de la "
                                         "convention ; par défaut, la clé qu'elle applique."),
            OpenApiParameter("basis", OpenApiTypes.STR, enum=CostBasis.values,
                             description="committed (engagé TTC, par défaut) ou forecast (prévisionnel TTC)."),
        ],
        responses={200: CostSharingSerializer, 400: REFUSALS[400], 403: REFUSALS[403], 404: REFUSALS[404]},
        summary="Part de chaque membre dans les coûts partagés d'une année",
        description="Ce que la convention de partage des coûts du programme partage une année (le coût TTC des "
                    "marchés et lignes partagés selon l'échéancier des finances), réparti entre ses membres selon la "
                    "clé et arrondi au centime de sorte que les parts fassent exactement le total : le même JSON que "
                    "« python manage.py cost_sharing --format json ». Une année hors convention, sans coût, une clé "
                    "inconnue ou qui ne peut pas répartir : 400 avec la raison.")
    def get(self, request, reference: str):
        programme = programme_by_reference(reference)
        if programme is None:
            raise Http404("Aucun programme ne porte cette référence.")
        year = int_param(request, "year")
        if year is None:
            raise ValidationError({"year": "Année obligatoire (AAAA)."})
        if not 2000 <= year <= 2100:
            raise ValidationError({"year": "Année entre 2000 et 2100."})
        basis = choice_param(request, "basis", CostBasis.choices) or CostBasis.COMMITTED
        key = (request.query_params.get("key") or "").strip()[:40] or None
        agreement = agreement_for(programme=programme, year=year)
        if agreement is None:
            raise ValidationError({"year": f"Aucune convention de partage des coûts du programme "
                                           f"{programme.reference} ne couvre {year}."})
        try:
            definition = key_definition(agreement=agreement, key=key)
        except SharingRefused as refusal:
            raise ValidationError({"key": refusal.reason}) from None
        cost = year_cost(agreement=agreement, year=year, basis=basis)
        try:
            sharing = shares(agreement=agreement, year=year, key=definition, basis=basis, cost=cost)
        except SharingRefused as refusal:
            # Nothing to share is the year's doing; any other refusal is the key's (it cannot divide).
            raise ValidationError({"year" if cost.total_ttc <= 0 else "key": refusal.reason}) from None
        return Response(sharing_json(sharing))
