"""``POST /api/token/``: a user name and a password give a token, shown once with its expiry; the
client then sends ``Authorization: Token <key>``. Failed attempts count for django-axes like the
login page's (``authenticate`` receives the request)."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from procurement.api.services import api_token_create


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("Identifiant"))
    password = serializers.CharField(label=_("Mot de passe"), trim_whitespace=False, write_only=True,
                                     style={"input_type": "password"})

    def validate(self, attrs):
        user = authenticate(request=self.context["request"], username=attrs["username"],
                            password=attrs["password"])
        if user is None:
            raise serializers.ValidationError(_("Identifiant ou mot de passe incorrect."), code="authorization")
        return {"user": user}


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("La clé, montrée cette seule fois ; à envoyer dans l'en-tête "
                                              "« Authorization: Token <clé> »."))
    expiry = serializers.DateTimeField(help_text=_("Fin de validité du jeton."))


class TokenObtainView(APIView):
    # A password proves who asks here: no session (and so no CSRF check) nor token.
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="token_create", tags=["token"], auth=[], request=TokenRequestSerializer,
        responses={200: TokenSerializer, 400: OpenApiResponse(description=_("Identifiant ou mot de passe incorrect."))},
        summary=_("Obtenir un jeton d'API"),
        description=_("Échange un identifiant et un mot de passe contre un jeton, valable API_TOKEN_TTL_DAYS jours "
                      "(30 par défaut), à envoyer ensuite dans l'en-tête « Authorization: Token <clé> ». "
                      "Seule son empreinte est conservée : la clé n'est montrée qu'une fois."),
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        instance, key = api_token_create(by=serializer.validated_data["user"])
        response = Response(TokenSerializer({"token": key, "expiry": instance.expiry}).data)
        response["Cache-Control"] = "no-store"
        return response
