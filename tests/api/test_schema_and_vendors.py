import pytest

from procurement.vendors.models import Vendor
from tests.vendors.factories import VendorFactory

pytestmark = pytest.mark.django_db


def test_the_openapi_schema_is_served_with_a_french_title(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "API Achats publics"
    assert "/api/tenders/{reference}/transition/" in schema["paths"]
    assert "409" in schema["paths"]["/api/tenders/{reference}/transition/"]["post"]["responses"]


def test_the_documentation_page_uses_the_apps_own_static_files_no_cdn(client):
    page = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()


def test_a_vendor_with_a_wrong_siret_is_refused_on_that_field_in_french(api_for, buyer):
    response = api_for(buyer).post("/api/vendors/", {"name": "Kiosque", "city": "Tours", "siret": "12345678901234",
                                                     "postal_code": "37000"},
                                   format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["siret"]
    assert "SIRET" in response.json()["siret"][0]
    assert not Vendor.objects.exists()


def test_a_buyer_renames_a_vendor_and_finance_may_not(api_for, buyer, finance_user):
    vendor = VendorFactory(name="Kiosque")
    assert api_for(finance_user).patch(f"/api/vendors/{vendor.pk}/", {"name": "K"}, format="json").status_code == 403
    response = api_for(buyer).patch(f"/api/vendors/{vendor.pk}/", {"name": "Kiosque Horizon"}, format="json")
    assert (response.status_code, response.json()["name"]) == (200, "Kiosque Horizon")


def test_a_missing_field_is_named_in_french(api_for, buyer):
    response = api_for(buyer).post("/api/vendors/", {"city": "Tours"}, format="json")
    assert response.json() == {"name": ["Ce champ est obligatoire."]}


def test_a_malformed_identifier_is_a_json_404(api_for, buyer):
    response = api_for(buyer).get("/api/lots/0.5/")
    assert (response.status_code, response["Content-Type"]) == (404, "application/json")


def test_the_schema_documents_the_token_endpoint_and_the_token_header(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"]["/api/token/"]["post"]
    assert operation.get("security", [{}]) == [{}]  # a password, no token, obtains one
    request = schema["components"]["schemas"][
        operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]]
    assert set(request["required"]) == {"username", "password"}
    answer = schema["components"]["schemas"][
        operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]]
    assert answer["properties"]["expiry"]["format"] == "date-time" and set(answer["required"]) == {"token", "expiry"}
    scheme = schema["components"]["securitySchemes"]["knoxApiToken"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "Authorization")
    assert 'prefix "Token"' in scheme["description"]
    assert {"knoxApiToken": []} in schema["paths"]["/api/tenders/"]["get"]["security"]
