"""Demo users, one or more per group, with invented names. Created only by ``load_demo``.

No app has a service for user accounts (they are made in the admin), so this loader writes them
itself: it is the demo's one direct write."""

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from procurement.core.enums import Role


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: Role | None  # None: administrator (Django staff)


DEMO_BUYER = "claire.morel"
DEMO_FINANCE = "marc.delorme"  # pays the demo invoices
DEMO_ADMIN = "helene.vasseur"  # the only role that changes the programme and its budget
DEMO_USERS = [
    DemoUser("claire.morel", "Claire", "Morel", Role.BUYER),
    DemoUser("julien.faure", "Julien", "Faure", Role.BUYER),
    DemoUser("sophie.lambert", "Sophie", "Lambert", Role.EVALUATOR),
    DemoUser("nadia.benali", "Nadia", "Benali", Role.EVALUATOR),
    DemoUser("thomas.girard", "Thomas", "Girard", Role.EVALUATOR),
    DemoUser("marc.delorme", "Marc", "Delorme", Role.FINANCE),
    DemoUser("helene.vasseur", "Hélène", "Vasseur", None),
]


@transaction.atomic
def create_demo_users(*, password: str | None = None) -> list[tuple[DemoUser, str]]:
    """Creates or resets the demo users; returns each with the password just set."""
    User = get_user_model()
    created = []
    for demo in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=demo.username)
        user.first_name, user.last_name = demo.first_name, demo.last_name
        user.email = f"{demo.username}@metropole-rivemont.example"
        user.is_staff = user.is_superuser = demo.role is None
        user_password = password or secrets.token_urlsafe(9)
        user.set_password(user_password)
        user.full_clean()
        user.save()
        user.groups.set(Group.objects.filter(name=demo.role) if demo.role else [])
        created.append((demo, user_password))
    return created
