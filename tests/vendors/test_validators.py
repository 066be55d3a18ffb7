from datetime import date

import pytest
from django.core.exceptions import ValidationError
from stdnum import luhn

from procurement.vendors.enums import ComplianceKind
from procurement.vendors.validators import (
    format_siret,
    french_vat_for_siren,
    validate_document_dates,
    validate_phone,
    validate_siren,
    validate_siret,
    validate_vat_number,
    validate_vendor_identity,
    vigilance_expiry,
)
from tests.vendors.factories import VendorFactory

LA_POSTE_HEAD_OFFICE = "35600000000048"
# A La Poste establishment: no Luhn key, the sum of its digits (3+5+6+1+2+3+4+6 = 30) is a multiple of 5.
LA_POSTE_ESTABLISHMENT = "35600000012346"


def messages_of(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict


# --- SIRET / SIREN ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "value", ["73282932000074", "732 829 320 00074", " 732.829.320.00074 ", "732\u00a0829\u00a0320 00074"],
)
def test_a_valid_siret_is_compacted(value):
    assert validate_siret(value) == "73282932000074"


def test_a_siret_with_a_wrong_key_is_refused_as_such():
    with pytest.raises(ValidationError) as caught:
        validate_siret("73282932000079")
    assert caught.value.messages == [
        "Le SIRET « 73282932000079 » n'est pas valide (clé de contrôle incorrecte)."
    ]
    assert caught.value.code == "checksum"


def test_a_siret_of_the_wrong_length_says_how_many_digits_it_has():
    with pytest.raises(ValidationError) as caught:
        validate_siret("7328293200007")
    assert caught.value.messages == ["Le SIRET « 7328293200007 » doit comporter 14 chiffres, et non 13."]
    assert caught.value.code == "length"


def test_a_siret_with_letters_is_a_format_error():
    with pytest.raises(ValidationError) as caught:
        validate_siret("7328293200007A")
    assert caught.value.messages == ["Le SIRET « 7328293200007A » ne doit contenir que des chiffres."]


def test_la_poste_head_office_and_establishments_follow_their_own_rule():
    assert validate_siret(LA_POSTE_HEAD_OFFICE) == LA_POSTE_HEAD_OFFICE
    assert not luhn.is_valid(LA_POSTE_ESTABLISHMENT)  # a Luhn check alone would refuse it
    assert validate_siret(LA_POSTE_ESTABLISHMENT) == LA_POSTE_ESTABLISHMENT


def test_a_la_poste_establishment_whose_digit_sum_is_not_a_multiple_of_five_is_refused():
    assert sum(map(int, "35600000012345")) == 29
    with pytest.raises(ValidationError, match="clé de contrôle incorrecte"):
        validate_siret("35600000012345")


def test_siren_validation():
    assert validate_siren("732 829 320") == "732829320"
    with pytest.raises(ValidationError, match=r"Le SIREN « 732829321 » n'est pas valide \(clé de contrôle"):
        validate_siren("732829321")
    with pytest.raises(ValidationError, match="doit comporter 9 chiffres, et non 8"):
        validate_siren("73282932")


def test_siret_is_displayed_in_groups():
    assert format_siret("73282932000074") == "732 829 320 00074"
    assert format_siret("") == ""


# --- VAT numbers ------------------------------------------------------------------------------

def test_the_french_vat_key_is_computed_from_the_siren():
    assert french_vat_for_siren("732829320") == "FR44732829320"
    assert french_vat_for_siren("356000000") == "FR39356000000"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("FR44732829320", "FR44732829320"), ("fr 44 732 829 320", "FR44732829320"),
     ("DE136695976", "DE136695976"), ("BE 0403.170.701", "BE0403170701")],
)
def test_valid_vat_numbers_are_compacted(value, expected):
    assert validate_vat_number(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("FR45732829320", "Le numéro de TVA « FR45732829320 » n'est pas valide (clé de contrôle"),
        ("XX123456789", "Le numéro de TVA « XX123456789 » doit commencer par le code d'un État membre"),
        ("DE12345", "Le numéro de TVA « DE12345 » n'a pas le format d'un numéro de TVA intracommunautaire"),
    ],
)
def test_invalid_vat_numbers_are_explained(value, message):
    with pytest.raises(ValidationError) as caught:
        validate_vat_number(value)
    assert caught.value.messages[0].startswith(message)


# --- A vendor's identification ----------------------------------------------------------------

def identity(**overrides):
    values = {"siret": "732 829 320 00074", "vat_number": "FR 44 732829320", "country": "fr",
              "postal_code": "37100"}
    return validate_vendor_identity(**(values | overrides))


