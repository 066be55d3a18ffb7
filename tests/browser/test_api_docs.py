"""The API documentation renders in a real browser under the app's Content-Security-Policy (this
context does not bypass it, unlike the journeys): Swagger UI and Redoc show the operations."""

import pytest

from tests.browser.conftest import policy_watching_page

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def strict_page(browser):
    page = policy_watching_page(browser, viewport={"width": 1366, "height": 900})
    yield page
    page.context.close()


def test_swagger_ui_shows_the_operations_with_no_csp_violation(strict_page, live_server):
    strict_page.goto(f"{live_server.url}/api/docs/")
    strict_page.locator(".swagger-ui .info .title").wait_for()
    assert "API Achats publics" in strict_page.locator(".swagger-ui .info .title").inner_text()
    assert strict_page.locator(".opblock").count() > 20
    assert strict_page.violations == []


def test_redoc_shows_the_operations_with_its_scripts_and_styles_allowed(strict_page, live_server):
    strict_page.goto(f"{live_server.url}/api/redoc/")
    strict_page.locator("#redoc-container h1").wait_for()
    assert "API Achats publics" in strict_page.locator("#redoc-container h1").inner_text()
    assert "Something went wrong" not in strict_page.locator("body").inner_text()
    assert strict_page.locator("#redoc-container h2").count() > 20
    # Redoc's styled components need their <style> elements: the menu is laid out as a column.
    assert strict_page.locator(".menu-content").evaluate("element => getComputedStyle(element).position") in (
        "sticky", "fixed")
    # Its search runs in a worker built from a blob: (allowed for this page only).
    strict_page.fill("input[placeholder='Search...']", "invoice")
    strict_page.locator("li", has_text="invoices_event_create").first.wait_for()
    # What the policy still refuses is peripheral (the « Redocly » logo from its CDN, two inline style
    # attributes), never one of the page's scripts nor the worker.
    assert [text for text in strict_page.violations
            if "Executing inline script" in text or "Loading the script" in text or "worker" in text] == []
