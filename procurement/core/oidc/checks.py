from django.conf import settings
from django.core.checks import Error, register

from procurement.core.oidc.rules import parse_role_map


@register()
def role_map_check(app_configs, **kwargs):
    """A mistyped OIDC_ROLE_MAP stops the start-up, rather than refusing everyone at sign-in."""
    if not settings.OIDC_ENABLED:
        return []
    try:
        parse_role_map(settings.OIDC_ROLE_MAP)
    except ValueError as error:
        return [Error(str(error), id="core.E001")]
    return []
