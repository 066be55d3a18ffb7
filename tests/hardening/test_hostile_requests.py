"""Hostile requests get a 4xx, never a 500: every list and detail URL of the API and every page
without arguments is walked with NUL bytes, integers beyond 64 bits, out-of-range years and other
garbage in its query parameters and identifiers; the API gets deeply nested JSON bodies; the same
unique row created twice at once is a 409. The module runs on SQLite and on PostgreSQL (where a NUL
byte reaching a query is an error of the driver)."""

from __future__ import annotations

import copy

import pytest
from django.db.models.signals import pre_save
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from procurement.api.urls import router
from procurement.tenders.models import Lot
from tests.contracts.factories import ContractFactory
from tests.factories import UserFactory
from tests.tenders.factories import BidFactory, LotFactory, TenderFactory

pytestmark = pytest.mark.django_db

NUL = ["a\x00b", "BNM-2024-02\x00'--"]
HUGE = ["9223372036854775808", "-1" + "0" * 30]
YEARS = ["0", "99999", "2026.5"]
GARBAGE = ["é" * 300]
VALUES = NUL + HUGE + YEARS + GARBAGE
API_PARAMETERS = ["tender", "contract", "sme", "search", "procedure", "state", "programme", "year", "year_from",
                  "year_to", "limit", "offset"]
PAGE_PARAMETERS = ["page", "type", "non_rapproches", "annee", "q", "pme", "state", "procedure", "year", "programme",
                   "holder", "holder_search", "programme_search", "year_from", "year_to", "section", "renewal_due"]
IDENTIFIERS = NUL + HUGE + ["0", "-1", "1.5", "%25", "..%2F..%2Fetc"]
NESTING = [1_000, 100_000]

TRIED: dict[str, int] = {"api": 0, "pages": 0, "bodies": 0}


@pytest.fixture
def world(db, settings, tmp_path):
    """One of each object the walk may reach, and a buyer who sees them."""
    settings.MEDIA_ROOT = tmp_path
    user = UserFactory(username="acheteur-hostile", buyer=True, is_staff=True, is_superuser=True)
    lot = LotFactory(tender=TenderFactory(opened=True), number=1)
    BidFactory(lot=lot, compliant=True)
    ContractFactory(notified=True, framework=True)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _api_lists() -> list[str]:
    prefixes = [prefix for prefix, _viewset, _basename in router.registry]
    return [f"/api/{prefix}/" for prefix in prefixes] + ["/api/decp/", "/api/ocds/", "/api/commitments/"]


def _pages() -> list[str]:
    """Every page whose URL takes no argument (the admin and the API excepted)."""
    found: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if route.startswith(("admin", "api")) or "<" in route:
                    continue
                walk(pattern.url_patterns, prefix + route)
            elif isinstance(pattern, URLPattern) and "<" not in route and not route.startswith("^"):
                found.append("/" + prefix + route)

    walk(get_resolver().url_patterns, "")
    return sorted(set(found) - {"/deconnexion/", "/logout/"})


def _server_errors(client, urls: list[str], kind: str, parameters: list[str]) -> list[tuple]:
    errors = []
    for url in urls:
        for name in parameters:
            for value in VALUES:
                TRIED[kind] += 1
                response = client.get(url, {name: value})
                if response.status_code >= 500:
                    errors.append((url, name, value[:20], response.status_code))
    return errors


def test_no_api_list_filter_gets_a_server_error(world):
    errors = _server_errors(world, _api_lists(), "api", API_PARAMETERS)
    print(f"\nAPI : {TRIED['api']} requêtes hostiles")
    assert TRIED["api"] >= 12 * len(API_PARAMETERS) * len(VALUES)
    assert errors == [], sorted({error[:2] for error in errors})


def test_no_api_identifier_gets_a_server_error(world):
    errors = []
    for url in _api_lists()[:-3]:
        for identifier in IDENTIFIERS:
            TRIED["api"] += 1
            response = world.get(f"{url}{identifier}/")
            if response.status_code >= 500:
                errors.append((url, identifier[:20], response.status_code))
            assert response.status_code in (400, 404), (url, identifier, response.status_code)
    assert errors == [], sorted({error[:2] for error in errors})


