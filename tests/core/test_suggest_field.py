"""The search field with suggestions of the list filters: the hidden id chooses an object the user may
see, the text typed instead is a search, hostile input is a French error, never a 500."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.datastructures import MultiValueDict

from procurement.core.forms import FilterForm, Suggested, SuggestField
from procurement.programmes.models import Programme
from tests.programmes.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


class ProgrammeFilterForm(FilterForm):
    programme = SuggestField(label="Programme", url="/suggestions/")
    filter_fields = ("programme",)

    def __init__(self, *args, visible, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = visible


@pytest.fixture
def bnm():
    return ProgrammeFactory(reference="BNM", name="Bibliothèque <numérique> & « métropolitaine »")


def form(data, *, visible=None):
    return ProgrammeFilterForm(MultiValueDict({key: [value] for key, value in data.items()}),
                               visible=Programme.objects.all() if visible is None else visible)


def test_the_hidden_id_chooses_the_programme_when_the_text_is_still_its_label(bnm):
    assert form({"programme": str(bnm.pk), "programme_search": str(bnm)}).filters() == {
        "programme": bnm, "programme_search": ""}


def test_a_link_with_the_id_alone_chooses_the_programme(bnm):
    assert form({"programme": str(bnm.pk)}).filters() == {"programme": bnm, "programme_search": ""}


def test_text_typed_over_a_choice_is_a_search_and_forgets_the_id(bnm):
    bound = form({"programme": str(bnm.pk), "programme_search": "  numérique "})
    assert bound.filters() == {"programme": None, "programme_search": "numérique"}
    html = bound["programme"].as_widget()
    assert 'name="programme_search"' in html and 'value="numérique"' in html
    assert '<input type="hidden" name="programme" value="" data-suggest-choice>' in html


def test_a_cleared_text_shows_everything(bnm):
    assert form({"programme": str(bnm.pk), "programme_search": ""}).filters() == {
        "programme": None, "programme_search": ""}


def test_the_text_alone_is_a_search_as_without_javascript():
    assert form({"programme_search": "BNM"}).filters() == {"programme": None, "programme_search": "BNM"}
    empty = form({})
    assert empty.filters() == {"programme": None, "programme_search": ""}
    assert empty.cleaned_data == {"programme": Suggested(choice=None, search="")}


@pytest.mark.parametrize("chosen", ["999999", "abc", "-1", "１２", "9" * 40, "1 OR 1=1"])
def test_an_id_that_is_no_visible_programme_is_refused_in_french(chosen):
    bound = form({"programme": chosen})
    assert bound.filters() == {}
    assert bound.errors["programme"] == [
        "Choisissez parmi les suggestions : ce choix n'existe pas ou ne vous est pas accessible."]


def test_a_programme_the_user_may_not_see_is_not_chosen(bnm):
    other = ProgrammeFactory(reference="SECRET")
    visible = Programme.objects.filter(pk=bnm.pk)
    assert not form({"programme": str(other.pk)}, visible=visible).is_valid()
    # With text beside it, the text is searched (it finds nothing the user may not see: the selector
    # searches among the visible rows).
    assert form({"programme": str(other.pk), "programme_search": "SECRET"}, visible=visible).filters() == {
        "programme": None, "programme_search": "SECRET"}


@pytest.mark.parametrize("text, error", [
    ("x" * 251, "Assurez-vous que cette valeur comporte au plus 250 caractères (actuellement 251)."),
    ("BN\x00M", "Le caractère nul n’est pas autorisé."),
])
def test_hostile_text_is_refused_with_a_french_message(text, error):
    bound = form({"programme_search": text})
    assert bound.filters() == {}
    assert bound.errors["programme"] == [error]


@pytest.mark.parametrize("text", ["100%", "a_b", "%_%", "École « numérique »", "' OR 1=1 --", "💾"])
def test_odd_characters_are_kept_as_a_search(text):
    assert form({"programme_search": text}).filters() == {"programme": None, "programme_search": text}


def test_the_chosen_programme_is_read_once_and_shown_by_its_label_escaped(bnm):
    bound = form({"programme": str(bnm.pk)})
    with CaptureQueriesContext(connection) as queries:
        assert bound.is_valid()
        html = bound["programme"].as_widget()
    assert len(queries.captured_queries) == 1
    assert 'value="BNM — Bibliothèque &lt;numérique&gt; &amp; « métropolitaine »"' in html
    assert f'<input type="hidden" name="programme" value="{bnm.pk}" data-suggest-choice>' in html
    assert 'data-suggest-url="/suggestions/"' in html and 'id="id_programme"' in html


def test_the_unbound_field_renders_an_empty_search_without_reading_the_programmes(bnm):
    unbound = ProgrammeFilterForm(visible=Programme.objects.all())
    with CaptureQueriesContext(connection) as queries:
        html = unbound["programme"].as_widget()
    assert not queries.captured_queries
    assert 'name="programme_search"' in html and 'value=""' in html and 'maxlength="250"' in html


def test_each_form_reads_its_own_choice(bnm):
    other = ProgrammeFactory(reference="ZZZ")
    first, second = form({"programme": str(bnm.pk)}), form({"programme": str(other.pk)})
    assert first.filters()["programme"] == bnm and second.filters()["programme"] == other


def test_the_widget_carries_its_scripts():
    media = str(ProgrammeFilterForm(visible=Programme.objects.none()).media)
    assert "vendor/accessible-autocomplete-3.0.1/accessible-autocomplete.min.js" in media
    assert '<script src="/static/js/suggest.js" defer></script>' in media
