"""REST resource for vendors: buyers and finance read, buyers write, through the vendors' services."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from procurement.api.permissions import Abilities
from procurement.vendors import selectors, services
from procurement.vendors.models import Vendor


class VendorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Vendor
        fields = ["id", "name", "siret", "vat_number", "street", "postal_code", "city", "country", "is_sme",
                  "website", "notes"]
        extra_kwargs = {"siret": {"validators": []}}
        validators = []  # the services check the SIRET, the VAT number and duplicates, naming the other vendor

    def create(self, validated_data):
        return services.vendor_create(by=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        return services.vendor_update(vendor=instance, data=validated_data, by=self.context["request"].user)


@extend_schema_view(
    list=extend_schema(summary="Fournisseurs", parameters=[
        OpenApiParameter("search", OpenApiTypes.STR, description="Nom, SIRET ou SIREN (début), numéro de TVA."),
        OpenApiParameter("sme", OpenApiTypes.BOOL, description="PME seulement (true) ou hors PME (false)."),
    ]),
)
class VendorViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Vendors: buyers and finance read them, buyers create and change them."""

    serializer_class = VendorSerializer
    lookup_value_regex = "[^/]+"  # a malformed identifier is a JSON 404 too
    permission_classes = [Abilities]
    role_checks = {"read": "vendors.read", "write": "vendors.edit"}
    object_abilities = {"update": "change", "partial_update": "change"}

    def abilities_of(self, vendor, user):
        return vendor.get_abilities(user)

    def get_queryset(self):
        if self.action != "list":
            return Vendor.objects.all()
        sme = self.request.query_params.get("sme")
        flag = {"true": True, "1": True, "false": False, "0": False}.get((sme or "").lower())
        return selectors.vendor_list(search=self.request.query_params.get("search", ""), sme=flag)
