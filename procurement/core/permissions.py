"""The permission matrix: every role × every page action, in one table.

Roles are the six profiles of the service; ``evaluator`` is a committee member of the tender who
declared no conflict of interest on the lot, ``evaluator_conflict`` one who declared a conflict.
Each action names what it covers (a page, a download, a transition) and the set of roles that may
do it, *in the state that the fixture of the test describes* (``SITUATION``): a sealed tender, an
opened tender with a closed blind round, a notified framework contract… The apps' ``get_abilities``
compute the same answers from roles and states; tests/hardening/test_permission_matrix.py checks
every cell through the pages, and the ability that guards it, so that a change of a rule on one
side without the other fails. An API test can iterate the same ``MATRIX`` (the ``api`` key of an
action, when set, names its endpoint).
"""

from __future__ import annotations

from dataclasses import dataclass, field

ANONYMOUS, BUYER, EVALUATOR, EVALUATOR_CONFLICT, FINANCE, ADMIN = (
    "anonymous", "buyer", "evaluator", "evaluator_conflict", "finance", "admin")
ROLES = (ANONYMOUS, BUYER, EVALUATOR, EVALUATOR_CONFLICT, FINANCE, ADMIN)
STAFF = frozenset({BUYER, EVALUATOR, EVALUATOR_CONFLICT, FINANCE, ADMIN})
BUYERS = frozenset({BUYER, ADMIN})
READERS = frozenset({BUYER, FINANCE, ADMIN})

SITUATION = {
    "sealed": "a closed tender: bids received, not opened (bid amounts and files sealed)",
    "opened": "an opened tender, one lot, committee of two (one cleared, one in conflict), blind round closed",
    "contract": "a notified framework contract",
    "vendor": "a vendor",
    "programme": "a programme",
}


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    allowed: frozenset[str]
    method: str = "GET"
    ability: str = ""        # the object's ability that guards it, when there is one
    sealed_guarantee: bool = False  # part of the « sealed and blind » guarantees
    api: str = ""
    roles: tuple[str, ...] = field(default=ROLES)

    def allows(self, role: str) -> bool:
        return role in self.allowed


MATRIX: tuple[Action, ...] = (
    Action("home", "Accueil", STAFF),
    Action("reference.list", "Valeurs de référence", STAFF),
    Action("tenders.list", "Liste des consultations", STAFF),
    Action("tenders.create", "Créer une consultation", BUYERS),
    Action("tenders.detail.sealed", "Consultation fermée (offres scellées)", READERS, ability="view"),
    Action("tenders.detail.opened", "Consultation ouverte", STAFF, ability="view"),
    Action("tenders.bids_register.sealed", "Registre des dépôts (.xlsx), offres scellées : qui et quand, sans montant",
           READERS, ability="view", sealed_guarantee=True),
    Action("tenders.bids_register.opened", "Registre des dépôts (.xlsx), après l'ouverture", STAFF,
           ability="view"),
    Action("tenders.bid_file.sealed", "Télécharger le fichier d'une offre scellée", frozenset(),
           ability="read_bids", sealed_guarantee=True),
    Action("tenders.bid_file.opened", "Télécharger le fichier d'une offre ouverte", BUYERS, ability="read_bids"),
    Action("tenders.opening.sealed", "Procès-verbal d'ouverture", BUYERS, ability="record_opening"),
    Action("tenders.transition.close", "Clore une consultation publiée (POST)", BUYERS, method="POST",
           ability="drive"),
    Action("evaluation.scores", "Mes notes (grille de notation)", frozenset({EVALUATOR}), ability="cleared",
           sealed_guarantee=True),
    Action("evaluation.results", "Classement consolidé (tour fermé)", frozenset({BUYER, FINANCE, ADMIN, EVALUATOR}),
           ability="read_consolidation", sealed_guarantee=True),
    Action("contracts.list", "Liste des marchés", READERS),
    Action("contracts.detail", "Fiche d'un marché", READERS, ability="view"),
    Action("contracts.order_create", "Émettre un bon de commande", BUYERS, ability="order"),
    Action("vendors.list", "Liste des fournisseurs", READERS),
    Action("vendors.create", "Créer un fournisseur", BUYERS),
    Action("programmes.list", "Liste des programmes", READERS),
    Action("admin.index", "Administration", frozenset({ADMIN})),
    Action("admin.bids", "Offres dans l'administration", frozenset({ADMIN}), sealed_guarantee=True),
)

BY_NAME = {action.name: action for action in MATRIX}


def allowed(action: str, role: str) -> bool:
    return BY_NAME[action].allows(role)
