"""Long dates write the first day of a month as an ordinal, « 1er octobre », on pages and in documents."""

from datetime import date

import pytest
from django.template import Context, Template
from freezegun import freeze_time

from procurement.core.legal_calendar import long_date
from procurement.tenders.services.document_context import document_context


@pytest.mark.parametrize(("day", "expected"), [
    (date(2026, 10, 1), "jeudi 1er octobre 2026"),
    (date(2027, 1, 1), "vendredi 1er janvier 2027"),
    (date(2026, 10, 2), "vendredi 2 octobre 2026"),
    (date(2026, 10, 11), "dimanche 11 octobre 2026"),
    (date(2026, 10, 21), "mercredi 21 octobre 2026"),
    (date(2026, 12, 31), "jeudi 31 décembre 2026"),
])
def test_the_first_of_the_month_is_written_1er_and_no_other_day(day, expected):
    assert long_date(day) == expected


def test_every_first_of_the_month_and_only_it_gets_the_ordinal():
    days = [date(2026, month, day) for month in range(1, 13) for day in (1, 2, 10, 11, 21, 28)]
    ordinals = [day for day in days if " 1er " in long_date(day)]
    assert len(days) == 72
    assert ordinals == [day for day in days if day.day == 1]
    assert all(" 1 " not in long_date(day) for day in days)


def test_the_ordinal_does_not_depend_on_the_active_language(settings):
    from django.utils import translation

    with translation.override("en"):
        assert long_date(date(2026, 10, 1)) == "jeudi 1er octobre 2026"


def test_the_template_filter_writes_1er():
    rendered = Template("{% load procurement %}{{ day|longdate }}").render(Context({"day": date(2026, 10, 1)}))
    assert rendered == "jeudi 1er octobre 2026"


def test_a_generated_document_is_dated_the_1er():
    assert document_context(version=1, on=date(2026, 10, 1))["date"] == "jeudi 1er octobre 2026"


@pytest.mark.django_db
@freeze_time("2026-10-01 09:00:00")
def test_the_reference_page_is_dated_the_1er(client_for, buyer):
    page = client_for(buyer).get("/reference/donnees-de-reference/").content.decode()
    assert "au jeudi 1er octobre 2026)" in page
    assert "jeudi 1 octobre" not in page
