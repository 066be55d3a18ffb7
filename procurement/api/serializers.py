"""Serializers the resources share: the answer of a refused transition or action, and the body of
a transition."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers, status


class RefusalSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="Les motifs du refus, en une phrase.")
    reasons = serializers.ListField(child=serializers.CharField(), help_text="Chaque motif du refus.")


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class TransitionSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000,
                                   help_text="Motif (obligatoire pour une déclaration sans suite ou une résiliation).")


# The refusals an action documents in the schema.
REFUSALS = {
    status.HTTP_400_BAD_REQUEST: OpenApiResponse(OpenApiTypes.OBJECT, description="Erreurs par champ, en français."),
    status.HTTP_403_FORBIDDEN: OpenApiResponse(ErrorSerializer, description="Action non permise à ce profil."),
    status.HTTP_404_NOT_FOUND: OpenApiResponse(ErrorSerializer, description="Inconnu, ou invisible pour ce profil."),
    status.HTTP_409_CONFLICT: OpenApiResponse(RefusalSerializer, description="Transition refusée : les motifs."),
}