def test_no_page_filter_gets_a_server_error(world):
    pages = _pages()
    assert len(pages) >= 20
    errors = _server_errors(world, pages, "pages", PAGE_PARAMETERS)
    print(f"\npages : {len(pages)} adresses, {TRIED['pages']} requêtes hostiles")
    assert errors == [], sorted({error[:2] for error in errors})


def test_a_nul_byte_in_a_query_string_is_a_french_400(world):
    response = world.get("/api/vendors/", {"search": "Numi\x00lib"})
    assert response.status_code == 400
    assert response.json() == {"detail": "La requête contient un caractère nul (\\0) : elle est refusée."}
    response = world.get("/consultations/", {"q": "\x00"})
    assert response.status_code == 400 and "caractère nul" in response.content.decode()


def test_an_integer_of_thousands_of_digits_is_a_french_400_not_a_crash(world):
    # Past 4,300 digits Python's int() refuses to convert: the check must not convert it.
    response = world.get("/api/tenders/", {"programme": "9" * 5000})
    assert response.status_code == 400
    assert response.json() == {"detail": "Le paramètre « programme » dépasse le plus grand nombre accepté."}
    assert world.get("/marches/", {"year": "-" + "1" * 5000}).status_code == 400


@pytest.mark.parametrize("depth", NESTING)
def test_deeply_nested_json_is_a_french_400(world, depth):
    body = "[" * depth + "]" * depth
    errors = []
    for url in _api_lists()[:-3]:
        TRIED["bodies"] += 1
        response = world.post(url, body, content_type="application/json")
        if response.status_code >= 500:
            errors.append((url, response.status_code))
        assert response.status_code in (400, 403, 405), (url, response.status_code)
    assert errors == [], sorted({error[:2] for error in errors})



@pytest.fixture
def twin_inserted_before_save():
    """Another request creating the same lot at the same instant: its row is inserted after this
    request's checks (full_clean) and before its own insert, so the database refuses the second one.
    (In one test connection the twin is rolled back with the service's transaction; in production
    the other request has committed it.)"""
    inserted = []

    def insert_twin(sender, instance, **kwargs):
        if instance.pk is None and not inserted:
            twin = copy.copy(instance)
            twin.title = "Créé par l'autre requête"
            inserted.extend(Lot.objects.bulk_create([twin]))  # no signal: not caught here again

    pre_save.connect(insert_twin, sender=Lot)
    yield inserted
    pre_save.disconnect(insert_twin, sender=Lot)


def test_the_same_lot_created_twice_at_once_is_a_french_409_on_the_api(twin_inserted_before_save, buyer, api_for):
    tender = TenderFactory()
    response = api_for(buyer).post("/api/lots/", {"tender": tender.reference, "title": "Presse en ligne",
                                                  "estimated_amount_ht": "45000.00"}, format="json")
    assert twin_inserted_before_save
    assert response.status_code == 409
    assert response.json() == {"detail": "Cet enregistrement vient d'être créé par une autre requête : rechargez la "
                                         "page avant de réessayer."}
    assert not tender.lots.filter(title="Presse en ligne").exists()  # the request that lost saved nothing


def test_the_same_lot_created_twice_at_once_is_a_french_409_on_the_page(twin_inserted_before_save, buyer):
    tender = TenderFactory()
    client = Client(raise_request_exception=False)
    client.force_login(buyer)
    response = client.post(reverse("tenders:lot-create", args=[tender.reference]), {
        "title": "Presse en ligne", "estimated_amount_ht": "45000", "options_amount_ht": "0"})
    assert response.status_code == 409
    assert "vient d&#x27;être créé par une autre requête" in response.content.decode()
    assert not tender.lots.filter(title="Presse en ligne").exists()  # the request that lost saved nothing
