"""The people and reference data a larger Métropole has: agents in their groups, vendors with valid SIRETs,
programmes with their budget lines and yearly credits."""

from __future__ import annotations

import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from stdnum import luhn

from procurement.core.enums import Role
from procurement.core.money import round_money
from procurement.demo.loaders.scale.common import THEMES, YEARS, at, money, spread
from procurement.programmes.enums import BudgetSection
from procurement.programmes.models import Authority, BudgetCredit, BudgetLine, Programme
from procurement.vendors.models import Vendor

User = get_user_model()

PROGRAMME_PREFIX = "PRG-"
USER_PREFIX = "agent."
VENDOR_NOTE = "Fournisseur ajouté par la croissance de bench/scale.py."

CITIES = [("45000", "Orléans"), ("69003", "Lyon"), ("31000", "Toulouse"), ("33000", "Bordeaux"),
          ("59000", "Lille"), ("44000", "Nantes"), ("67000", "Strasbourg"), ("35000", "Rennes"),
          ("34000", "Montpellier"), ("13001", "Marseille"), ("75011", "Paris"), ("21000", "Dijon")]
NAME_WORDS = ["Alpha", "Berry", "Loire", "Rhône", "Cèdre", "Atlas", "Horizon", "Vallée", "Delta", "Orion",
              "Saule", "Granit", "Azur", "Solis", "Nova", "Pilote", "Arche", "Boréal", "Cime", "Estuaire"]
NAME_KINDS = ["Services", "Informatique", "Bâtiment", "Édition", "Conseil", "Fournitures", "Réseaux",
              "Maintenance", "Environnement", "Numérique"]
LEGAL_FORMS = ["SAS", "SARL", "SA", "SCOP"]
FIRST_NAMES = ["Anne", "Bruno", "Chloé", "David", "Émilie", "François", "Gaëlle", "Hugo", "Inès", "Jacques",
               "Karine", "Louis", "Manon", "Nicolas", "Océane", "Pierre"]
LAST_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
              "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David"]
LINE_SHAPES = {  # section: (chapter, article) pairs of the M57 classes allowed in the section
    BudgetSection.INVESTMENT: [("20", "2051"), ("21", "2183"), ("23", "2313"), ("21", "2188")],
    BudgetSection.OPERATING: [("011", "6156"), ("011", "6065"), ("011", "611"), ("011", "6135")],
}


def siret(rng: random.Random, taken: set[str]) -> str:
    while True:
        siren = str(rng.randrange(10_000_000, 99_999_999))
        siren += luhn.calc_check_digit(siren)
        base = siren + f"{rng.randrange(1, 9999):04d}"
        value = base + luhn.calc_check_digit(base)
        if value not in taken:
            taken.add(value)
            return value


class ReferentialsPart:
    """The agents, vendors and programmes a ``Grower`` adds (its ``rng``, ``keys``, ``start`` and ``save``)."""

    def users(self, target: int) -> None:
        existing = User.objects.filter(username__startswith=USER_PREFIX).count()
        wanted = max(0, target - User.objects.exclude(username__startswith=USER_PREFIX).count()) - existing
        if wanted <= 0:
            return
        groups = {role: Group.objects.get(name=role) for role in Role.values}
        password = make_password(None)  # unusable: these agents never sign in with a password
        users, memberships = [], []
        for index in range(existing, existing + wanted):
            rng = self.rng("user", index)
            role = Role.BUYER if index % 10 < 6 else Role.EVALUATOR if index % 10 < 8 else Role.FINANCE
            pk = self.keys(User)
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            users.append(User(pk=pk, username=f"{USER_PREFIX}{index + 1:03d}", first_name=first, last_name=last,
                              email=f"{USER_PREFIX}{index + 1:03d}@metropole-rivemont.example", password=password,
                              date_joined=at(self.start)))
            memberships.append(User.groups.through(user_id=pk, group_id=groups[role].pk))
        self.save(User, users, "users")
        User.groups.through.objects.bulk_create(memberships)

    def vendors(self, target: int) -> None:
        existing = Vendor.objects.filter(notes=VENDOR_NOTE).count()
        wanted = max(0, target - Vendor.objects.exclude(notes=VENDOR_NOTE).count()) - existing
        if wanted <= 0:
            return
        taken = set(Vendor.objects.exclude(siret="").values_list("siret", flat=True))
        rows = []
        for index in range(existing, existing + wanted):
            rng = self.rng("vendor", index)
            postal_code, city = rng.choice(CITIES)
            name = f"{rng.choice(NAME_WORDS)} {rng.choice(NAME_KINDS)} {rng.choice(LEGAL_FORMS)} {index + 1}"
            rows.append(Vendor(pk=self.keys(Vendor), name=name, siret=siret(rng, taken), city=city,
                               postal_code=postal_code, street=f"{rng.randrange(1, 200)} rue de la République",
                               is_sme=rng.random() < 0.6, notes=VENDOR_NOTE))
        self.save(Vendor, rows, "vendors")

    def programmes(self, target: int) -> None:
        existing = Programme.objects.filter(reference__startswith=PROGRAMME_PREFIX).count()
        wanted = max(0, target - Programme.objects.exclude(reference__startswith=PROGRAMME_PREFIX).count()) - existing
        if wanted <= 0:
            return
        authority = Authority.objects.order_by("pk").first()
        programmes, lines, credits = [], [], []
        for index in range(existing, existing + wanted):
            rng = self.rng("programme", index)
            theme = THEMES[index % len(THEMES)]
            first = self.start.year + int(spread(index) * YEARS)
            last = first + rng.randrange(3, 10)
            pk = self.keys(Programme)
            programmes.append(Programme(
                pk=pk, reference=f"{PROGRAMME_PREFIX}{index + 1:03d}", name=f"{theme} — programme {index + 1}",
                authority=authority, start_year=first, end_year=last,
                envelope_ttc=money(rng, 2_000_000, 80_000_000, 10_000)))
            for number in range(rng.randrange(2, 6)):
                section = BudgetSection.INVESTMENT if number % 2 == 0 else BudgetSection.OPERATING
                chapter, article = rng.choice(LINE_SHAPES[section])
                line_pk = self.keys(BudgetLine)
                yearly = [(year, money(rng, 200_000, 5_000_000, 1_000)) for year in range(first, last + 1)]
                multi_year = rng.random() < 0.5
                kind = "AP" if section == BudgetSection.INVESTMENT else "AE"
                lines.append(BudgetLine(
                    pk=line_pk, programme_id=pk, section=section, label=f"{theme} — ligne {number + 1}",
                    chapter=chapter, article=article, function="313",
                    authorisation_reference=f"{kind}-{PROGRAMME_PREFIX}{index + 1:03d}-{number + 1}" if multi_year
                    else "",
                    authorisation_amount_ttc=round_money(sum(a for _, a in yearly) * Decimal("1.05"))
                    if multi_year else None))
                credits += [BudgetCredit(pk=self.keys(BudgetCredit), budget_line_id=line_pk, year=year,
                                         amount_ttc=amount) for year, amount in yearly]
        self.save(Programme, programmes, "programmes")
        self.save(BudgetLine, lines, "budget_lines")
        self.save(BudgetCredit, credits, "budget_credits")
