"""Who may do what on vendors, their contacts and compliance documents, written once for pages, API
and services: finance and buyers read, buyers edit and choose a vendor in the other apps' forms."""

from procurement.core.permissions import may


def vendor_abilities(user) -> dict[str, bool]:
    can_view = may(user, "vendors.read")
    can_edit = may(user, "vendors.edit")
    return {"view": can_view, "add": can_edit, "change": can_edit, "delete": can_edit, "download": can_view,
            "choose": may(user, "vendors.choose")}


def list_abilities(user) -> dict[str, bool]:
    """What ``user`` may do with vendors in general (the list page, the creation form)."""
    return vendor_abilities(user)
