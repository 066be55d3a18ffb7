"""Access to and erasure of a person's data (GDPR arts. 15, 17 and 20; LEGAL.md « personal data »).

Two kinds of people are known to the app: vendors' contacts (vendors app) and staff accounts.

- A contact is not part of the legal record of a procedure: erasure deletes the contact and blanks
  its name, e-mail and phone in the contact's history rows (the rows stay: the trail shows that a
  contact existed and when it changed).
- A staff account signs legal records (who recorded a bid, who signed off a transition): those
  records must be kept (R.2184-12, R.2184-13), so the account is anonymised rather than deleted:
  names and e-mail blanked, user name replaced by a pseudonym, password unusable, account inactive,
  sessions and login attempts deleted. The history keeps pointing at the pseudonymous account.

Generic over the installed models (core imports no domain app): the contact model is looked up by
its label, the rows referring to a user are found through the foreign keys to the user model.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.forms.models import model_to_dict

CONTACT_MODEL = "vendors.Contact"
CONTACT_PERSONAL_FIELDS = {"first_name": "", "last_name": "Contact effacé", "email": "efface@invalid", "phone": "",
                           "role": ""}
ERASED_USERNAME = "agent-efface-{pk}"


class PersonalDataError(Exception):
    pass


def _jsonable(data: dict) -> dict:
    import json

    return json.loads(json.dumps(data, cls=DjangoJSONEncoder, default=str))


def get_contact(contact_id: int):
    model = apps.get_model(CONTACT_MODEL)
    try:
        return model.objects.select_related("vendor").get(pk=contact_id)
    except model.DoesNotExist:
        raise PersonalDataError(f"--contact : aucun contact n'a l'identifiant {contact_id}.") from None


def get_user(username: str):
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise PersonalDataError(f"--user : aucun utilisateur ne s'appelle « {username} ».") from None


def contact_export(contact) -> dict:
    history = contact.history.order_by("history_date")
    return _jsonable({
        "kind": "contact",
        "purpose": "Contact d'un fournisseur pour la passation et l'exécution des marchés publics.",
        "vendor": contact.vendor.name,
        "data": model_to_dict(contact, exclude=["vendor"]),
        "history": [{"date": row.history_date, "change": row.get_history_type_display(),
                     **{field: getattr(row, field) for field in CONTACT_PERSONAL_FIELDS}} for row in history],
    })


@transaction.atomic
def contact_erase(contact) -> dict:
    pk = contact.pk
    rows = contact.history.model.objects.filter(id=pk).update(**CONTACT_PERSONAL_FIELDS)
    contact.delete()
    # The deletion itself wrote one more history row, with the values before deletion: blank it too.
    rows = contact.history.model.objects.filter(id=pk).update(**CONTACT_PERSONAL_FIELDS)
    return {"contact": pk, "history_rows_anonymised": rows}


def _user_references(user) -> dict[str, int]:
    """Rows of every model that point at ``user`` (records they made, history rows they wrote)."""
    user_model = get_user_model()
    counts = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if getattr(field, "many_to_one", False) and field.related_model is user_model and field.concrete:
                count = model._default_manager.filter(**{field.name: user}).count()
                if count:
                    counts[f"{model._meta.label_lower}.{field.name}"] = count
    return dict(sorted(counts.items()))


def user_export(user) -> dict:
    return _jsonable({
        "kind": "user",
        "purpose": "Compte d'un agent de la collectivité : authentification et traçabilité des actes de procédure.",
        "data": {"username": user.username, "first_name": user.first_name, "last_name": user.last_name,
                 "email": user.email, "date_joined": user.date_joined, "last_login": user.last_login,
                 "is_active": user.is_active, "groups": sorted(user.groups.values_list("name", flat=True))},
        "records": _user_references(user),
    })


@transaction.atomic
def user_erase(user) -> dict:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    old_username = user.username
    user.username = ERASED_USERNAME.format(pk=user.pk)
    user.first_name = user.last_name = user.email = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    sessions = [session.pk for session in Session.objects.all()
                if str(session.get_decoded().get("_auth_user_id")) == str(user.pk)]
    Session.objects.filter(pk__in=sessions).delete()
    attempts = sum(model.objects.filter(username=old_username).delete()[0]
                   for model in (AccessAttempt, AccessLog, AccessFailureLog))
    return {"user": user.pk, "username": user.username, "sessions_deleted": len(sessions),
            "login_records_deleted": attempts, "records_kept": _user_references(user)}
