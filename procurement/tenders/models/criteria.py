from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from procurement.core.numbers import format_number
from procurement.tenders.enums import CriterionKind, PriceBasis, PriceFormula


class Criterion(models.Model):
    """An award criterion or sub-criterion of a lot, weighted in points."""

    lot = models.ForeignKey("tenders.Lot", on_delete=models.CASCADE, related_name="criteria",
                            verbose_name=_("lot"))
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children",
                               verbose_name=_("critère parent"))
    name = models.CharField(_("intitulé"), max_length=200)
    kind = models.CharField(_("type"), max_length=16, choices=CriterionKind.choices)
    points = models.DecimalField(
        _("points"), max_digits=5, decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=1)
    price_formula = models.CharField(_("formule de notation du prix"), max_length=16,
                                     choices=PriceFormula.choices, blank=True)
    price_basis = models.CharField(_("prix comparés"), max_length=4, choices=PriceBasis.choices,
                                   default=PriceBasis.HT)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("critère d'attribution")
        verbose_name_plural = _("critères d'attribution")
        ordering = ["lot", "parent_id", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(points__gt=0) & Q(points__lte=100), name="criterion_points_range",
                                   violation_error_message=_("Les points d'un critère sont compris entre 0 et 100.")),
            models.CheckConstraint(
                condition=Q(kind=CriterionKind.PRICE) | Q(price_formula=""),
                name="criterion_formula_only_for_price",
                violation_error_message=_("Seul un critère prix a une formule de notation."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({format_number(self.points)} points)"
