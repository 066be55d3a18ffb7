"""The open-data renderer writes what DRF's JSON renderer would, faster."""

from decimal import Decimal

from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer

from procurement.api.renderers import OpenDataJSONRenderer


def test_the_open_data_renderer_writes_the_same_json_as_drf():
    data = {"montant": 425900.0, "acheteur": "Métropole de Lyon — BNM", "taux": Decimal("5.50"),
            "nature": gettext_lazy("Marché"), "lots": [1, 2], "vide": None}
    assert OpenDataJSONRenderer().render(data) == JSONRenderer().render(data)
    assert OpenDataJSONRenderer().render(None) == b""
