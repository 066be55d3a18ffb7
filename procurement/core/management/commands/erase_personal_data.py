from procurement.core.commands import ProcurementCommand, UsageError
from procurement.core.management.commands.export_personal_data import add_person_arguments
from procurement.core.personal_data import (
    PersonalDataError,
    contact_erase,
    contact_export,
    get_contact,
    get_user,
    user_erase,
    user_export,
)


class Command(ProcurementCommand):
    help = ("Efface les données personnelles d'un contact de fournisseur (supprimé, historique anonymisé) ou "
            "anonymise le compte d'un agent (les actes qu'il a signés sont conservés, R.2184-12 et 13). "
            "Sans --confirm, affiche seulement ce qui serait effacé.")

    def add_arguments(self, parser):
        add_person_arguments(parser)
        parser.add_argument("--confirm", action="store_true", help="effacer réellement")

    def run(self, *, contact, user, confirm, **options):
        try:
            person = get_contact(contact) if contact is not None else get_user(user)
        except PersonalDataError as error:
            raise UsageError(str(error)) from None
        is_contact = contact is not None
        name = (f"le contact {person.first_name} {person.last_name} ({person.vendor.name})" if is_contact
                else f"le compte « {person.username} »")
        if not confirm:
            data = {"confirmed": False, "would_erase": contact_export(person) if is_contact else user_export(person)}
            action = "supprimé, son historique anonymisé" if is_contact else "anonymisé et désactivé"
            return data, (f"Rien n'a été effacé. Avec --confirm, {name} sera {action}. "
                          "Exportez d'abord ses données avec export_personal_data si la personne les demande.")
        result = contact_erase(person) if is_contact else user_erase(person)
        text = (f"Données de {name} effacées : contact supprimé, {result['history_rows_anonymised']} ligne(s) "
                "d'historique anonymisée(s)." if is_contact else
                f"Données de {name} effacées : compte anonymisé en « {result['username']} », désactivé ; "
                f"{result['sessions_deleted']} session(s) fermée(s) ; les actes signés restent attribués au "
                "compte anonymisé.")
        return {"confirmed": True, **result}, text
