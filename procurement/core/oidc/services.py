"""The user signing in through single sign-on: found by their identity at the provider, else by their
e-mail address on their first sign-in, else created; their roles are the provider's at each sign-in."""

from collections.abc import Mapping

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.db import transaction
from django.utils.translation import gettext as _

from procurement.core.enums import Role
from procurement.core.models import ExternalIdentity

User = get_user_model()


class SignInRefused(Exception):
    """The provider vouched for the person, the app does not let them in: the French reason is shown."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@transaction.atomic
def oidc_user_sign_in(*, issuer: str, claims: Mapping, roles: frozenset[str] | None) -> AbstractBaseUser:
    """``roles`` are those the provider's claims give, or ``None`` when the provider gives none (the
    app's administrators then give them, to an account created beforehand with the person's e-mail)."""
    subject = str(claims["sub"])
    identity = ExternalIdentity.objects.select_related("user").filter(issuer=issuer, subject=subject).first()
    user = identity.user if identity else _user_by_email(claims)
    if roles is None:
        roles = frozenset(user.groups.filter(name__in=Role.values).values_list("name", flat=True) if user else ())
    if not roles:
        raise SignInRefused(_("Votre compte n'a aucun rôle dans l'application (acheteur, membre de commission "
                              "d'évaluation ou finances) : demandez-en un à l'administrateur de l'application."))
    if user is None:
        user = User.objects.create_user(_free_username(claims.get("email") or f"oidc-{subject}"),
                                        email=claims.get("email") or "")
    if identity is None:
        ExternalIdentity.objects.create(user=user, issuer=issuer, subject=subject)
    _update_profile(user, claims)
    _set_roles(user, roles)
    return user


def _user_by_email(claims: Mapping) -> AbstractBaseUser | None:
    email = claims.get("email")
    if not email:
        return None
    if claims.get("email_verified") is False:
        raise SignInRefused(_("Votre adresse électronique n'est pas vérifiée par le fournisseur d'identité : "
                              "elle ne peut pas désigner votre compte."))
    users = list(User.objects.filter(email__iexact=email)[:2])
    if len(users) > 1:
        raise SignInRefused(_("Plusieurs comptes portent l'adresse électronique %(email)s : demandez à "
                              "l'administrateur de l'application d'en garder un seul.") % {"email": email})
    return users[0] if users else None


def _free_username(wanted: str) -> str:
    username, number = wanted[:140], 1
    while User.objects.filter(username=username).exists():
        number += 1
        username = f"{wanted[:140]}-{number}"
    return username


def _update_profile(user, claims: Mapping) -> None:
    """Names and e-mail as the provider knows them (ProConnect says ``usual_name`` for the last name)."""
    fields = {
        "first_name": (claims.get("given_name") or "")[:150],
        "last_name": (claims.get("family_name") or claims.get("usual_name") or "")[:150],
        "email": claims.get("email") or "",
    }
    changed = [name for name, value in fields.items() if value and getattr(user, name) != value]
    for name in changed:
        setattr(user, name, fields[name])
    if changed:
        user.save(update_fields=changed)


def _set_roles(user, roles: frozenset[str]) -> None:
    """The user's role groups become ``roles``; their other groups are left alone."""
    user.groups.remove(*Group.objects.filter(name__in=set(Role.values) - roles))
    user.groups.add(*Group.objects.filter(name__in=roles))
