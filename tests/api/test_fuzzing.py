"""Schemathesis against the OpenAPI schema, through the WSGI application (no server, no network):
a bounded number of generated requests per operation, as a buyer; no answer may be a server error
or break the schema it documents."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from procurement.api.services import api_token_create
from procurement.wsgi import application
from tests.factories import UserFactory
from tests.tenders.factories import BidFactory, LotFactory, TenderFactory

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = application
# The token endpoint takes a password: generated requests would only pile up failed logins (django-axes)
# and add nothing to the API's own resources (tests/api/test_tokens.py covers it).
schema = schema.exclude(path="/api/token/")
# Random generation only: the coverage phase's boundary cases would multiply the requests (and the time).
schema.config.phases.coverage.enabled = False

EXAMPLES_PER_OPERATION = 5


@pytest.fixture
def test_connection_kept():
    """Called straight through WSGI, Django would close the database connection after each request
    (and with it the test's transaction, on PostgreSQL); its test client keeps it, so do we."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def buyer_token(db, settings, tmp_path, test_connection_kept):
    settings.MEDIA_ROOT = tmp_path
    user = UserFactory(username="fuzz-acheteur", buyer=True)
    lot = LotFactory(tender=TenderFactory(reference="FUZZ-1", opened=True), criteria=True)
    BidFactory(lot=lot, compliant=True)
    return api_token_create(by=user)[1]


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_generated_request_gets_a_server_error_or_an_answer_outside_the_schema(case, buyer_token):
    case.call_and_validate(headers={"Authorization": f"Token {buyer_token}"},
                           checks=[not_a_server_error, response_schema_conformance, content_type_conformance])
