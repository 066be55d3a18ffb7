from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from procurement.core.enums import Role
from procurement.core.roles import has_role, is_admin


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url_name: str
    roles: tuple[Role, ...]


MENU = (
    MenuEntry(_("Consultations"), "tenders:list", (Role.BUYER, Role.FINANCE, Role.EVALUATOR)),
    MenuEntry(_("Marchés"), "contracts:list", (Role.BUYER, Role.FINANCE)),
    MenuEntry(_("Finances"), "dashboards:finance-overview", (Role.FINANCE, Role.BUYER)),
    MenuEntry(_("Mes évaluations"), "tenders:my-evaluations", (Role.EVALUATOR,)),
    MenuEntry(_("Ressources en ligne"), "resources:list", (Role.BUYER, Role.FINANCE)),
    MenuEntry(_("Fournisseurs"), "vendors:list", (Role.BUYER, Role.FINANCE)),
    MenuEntry(_("Programmes"), "programmes:list", (Role.BUYER, Role.FINANCE)),
    MenuEntry(_("Données de référence"), "core:reference-values", (Role.BUYER, Role.FINANCE, Role.EVALUATOR)),
    MenuEntry(_("Modèles de documents"), "documents:variables", (Role.BUYER,)),
)


def menu_for(user, current_path: str) -> list[dict]:
    entries = [{"label": entry.label, "url": reverse(entry.url_name)} for entry in MENU if has_role(user, *entry.roles)]
    if is_admin(user):
        entries.append({"label": _("Administration"), "url": reverse("admin:index")})
    # The current entry is the longest URL the path starts with: "Mes évaluations"
    # (/consultations/mes-evaluations/) rather than "Consultations" (/consultations/).
    matching = [entry["url"] for entry in entries if current_path.startswith(entry["url"])]
    current = max(matching, key=len, default=None)
    for entry in entries:
        entry["current"] = entry["url"] == current
    return entries
