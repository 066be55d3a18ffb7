"""A base for management commands read by people and by machines.

``--format json`` prints one JSON object on stdout; the default prints French sentences.
Every bad argument, whether argparse or the command finds it, ends with exit status 2 and a
single French line on stderr, never a usage block or a traceback.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from procurement.core.money import MONEY_LIMIT, MoneyError, to_decimal

_ARGPARSE_MESSAGES = [
    (re.compile(r"^the following arguments are required: (.+)$"), "argument(s) obligatoire(s) manquant(s) : {0}"),
    (re.compile(r"^unrecognized arguments: (.+)$"), "argument(s) inconnu(s) : {0}"),
    (re.compile(r"^argument (\S+): expected one argument$"), "{0} attend une valeur"),
    (re.compile(r"^argument (\S+): invalid choice: (.+?) \(choose from (.+)\)$"),
     "{0} : valeur {1} inconnue (valeurs possibles : {2})"),
    (re.compile(r"^argument (\S+): invalid int value: (.+)$"), "{0} : {1} n'est pas un nombre entier"),
    (re.compile(r"^argument (\S+): (.+)$"), "{0} : {1}"),
]


def french_argparse_message(message: str) -> str:
    for pattern, template in _ARGPARSE_MESSAGES:
        match = pattern.match(message)
        if match:
            return template.format(*match.groups())
    return message


class UsageError(CommandError):
    def __init__(self, message: str):
        super().__init__(message, returncode=2)


class _FrenchParser(CommandParser):
    def error(self, message):
        raise UsageError(french_argparse_message(message))


def iso_date(value: str) -> date:
    """argparse type: a date written YYYY-MM-DD."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {value} » n'est pas une date valide au format AAAA-MM-JJ") from None


def non_negative_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {value} » n'est pas un nombre entier") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"« {value} » est négatif ; un nombre positif ou nul est attendu")
    return number


def positive_amount(value: str) -> Decimal:
    """argparse type: an amount in euros, strictly positive, with at most two decimals."""
    try:
        amount = to_decimal(value)
    except MoneyError:
        raise argparse.ArgumentTypeError(f"« {value} » n'est pas un montant en euros") from None
    if amount <= 0:
        raise argparse.ArgumentTypeError(f"« {value} » doit être un montant strictement positif")
    if amount.as_tuple().exponent < -2:
        raise argparse.ArgumentTypeError(f"« {value} » a plus de deux décimales")
    if amount >= MONEY_LIMIT:
        raise argparse.ArgumentTypeError(f"« {value} » dépasse le montant maximal géré")
    return amount


def acting_user(username: str):
    """argparse type of ``--user``: the active user a command writes as."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise argparse.ArgumentTypeError(f"« {username} » n'est pas un utilisateur actif")
    return user


def default_acting_user():
    """Who a writing command acts as without ``--user``: the first active administrator (the account
    ``createsuperuser`` made), so that the commands' published contracts need no extra argument."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(is_active=True, is_superuser=True).order_by("date_joined", "pk").first()
    if user is None:
        raise UsageError("aucun administrateur actif : précisez --user IDENTIFIANT")
    return user


class ProcurementCommand(BaseCommand):
    """Subclasses implement ``run(**options) -> (data, text)``. A command that writes as a person sets
    ``acts_as_user``: it gets a ``--user`` (by default the first active administrator); the services
    check that user's abilities, as on the pages, and a refusal is a usage error."""

    json_output = True
    acts_as_user = False

    def create_parser(self, prog_name, subcommand, **kwargs):
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.__class__ = type("ProcurementParser", (_FrenchParser, type(parser)), {})
        if self.json_output:
            parser.add_argument(
                "--format", choices=["text", "json"], default="text",
                help="text (phrases en français, par défaut) ou json (un objet JSON sur la sortie standard)",
            )
        if self.acts_as_user:
            parser.add_argument("--user", type=acting_user, default=None,
                                help="identifiant de l'utilisateur au nom duquel la commande agit "
                                     "(par défaut : le premier administrateur actif)")
        return parser

    def run_from_argv(self, argv):
        try:
            super().run_from_argv(argv)
        except UsageError as error:  # raised while parsing, before Django's own handler
            self.stderr.write(f"Erreur : {error}")
            sys.exit(error.returncode)

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except CommandError as error:
            if not self._called_from_command_line:
                raise
            self.stderr.write(f"Erreur : {error}")
            sys.exit(error.returncode if error.returncode != 1 else 2)

    def handle(self, *args, **options):
        try:
            if self.acts_as_user and options.get("user") is None:
                options["user"] = default_acting_user()
            data, text = self.run(**options)
        except PermissionDenied as refusal:
            raise UsageError(str(refusal)) from None
        except DatabaseError:
            if _unapplied_migrations():
                raise UsageError("la base de données n'est pas initialisée ou pas à jour : lancez d'abord "
                                 "« python manage.py migrate ».") from None
            raise
        if options.get("format") == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(text)

    def run(self, **options) -> tuple[dict | list, str]:  # pragma: no cover - abstract
        raise NotImplementedError


def _unapplied_migrations() -> bool:
    """Whether the database misses migrations (a fresh checkout where ``migrate`` was not run)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
