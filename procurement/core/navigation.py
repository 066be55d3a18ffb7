from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from procurement.core.permissions import may


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url_name: str
    grant: str  # of the permission matrix


MENU = (
    MenuEntry(_("Consultations"), "tenders:list", "tenders.read"),
    MenuEntry(_("Marchés"), "contracts:list", "contracts.read"),
    MenuEntry(_("Finances"), "dashboards:finance-overview", "finance.read"),
    MenuEntry(_("Mes évaluations"), "tenders:my-evaluations", "evaluation.sit"),
    MenuEntry(_("Ressources en ligne"), "resources:list", "resources.read"),
    MenuEntry(_("Fournisseurs"), "vendors:list", "vendors.read"),
    MenuEntry(_("CAO"), "tenders:cao", "tenders.drive"),
    MenuEntry(_("Programmes"), "programmes:list", "programmes.read"),
    MenuEntry(_("Données de référence"), "core:reference-values", "reference.read"),
    MenuEntry(_("Modèles de documents"), "documents:variables", "templates.read"),
)


def menu_for(user, current_path: str) -> list[dict]:
    entries = [{"label": entry.label, "url": reverse(entry.url_name)} for entry in MENU if may(user, entry.grant)]
    if may(user, "admin"):
        entries.append({"label": _("Administration"), "url": reverse("admin:index")})
    # The current entry is the longest URL the path starts with: "Mes évaluations"
    # (/consultations/mes-evaluations/) rather than "Consultations" (/consultations/).
    matching = [entry["url"] for entry in entries if current_path.startswith(entry["url"])]
    current = max(matching, key=len, default=None)
    for entry in entries:
        entry["current"] = entry["url"] == current
    return entries
