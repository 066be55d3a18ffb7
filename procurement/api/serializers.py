"""Serializers the resources share: the answer of a refused transition or action, and the body of
a transition."""

from rest_framework import serializers


class RefusalSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="Les motifs du refus, en une phrase.")
    reasons = serializers.ListField(child=serializers.CharField(), help_text="Chaque motif du refus.")


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class TransitionSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000,
                                   help_text="Motif (obligatoire pour une déclaration sans suite ou une résiliation).")
