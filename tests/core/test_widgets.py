"""PlainSelect writes the same <select> as Django's own widget (options' attributes aside)."""

import pytest
from django import forms
from django.test.html import parse_html

from procurement.core.widgets import PlainSelect
from procurement.programmes.models import Programme
from tests.programmes.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


def normalised(html: str):
    """The HTML as a tree: attribute order and blank space between tags do not count."""
    return parse_html(html)


@pytest.mark.parametrize("data", [{}, {"programme": "__selected__"}, {"programme": "999999"}])
def test_plain_select_renders_the_markup_of_djangos_select(data):
    chosen = ProgrammeFactory(reference="BNM", name="Bibliothèque <numérique> & « métropolitaine »")
    ProgrammeFactory(reference="ZZZ")

    def form_with(widget):
        field = forms.ModelChoiceField(queryset=Programme.objects.order_by("reference"), required=False,
                                       empty_label="Tous", widget=widget)
        form_class = type("F", (forms.Form,), {"programme": field})
        return form_class({key: (chosen.pk if value == "__selected__" else value) for key, value in data.items()})

    plain, django_ = form_with(PlainSelect)["programme"], form_with(forms.Select)["programme"]
    attrs = {"aria-describedby": "aide", "class": "filtre"}
    assert normalised(plain.as_widget(attrs=attrs)) == normalised(django_.as_widget(attrs=attrs))
    assert "&lt;numérique&gt; &amp;" in plain.as_widget()
    selected = f'<option value="{chosen.pk}" selected>' in plain.as_widget()
    assert selected == (data.get("programme") == "__selected__")
