import json

from procurement.core.commands import ProcurementCommand, UsageError
from procurement.core.personal_data import PersonalDataError, contact_export, get_contact, get_user, user_export


def add_person_arguments(parser):
    person = parser.add_mutually_exclusive_group(required=True)
    person.add_argument("--contact", type=int, help="identifiant du contact d'un fournisseur")
    person.add_argument("--user", help="identifiant de connexion d'un agent")


class Command(ProcurementCommand):
    help = ("Exporte en JSON les données personnelles d'un contact de fournisseur (--contact ID) ou d'un "
            "agent (--user IDENTIFIANT) : droit d'accès et à la portabilité (RGPD, art. 15 et 20).")

    def add_arguments(self, parser):
        add_person_arguments(parser)

    def run(self, *, contact, user, **options):
        try:
            data = contact_export(get_contact(contact)) if contact is not None else user_export(get_user(user))
        except PersonalDataError as error:
            raise UsageError(str(error)) from None
        return data, json.dumps(data, ensure_ascii=False, indent=2)
