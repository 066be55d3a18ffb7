"""The roles an identity provider's claims give (pure rules), and the start-up check of the map."""

import pytest

from procurement.core.oidc.checks import role_map_check
from procurement.core.oidc.rules import parse_role_map, roles_from_claims


def test_the_role_map_reads_value_equals_role_pairs():
    assert parse_role_map(" acheteur=buyers, finances = finance,,commission=evaluators") == {
        "acheteur": "buyers", "finances": "finance", "commission": "evaluators"}


def test_without_a_map_each_role_maps_to_itself():
    assert parse_role_map("") == {"buyers": "buyers", "evaluators": "evaluators", "finance": "finance"}


@pytest.mark.parametrize("text", ["acheteur=buyer", "acheteur", "=buyers", "acheteur=buyers,admin=staff"])
def test_a_map_naming_no_role_is_refused_in_french(text):
    with pytest.raises(ValueError, match="n'est pas de la forme valeur=rôle"):
        parse_role_map(text)


@pytest.mark.parametrize(("claims", "expected"), [
    ({"roles": ["acheteur", "inconnu"]}, {"buyers"}),
    ({"roles": "acheteur finances"}, {"buyers", "finance"}),
    ({"roles": "acheteur,commission"}, {"buyers", "evaluators"}),
    ({"roles": []}, set()),
    ({}, set()),
])
def test_the_roles_claim_gives_the_mapped_roles(claims, expected):
    role_map = parse_role_map("acheteur=buyers,finances=finance,commission=evaluators")
    assert roles_from_claims(claims, claim="roles", role_map=role_map) == expected


def test_a_dotted_claim_reads_a_nested_one_as_keycloak_sends_client_roles():
    claims = {"resource_access": {"achats": {"roles": ["finance"]}}, "roles": ["buyers"]}
    assert roles_from_claims(claims, claim="resource_access.achats.roles", role_map=parse_role_map("")) == {"finance"}
    assert roles_from_claims({"resource_access": "?"}, claim="resource_access.achats.roles",
                             role_map=parse_role_map("")) == set()


def test_the_start_up_check_names_a_mistyped_map_only_when_single_sign_on_is_on(settings):
    settings.OIDC_ROLE_MAP = "acheteur=acheteurs"
    settings.OIDC_ENABLED = False
    assert role_map_check(None) == []
    settings.OIDC_ENABLED = True
    [error] = role_map_check(None)
    assert "« acheteur=acheteurs »" in error.msg
