"""load_demo --no-users needs the demo users: on an empty database it names them and changes nothing
(apart from the module that loads the demo once for all its tests)."""


import pytest

from procurement.tenders.models import Tender
from procurement.vendors.models import Vendor
from tests.clock import load_demo

pytestmark = pytest.mark.django_db


def test_no_users_on_an_empty_database_is_refused_with_the_missing_names(settings, tmp_path, capsys):
    from procurement.core.commands import UsageError

    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(UsageError, match=r"claire\.morel") as error:
        load_demo("--no-users")
    assert "lancez d'abord load_demo sans --no-users" in str(error.value)
    assert Tender.objects.count() == 0 and Vendor.objects.count() == 0
