"""The forms' vendor fields (a bid's candidate, a question's author, a subcontractor, a group's members):
a search with suggestions among every vendor. The suggestion chosen gives the id; without JavaScript the
text typed must name one vendor (its name, its SIRET or SIREN, its VAT number), else the field says in
French that none or several match, naming them."""

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.datastructures import MultiValueDict

from procurement.vendors.forms import VendorField, VendorsField
from tests.vendors.factories import VendorFactory

pytestmark = pytest.mark.django_db


class BidLikeForm(forms.Form):
    note = forms.CharField(label="Remarque", max_length=5, required=False)
    vendor = VendorField(label="Candidat")
    asked_by = VendorField(label="Posée par", required=False)


class GroupForm(forms.Form):
    co_holders = VendorsField(label="Autres membres du groupement")


def bound(form_class, data: dict):
    return form_class(MultiValueDict({key: value if isinstance(value, list) else [value]
                                      for key, value in data.items()}))


def cleaned(data: dict, name: str = "vendor"):
    form = bound(BidLikeForm, {"vendor_search": "Lectura Prêt Numérique SAS", **data})
    assert form.is_valid(), form.errors
    return form.cleaned_data[name]


def errors(data: dict, name: str = "vendor") -> list[str]:
    form = bound(BidLikeForm, {"vendor_search": "Lectura Prêt Numérique SAS", **data})
    assert not form.is_valid()
    return form.errors[name]


@pytest.fixture
def lectura():
    return VendorFactory(name="Lectura Prêt Numérique SAS", siret="85783086300034", vat_number="FR12857830863")


@pytest.fixture
def conseil():
    return VendorFactory(name="Lectura Conseil", siret="91497094200019", vat_number="FR61914970942")


# One vendor, chosen or typed ----------------------------------------------------------------------


def test_the_chosen_suggestion_gives_the_vendor(lectura, conseil):
    assert cleaned({"vendor": str(conseil.pk), "vendor_search": "Lectura Conseil"}) == conseil


def test_a_posted_id_alone_gives_the_vendor(lectura, conseil):
    form = bound(BidLikeForm, {"vendor": str(conseil.pk)})
    assert form.is_valid() and form.cleaned_data["vendor"] == conseil


@pytest.mark.parametrize("typed", ["Lectura Prêt", "lectura prêt numérique sas", "  prêt numérique  "])
def test_a_name_typed_without_choosing_finds_the_one_vendor_it_matches(lectura, conseil, typed):
    assert cleaned({"vendor_search": typed}) == lectura


@pytest.mark.parametrize("typed", ["857 830 863 00034", "85783086300034", "857830863", "FR 12 857 830 863"])
def test_a_siret_siren_or_vat_number_typed_finds_the_vendor(lectura, conseil, typed):
    assert cleaned({"vendor_search": typed}) == lectura


def test_a_foreign_vendor_is_found_by_its_vat_number(lectura):
    berlin = VendorFactory(foreign=True, name="Bücherwelt GmbH")
    assert cleaned({"vendor_search": "DE136695976"}) == berlin


def test_text_typed_over_a_choice_wins(lectura, conseil):
    assert cleaned({"vendor": str(lectura.pk), "vendor_search": "Lectura Conseil"}) == conseil


def test_an_unknown_name_is_refused_in_french_naming_the_text(lectura):
    assert errors({"vendor_search": "Médiathèque Zénith"}) == [
        "Aucun fournisseur ne correspond à « Médiathèque Zénith » : tapez le début de son nom ou son SIRET, puis "
        "choisissez parmi les suggestions."]


def test_a_text_matching_several_vendors_is_refused_naming_them_with_their_siret(lectura, conseil):
    assert errors({"vendor_search": "lectura"}) == [
        "Plusieurs fournisseurs correspondent à « lectura » (Lectura Conseil (914 970 942 00019) ; Lectura Prêt "
        "Numérique SAS (857 830 863 00034)) : choisissez parmi les suggestions ou tapez le nom complet ou le SIRET."]


def test_a_whole_name_wins_over_longer_names_containing_it(conseil):
    VendorFactory(name="Lectura Conseil Ouest", siret="73282932000074")
    assert cleaned({"vendor_search": "LECTURA CONSEIL"}) == conseil


def test_two_vendors_of_the_same_name_are_told_apart_by_their_siret(conseil):
    branch = VendorFactory(name="Lectura Conseil", siret="91497094200027")
    assert errors({"vendor_search": "Lectura Conseil"}) == [
        "Plusieurs fournisseurs correspondent à « Lectura Conseil » (Lectura Conseil (914 970 942 00019) ; Lectura "
        "Conseil (914 970 942 00027)) : choisissez parmi les suggestions ou tapez le nom complet ou le SIRET."]
    assert cleaned({"vendor_search": "914 970 942 00027"}) == branch


def test_many_matches_name_the_first_five_then_an_ellipsis():
    for number in range(7):
        VendorFactory(name=f"Éditions Alpha {number}")
    [message] = errors({"vendor_search": "alpha"})
    assert message.count("Éditions Alpha") == 5 and "Éditions Alpha 4 (" in message
    assert "Éditions Alpha 5" not in message and " ; …) :" in message