@pytest.mark.django_db
def test_identity_is_normalised():
    assert identity() == {
        "siret": "73282932000074", "vat_number": "FR44732829320", "country": "FR", "postal_code": "37100",
    }


@pytest.mark.django_db
def test_a_french_vat_number_must_hold_the_vendors_siren():
    with pytest.raises(ValidationError) as caught:
        identity(vat_number="FR83404833048")  # valid, but SIREN 404 833 048
    assert messages_of(caught.value) == {"vat_number": [
        "Le numéro de TVA « FR83404833048 » ne correspond pas au SIREN du fournisseur (732 829 320) : "
        "le numéro attendu est FR44732829320."
    ]}


@pytest.mark.django_db
def test_a_french_company_needs_a_siret_and_a_foreign_one_without_siret_a_vat_number():
    with pytest.raises(ValidationError) as caught:
        identity(siret="", vat_number="")
    assert messages_of(caught.value) == {"siret": ["Le SIRET est obligatoire pour une entreprise française."]}
    with pytest.raises(ValidationError) as caught:
        identity(siret="", vat_number="", country="DE", postal_code="10115")
    assert list(messages_of(caught.value)) == ["vat_number"]
    assert identity(siret="", vat_number="DE136695976", country="de", postal_code="10115")["country"] == "DE"


@pytest.mark.django_db
def test_errors_are_collected_field_by_field():
    with pytest.raises(ValidationError) as caught:
        identity(siret="73282932000079", vat_number="FR45732829320", postal_code="3710")
    assert set(messages_of(caught.value)) == {"siret", "vat_number", "postal_code"}
    assert messages_of(caught.value)["postal_code"] == ["Le code postal « 3710 » doit comporter 5 chiffres."]


@pytest.mark.django_db
def test_a_siret_already_recorded_names_the_first_vendor():
    first = VendorFactory(name="Lectura Prêt Numérique SAS", siret="73282932000074", vat_number="")
    with pytest.raises(ValidationError) as caught:
        identity()
    assert messages_of(caught.value) == {"siret": [
        "Ce SIRET est déjà enregistré pour le fournisseur « Lectura Prêt Numérique SAS » "
        f"(fiche n° {first.pk})."
    ]}
    assert identity(vendor_pk=first.pk)["siret"] == "73282932000074"  # the vendor itself, when updated


def test_phone_numbers():
    assert validate_phone(" +33 2 47 00 00 00 ") == "+33 2 47 00 00 00"
    with pytest.raises(ValidationError, match="ne doit contenir que des chiffres"):
        validate_phone("appeler le standard")


# --- Compliance dates -------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize(
    ("issued_on", "expires_on"),
    [(date(2026, 5, 31), date(2026, 11, 30)), (date(2026, 1, 15), date(2026, 7, 15)),
     (date(2026, 8, 31), date(2027, 2, 28)), (date(2027, 8, 31), date(2028, 2, 29))],
)
def test_a_vigilance_attestation_is_valid_six_months(issued_on, expires_on):
    assert vigilance_expiry(issued_on) == expires_on
    assert validate_document_dates(
        kind=ComplianceKind.URSSAF_VIGILANCE, issued_on=issued_on, expires_on=None,
    ) == expires_on


@pytest.mark.django_db
def test_a_vigilance_expiry_beyond_six_months_is_refused_an_earlier_one_kept():
    with pytest.raises(ValidationError) as caught:
        validate_document_dates(
            kind=ComplianceKind.URSSAF_VIGILANCE, issued_on=date(2026, 5, 31), expires_on=date(2026, 12, 1),
        )
    assert messages_of(caught.value) == {"expires_on": [
        "Une attestation de vigilance est valable 6 mois : délivrée le 31/05/2026, elle expire au plus tard "
        "le 30/11/2026."
    ]}
    assert validate_document_dates(
        kind=ComplianceKind.URSSAF_VIGILANCE, issued_on=date(2026, 5, 31), expires_on=date(2026, 10, 1),
    ) == date(2026, 10, 1)


def test_other_documents_need_an_expiry_after_their_issue():
    with pytest.raises(ValidationError) as caught:
        validate_document_dates(kind=ComplianceKind.KBIS, issued_on=date(2026, 3, 1), expires_on=None)
    assert messages_of(caught.value) == {"expires_on": ["Indiquez la date d'expiration de ce document."]}
    with pytest.raises(ValidationError) as caught:
        validate_document_dates(
            kind=ComplianceKind.TAX_CERTIFICATE, issued_on=date(2026, 3, 1), expires_on=date(2026, 2, 28),
        )
    assert messages_of(caught.value) == {"expires_on": [
        "La date d'expiration (28/02/2026) précède la date de délivrance (01/03/2026)."
    ]}
