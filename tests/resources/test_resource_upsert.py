"""The resources reference written through ``resource_upsert``: matched by name, its platform by name."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from procurement.resources.enums import CounterReportId, ResourceKind
from procurement.resources.models import Platform, Resource
from procurement.resources.services import resource_upsert

pytestmark = pytest.mark.django_db


def test_a_resource_saved_twice_is_updated_and_its_platform_created_once():
    first = resource_upsert(name="Numilib — livres numériques", kind=ResourceKind.EBOOK, platform_name="Numilib",
                            report_id=CounterReportId.TR_B1)
    second = resource_upsert(name="Numilib — livres numériques", kind=ResourceKind.EBOOK, platform_name="Numilib",
                             report_id=CounterReportId.TR_B1, publisher="Numilib SAS", share_percent=Decimal("60"))
    assert second.pk == first.pk
    assert (Resource.objects.count(), Platform.objects.count()) == (1, 1)
    second.refresh_from_db()
    assert (second.platform.name, second.publisher, second.share_percent) == ("Numilib", "Numilib SAS",
                                                                               Decimal("60.00"))


def test_a_resource_of_an_unknown_kind_is_refused():
    with pytest.raises(ValidationError) as caught:
        resource_upsert(name="Kiosque", kind="radio", platform_name="Kiosque Média", report_id=CounterReportId.TR_B1)
    assert "kind" in caught.value.message_dict
