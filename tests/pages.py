"""What the page tests share: a page as the person gets it, compared whatever the data behind it."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext


def page_html(client, url: str) -> str:
    """The page at ``url`` without its CSRF tokens (new at each request)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", client.get(url).content.decode())


def weighs_the_same(client, url: str, grow, assert_num_queries) -> str:
    """The page at ``url`` runs the same queries and reads the same before and after ``grow()`` adds rows
    it must not list (a select of every vendor would); returns its HTML."""
    with CaptureQueriesContext(connection) as before:
        html = page_html(client, url)
    grow()
    with assert_num_queries(len(before.captured_queries)):
        assert page_html(client, url) == html
    return html
