"""Criterion points on the evaluation pages read « sur 40 », never « sur 4E+1 »: a Decimal such as
40.00 normalized prints in scientific notation."""

import html
import re
from decimal import Decimal as D

import pytest
from django.urls import reverse

from tests.tenders.evaluation.factories import worked_example

pytestmark = pytest.mark.django_db


def test_the_results_page_writes_points_without_scientific_notation(client_for):
    example = worked_example()
    chair = example.evaluators[0]
    response = client_for(chair).get(reverse("tenders:evaluation-results",
                                             args=[example.lot.tender.reference, example.lot.number]))
    content = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert re.findall(r"\d(?:[.,]\d+)?E[+-]\d", content) == []
    catalogue = example.lot.criteria.get(name="Catalogue")
    assert catalogue.points.normalize() == D("3E+1")  # what used to reach the page
    assert "Kiosque Horizon — Catalogue (sur 30)" in content  # the committee's note form
    assert re.search(r">actuel : \d+(,\d+)?<", content)  # the sensitivity chart
