import os

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.timezone import localdate

from procurement.core.commands import ProcurementCommand, UsageError, iso_date
from procurement.demo.loaders.contracts import load_demo_contracts
from procurement.demo.loaders.invoices import load_demo_invoices
from procurement.demo.loaders.programmes import load_demo_governance, load_demo_programme
from procurement.demo.loaders.resources import load_demo_resources
from procurement.demo.loaders.sharing import load_demo_sharing
from procurement.demo.loaders.tenders import load_demo_tenders
from procurement.demo.loaders.users import DEMO_ADMIN, DEMO_BUYER, DEMO_USERS, create_demo_users
from procurement.demo.loaders.vendors import load_demo_vendors
from procurement.tenders.rules.procedure import procedure_rules_known_until

User = get_user_model()


class Command(ProcurementCommand):
    help = (
        "Charge le programme « Bibliothèque numérique métropolitaine » (BNM) comme données de "
        "démonstration et crée les utilisateurs de démonstration, dont il affiche les mots de passe. "
        "Peut être relancée : elle met les données à jour sans les dupliquer."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-users", action="store_true", help="ne pas créer ni réinitialiser les utilisateurs de démonstration"
        )
        # The demo's history runs up to this day: the current consultation, its questions and sealed bids are
        # dated from it. Tests pass a fixed day so that what they read does not depend on the machine's clock.
        parser.add_argument("--today", type=iso_date, default=None,
                            help="date du jour de la démonstration (AAAA-MM-JJ), aujourd'hui par défaut")

    def run(self, *, no_users, today=None, **options):
        today, capped = self._demo_day(today)
        missing = sorted({demo.username for demo in DEMO_USERS}
                         - set(User.objects.filter(username__in=[demo.username for demo in DEMO_USERS])
                               .values_list("username", flat=True)))
        if no_users and missing:
            # The demo's steps are recorded in the names of its buyer and evaluators.
            raise UsageError(f"--no-users : les utilisateurs de démonstration {', '.join(missing)} n'existent pas "
                             "encore ; lancez d'abord load_demo sans --no-users.")
        # Each loader reads its fixtures/bnm file and goes through the apps' services, in the order
        # the programme lived it; the buyer is the acting user of every step.
        with transaction.atomic():
            users = [] if no_users else create_demo_users(password=os.environ.get("DEMO_PASSWORD") or None)
            # Each step acts as the demo user of the role that does it on the pages.
            admin = User.objects.filter(username=DEMO_ADMIN).first()
            buyer = User.objects.filter(username=DEMO_BUYER).first()
            programme = load_demo_programme(by=admin)
            load_demo_governance(by=admin)
            vendors = load_demo_vendors(today=today, by=buyer)
            tenders = load_demo_tenders(buyer=buyer, today=today, programme=programme)
            contracts = load_demo_contracts(buyer=buyer, today=today)
            invoices = load_demo_invoices(by=buyer, today=today)
            resources = load_demo_resources(by=buyer)
            sharing = load_demo_sharing(by=buyer)
        data = {
            "today": today.isoformat(),
            "programme": programme.reference,
            "budget_lines": programme.budget_lines.count(),
            "vendors": len(vendors),
            "tenders": [tender.reference for tender in tenders],
            "contracts": [contract.reference for contract in contracts],
            "invoices": len(invoices),
            "resources": resources,
            "cost_sharing": sharing,
            "users": [
                {"username": demo.username, "role": str(demo.role or "admin"), "password": password}
                for demo, password in users
            ],
        }
        lines = [capped] if capped else []
        lines += [
            f"Programme {programme.reference} chargé : {data['budget_lines']} lignes budgétaires, "
            f"{len(vendors)} fournisseurs, consultations {', '.join(t.reference for t in tenders)}.",
            f"Convention de partage des coûts {sharing['years'][0]}–{sharing['years'][1]} : {sharing['members']} "
            f"membres, clés {', '.join(sharing['keys'])}.",
        ]
        if users:
            lines.append("Utilisateurs de démonstration (identifiant / mot de passe / profil) :")
            for demo, password in users:
                role = demo.role.label if demo.role else "Administrateur"
                lines.append(f"  {demo.username:<16} {password:<14} {role} — {demo.first_name} {demo.last_name}")
            lines.append("Ouvrez http://127.0.0.1:8000/ et connectez-vous avec l'un d'eux.")
        return data, "\n".join(lines)

    @staticmethod
    def _demo_day(asked):
        """The demo's day: the one asked, or today. Its current consultation needs the procedure rules'
        figures on that day: past the stored ones, today is brought back to their last day (and said), an
        asked day is refused."""
        known_until = procedure_rules_known_until()
        if asked is not None:
            if known_until and asked > known_until:
                raise UsageError(f"--today : les données de référence (seuils, délais) ne sont connues que jusqu'au "
                                 f"{known_until:%d/%m/%Y} ; complétez-les dans l'administration ou choisissez un "
                                 "jour antérieur.")
            return asked, ""
        today = localdate()
        if known_until and today > known_until:
            return known_until, (f"Les données de référence (seuils, délais) s'arrêtent au {known_until:%d/%m/%Y} : "
                                 "la démonstration est datée de ce jour. Complétez-les dans l'administration.")
        return today, ""
