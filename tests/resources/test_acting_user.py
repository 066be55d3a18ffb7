"""The resources' services check the acting user's ability before writing: finance officers and
evaluators, who do not import nor keep the libraries on the pages, are refused, and nothing changes."""

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from procurement.resources.models import Library, SushiCredential, UsageReport
from procurement.resources.services import library_upsert, sushi_credential_set, usage_report_import
from tests.factories import UserFactory
from tests.resources.factories import LibraryFactory, PlatformFactory

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "samples"
WRITES = {
    "usage_report_import": lambda by: usage_report_import(path=SAMPLES / "tr_b1_r5.tsv", by=by),
    "library_upsert": lambda by: library_upsert(code="VAL", name="Médiathèque de Valbrune", commune="Valbrune",
                                                population=12000, identifiers=["ISIL:FR-1"], by=by),
    "sushi_credential_set": lambda by: sushi_credential_set(platform=PlatformFactory(), library=LibraryFactory(),
                                                            customer_id="VALBRUNE", by=by),
}


@pytest.mark.parametrize("traits", [{"finance": True}, {"evaluator": True}], ids=["finance", "evaluator"])
@pytest.mark.parametrize("write", WRITES)
def test_a_role_without_the_ability_is_refused_and_nothing_is_written(write, traits):
    user = UserFactory(**traits)
    with pytest.raises(PermissionDenied) as refused:
        WRITES[write](user)
    assert str(refused.value).startswith("Seuls les acheteurs ")
    assert not SushiCredential.objects.exists() and not UsageReport.objects.exists()
    assert not Library.objects.filter(code="VAL").exists()