def test_a_required_vendor_left_empty_is_refused_and_an_optional_one_is_none(lectura):
    assert errors({"vendor_search": ""}) == ["Tapez quelques lettres puis choisissez parmi les suggestions."]
    assert cleaned({"asked_by_search": ""}, name="asked_by") is None
    assert cleaned({}, name="asked_by") is None


@pytest.mark.parametrize("chosen", ["999999", "abc", "1 OR 1=1"])
def test_a_hand_made_id_is_refused_in_french(lectura, chosen):
    form = bound(BidLikeForm, {"vendor": chosen})
    assert not form.is_valid()
    assert form.errors["vendor"] == [
        "Choisissez parmi les suggestions : ce choix n'existe pas ou ne vous est pas accessible."]


@pytest.mark.parametrize("typed", ["100%", "a_b", "' OR 1=1 --", "💾"])
def test_odd_text_finds_nothing_and_says_so(lectura, typed):
    assert errors({"vendor_search": typed})[0].startswith(f"Aucun fournisseur ne correspond à « {typed} »")


def test_a_typed_name_is_looked_up_once_and_shown_back_chosen_after_another_fields_error(lectura, conseil):
    form = bound(BidLikeForm, {"vendor_search": "prêt numérique", "note": "trop longue"})
    with CaptureQueriesContext(connection) as queries:
        assert not form.is_valid()
        html = form["vendor"].as_widget()
    assert len(queries.captured_queries) == 1
    assert form.cleaned_data["vendor"] == lectura
    assert 'value="Lectura Prêt Numérique SAS"' in html
    assert f'<input type="hidden" name="vendor" value="{lectura.pk}" data-suggest-choice>' in html


def test_an_unknown_name_is_shown_back_as_typed(lectura):
    form = bound(BidLikeForm, {"vendor_search": "Zénith"})
    assert not form.is_valid()
    html = form["vendor"].as_widget()
    assert 'value="Zénith"' in html and '<input type="hidden" name="vendor" value="" data-suggest-choice>' in html


def test_the_empty_form_reads_no_vendor_and_points_to_the_suggestions(lectura, conseil):
    with CaptureQueriesContext(connection) as queries:
        html = BidLikeForm().as_div()
    assert not queries.captured_queries
    assert 'data-suggest-url="/fournisseurs/suggestions/"' in html and "Lectura" not in html


def test_an_initial_vendor_id_shows_its_name(lectura):
    html = BidLikeForm(initial={"vendor": lectura.pk})["vendor"].as_widget()
    assert 'value="Lectura Prêt Numérique SAS"' in html


# Several vendors ---------------------------------------------------------------------------------------


def test_ticked_vendors_and_a_typed_one_are_the_group_in_order(lectura, conseil):
    berlin = VendorFactory(foreign=True, name="Bücherwelt GmbH")
    form = bound(GroupForm, {"co_holders": [str(conseil.pk), str(berlin.pk), str(conseil.pk)],
                             "co_holders_search": "857 830 863 00034"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["co_holders"] == [conseil, berlin, lectura]


def test_a_typed_vendor_already_ticked_is_not_added_twice(lectura):
    form = bound(GroupForm, {"co_holders": [str(lectura.pk)], "co_holders_search": "Lectura Prêt"})
    assert form.is_valid() and form.cleaned_data["co_holders"] == [lectura]


def test_no_vendor_is_an_empty_group(lectura):
    form = bound(GroupForm, {"co_holders_search": ""})
    assert form.is_valid() and form.cleaned_data["co_holders"] == []


def test_a_typed_name_matching_several_is_refused_and_the_ticked_ones_stay_ticked(lectura, conseil):
    form = bound(GroupForm, {"co_holders": [str(conseil.pk)], "co_holders_search": "lectura"})
    assert not form.is_valid()
    assert form.errors["co_holders"][0].startswith("Plusieurs fournisseurs correspondent à « lectura »")
    html = form["co_holders"].as_widget()
    assert (f'<li><label><input type="checkbox" name="co_holders" value="{conseil.pk}" checked> Lectura Conseil'
            '</label></li>') in html
    assert 'name="co_holders_search"' in html and 'value="lectura"' in html


def test_a_hand_made_id_among_the_ticked_is_refused(lectura):
    form = bound(GroupForm, {"co_holders": [str(lectura.pk), "999999"]})
    assert not form.is_valid()
    assert form.errors["co_holders"] == [
        "Choisissez parmi les suggestions : ce choix n'existe pas ou ne vous est pas accessible."]


def test_the_group_is_read_in_one_query_and_shown_as_ticked_boxes(lectura, conseil):
    form = bound(GroupForm, {"co_holders": [str(lectura.pk), str(conseil.pk)]})
    with CaptureQueriesContext(connection) as queries:
        assert form.is_valid()
        html = form["co_holders"].as_widget()
    assert len(queries.captured_queries) == 1
    assert html.index("Lectura Prêt Numérique SAS") < html.index("Lectura Conseil")
    assert 'data-suggest-multiple="co_holders"' in html


def test_an_initial_group_shows_its_members_ticked(lectura, conseil):
    html = GroupForm(initial={"co_holders": [conseil]})["co_holders"].as_widget()
    assert f'value="{conseil.pk}" checked> Lectura Conseil' in html and "Lectura Prêt" not in html
