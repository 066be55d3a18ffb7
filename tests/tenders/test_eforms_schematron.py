"""The eForms SDK's schematron rules (SDK 1.15.1, phases eforms-16 and eforms-29 of
``complete-validation.sch``) on the demo's notices, run by npm's node-schematron: no rule whose role is
ERROR fails. One node process compiles the rules once and checks every notice of the session."""

import re

import pytest
from django.db import transaction
from django.test import override_settings
from freezegun import freeze_time

from procurement.tenders.exports.eforms import eforms_notice
from procurement.tenders.selectors import tender_for_notice
from tests.clock import DEMO_NOW
from tests.demo_snapshot import restore
from tests.tenders.eforms import schematron

EXAMPLES = schematron.RUNNER.parent
# django_db: without a test that asks for the database, pytest-django would not create it for the fixture.
pytestmark = [pytest.mark.skipif(bool(schematron.missing_tools()), reason=schematron.missing_tools()),
              pytest.mark.django_db]


@pytest.fixture(scope="session")
def checked(demo_snapshot, django_db_blocker, tmp_path_factory):
    """The demo's contract and award notices of BNM-2024-01, one with a hash-derived notice id, and the
    SDK's examples, checked in one run: {name: schematron.Checked}."""
    folder = tmp_path_factory.mktemp("eforms-schematron")
    files = {}
    with (django_db_blocker.unblock(), override_settings(MEDIA_ROOT=folder / "media"), transaction.atomic(),
          freeze_time(DEMO_NOW)):
        restore(demo_snapshot)
        for kind in ("cn", "can"):
            files[kind] = folder / f"{kind}.xml"
            files[kind].write_bytes(eforms_notice(tender=tender_for_notice(reference="BNM-2024-01"), notice=kind))
        transaction.set_rollback(True)
    # The notice id written as the app once did, derived from the reference (a version-5 UUID).
    files["cn-uuid5"] = folder / "cn-uuid5.xml"
    files["cn-uuid5"].write_text(re.sub(r'(<cbc:ID schemeName="notice-id">)[^<]+',
                                        r"\g<1>6f1b3f0e-3f5c-5b7a-9a8e-2c4d6e8f0a1b",
                                        files["cn"].read_text(encoding="utf-8"), count=1), encoding="utf-8")
    files["cn_24_open"] = EXAMPLES / "cn_24_open.xml"
    files["can_24_minimal"] = EXAMPLES / "can_24_minimal.xml"
    phases = {"cn": "cn", "can": "can", "cn-uuid5": "cn", "cn_24_open": "cn", "can_24_minimal": "can"}
    run = schematron.run([(schematron.PHASES[phases[name]], path) for name, path in files.items()])
    return {name: run.notices[path] for name, path in files.items()}


def test_the_sdk_example_contract_notice_breaks_no_error_rule(checked):
    # It only draws a warning: its buyer's country is not in the list BR-BT-00514-0310 expects.
    assert checked["cn_24_open"].errors == []
    assert [failure.id for failure in checked["cn_24_open"].warnings] == ["BR-BT-00514-0310"]


def test_the_sdk_minimal_award_notice_lacks_the_large_tenderers_count_that_sdk_1_15_asks_for(checked):
    assert [failure.id for failure in checked["can_24_minimal"].errors] == ["BR-BT-13713-0123"]


def test_a_notice_id_that_is_not_a_version_4_uuid_is_caught(checked):
    assert "BR-BT-00701-0052" in [failure.id for failure in checked["cn-uuid5"].errors]


@pytest.mark.parametrize("kind", ["cn", "can"])
def test_the_demo_notice_breaks_no_error_rule(checked, kind):
    print(f"{kind}: {checked[kind].seconds:.1f} s, warnings: {[str(failure) for failure in checked[kind].warnings]}")
    assert [str(failure) for failure in checked[kind].errors] == []
