"""The API documentation pages render under the Content-Security-Policy: every script they load
comes from the app, and every inline script or style carries the nonce of the response's header."""

import re
from html.parser import HTMLParser

import pytest

pytestmark = pytest.mark.django_db


class InlineCode(HTMLParser):
    """Collects the page's <script> and <style> elements: their attributes and whether they hold code."""

    def __init__(self):
        super().__init__()
        self.elements: list[dict] = []
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._open = {"tag": tag, "attrs": dict(attrs), "code": ""}
            self.elements.append(self._open)

    def handle_data(self, data):
        if self._open is not None:
            self._open["code"] += data

    def handle_endtag(self, tag):
        self._open = None


def directive(policy: str, name: str) -> list[str]:
    return next(part.split()[1:] for part in policy.split(";") if part.split()[0] == name)


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_every_script_and_style_of_the_api_documentation_is_allowed_by_the_policy(client, url):
    response = client.get(url)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    nonces = {source for source in directive(policy, "script-src") if source.startswith("'nonce-")}
    assert len(nonces) == 1
    nonce = nonces.pop().removeprefix("'nonce-").removesuffix("'")
    assert f"'nonce-{nonce}'" in directive(policy, "style-src")

    parser = InlineCode()
    parser.feed(response.content.decode())
    inline = [element for element in parser.elements if element["code"].strip()]
    external = [element["attrs"]["src"] for element in parser.elements if "src" in element["attrs"]]
    assert inline, "the pages start their viewer with an inline script"
    assert [element["attrs"].get("nonce") for element in inline] == [nonce] * len(inline)
    assert external and all(src.startswith("/static/drf_spectacular_sidecar/") for src in external)
    assert not re.search(r"""<link[^>]*href=["']https?://""", response.content.decode())


def test_redoc_is_given_the_nonce_for_the_styles_it_generates(client):
    response = client.get("/api/redoc/")
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f'nonce: "{nonce}"' in response.content.decode()
    assert "fonts.googleapis.com" not in response.content.decode()


def test_each_response_draws_its_own_nonce(client):
    first, second = (re.search(r"'nonce-([^']+)'", client.get("/api/docs/")["Content-Security-Policy"]).group(1)
                     for _ in range(2))
    assert first != second and len(first) >= 22


def test_a_page_without_inline_code_keeps_the_plain_policy(client, settings):
    response = client.get("/connexion/")
    assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY


def test_the_nonce_goes_to_the_script_and_style_directives_only():
    from procurement.core.security import policy_with_nonce

    policy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:"
    assert policy_with_nonce(policy, "abc") == (
        "default-src 'self'; script-src 'self' 'nonce-abc'; style-src 'self' 'nonce-abc'; img-src 'self' data:")


def test_only_redoc_may_start_its_search_worker_from_a_blob(client):
    assert "worker-src 'self' blob:" in client.get("/api/redoc/")["Content-Security-Policy"]
    assert "worker-src" not in client.get("/api/docs/")["Content-Security-Policy"]
    assert "blob:" not in client.get("/connexion/")["Content-Security-Policy"]
