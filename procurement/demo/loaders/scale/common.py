"""What every part of the growth shares: the Métropole's size, the span of years, what one call added, the
primary keys chosen here, and small draws (a spread point, a round amount, a moment of a day)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import models
from django.db.models import Max
from django.utils import timezone

FULL_SIZE = {"tenders": 3000, "bids": 25000, "contracts": 5000, "orders": 20000, "invoices": 150000,
             "users": 50, "vendors": 1450, "programmes": 61}
YEARS = 10
TENDER_PREFIX = "MG"      # grown tenders: MG<yy>-<index>; their contracts MG<index>-<lot>
GOLDEN = 0.6180339887498949
DAY = timedelta(days=1)
HUNDRED = Decimal("100")
THEMES = ["Voirie", "Écoles", "Médiathèques", "Piscines", "Mobilités", "Eau potable", "Assainissement",
          "Numérique", "Espaces verts", "Culture", "Sport", "Habitat", "Déchets", "Énergie", "Patrimoine"]


def target_counts(fraction: float) -> dict[str, int]:
    """What ``fraction`` of the Métropole holds (tenders, users, vendors and programmes are grown to these
    counts; bids, contracts, orders and invoices follow from the tenders)."""
    return {name: round(count * fraction) for name, count in FULL_SIZE.items()}


@dataclass
class Growth:
    """What one call added, per model, and how long it took."""

    added: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def count(self, name: str, rows: int) -> None:
        self.added[name] = self.added.get(name, 0) + rows


class Keys:
    """The next primary key of each model, chosen here (sequences are reset at the end)."""

    def __init__(self, *model_classes: type[models.Model]):
        self._next = {model: (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1 for model in model_classes}

    def __call__(self, model: type[models.Model]) -> int:
        value = self._next[model]
        self._next[model] = value + 1
        return value


def spread(index: int) -> float:
    """A point in [0, 1) for ``index``, so that any first n indexes cover the interval evenly."""
    return (index * GOLDEN) % 1.0


def money(rng: random.Random, low: int, high: int, step: int = 100) -> Decimal:
    """A round amount, spread log-uniformly between ``low`` and ``high``."""
    value = low * (high / low) ** rng.random()
    return Decimal(max(step, int(value) // step * step))


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))
