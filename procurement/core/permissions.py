"""The permission matrix, in one place: what each role may do (``GRANTS``, read by the code) and
every role × page or API action in a described situation (``MATRIX``, exercised by the tests).

Roles are the six profiles of the service; ``evaluator`` is a committee member of the tender who
declared no conflict of interest on the lot, ``evaluator_conflict`` one who declared a conflict (the
same group: the conflict is a fact of the lot, so it is decided by the evaluation's abilities).

``GRANTS`` answers by role alone: pages (``AccessMixin.grant``), the API (``role_checks``),
the menu and the apps' ``get_abilities`` read it through ``may(user, grant)``, then add the rules of
the object's state (a sealed tender, an executing contract, a closed blind round…).

``MATRIX`` lists each action with the roles that may do it *in the situation the fixture of the test
describes* (``SITUATION``); tests/hardening/test_permission_matrix.py checks every cell through the
pages and, where ``api`` names an endpoint, through the API, and checks that the object's ability
agrees with the cell.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from procurement.core.enums import Role

ANONYMOUS, BUYER, EVALUATOR, EVALUATOR_CONFLICT, FINANCE, ADMIN = (
    "anonymous", "buyer", "evaluator", "evaluator_conflict", "finance", "admin")
ROLES = (ANONYMOUS, BUYER, EVALUATOR, EVALUATOR_CONFLICT, FINANCE, ADMIN)
STAFF = frozenset({BUYER, EVALUATOR, EVALUATOR_CONFLICT, FINANCE, ADMIN})
BUYERS = frozenset({BUYER, ADMIN})
READERS = frozenset({BUYER, FINANCE, ADMIN})
EVALUATORS = frozenset({EVALUATOR, EVALUATOR_CONFLICT, ADMIN})
# The groups users belong to, as roles of the matrix; Django staff are the administrators.
GROUP_ROLES = {Role.BUYER.value: BUYER, Role.EVALUATOR.value: EVALUATOR, Role.FINANCE.value: FINANCE}

GRANTS: dict[str, frozenset[str]] = {
    "home": STAFF,
    "reference.read": STAFF,
    "tenders.read": STAFF,  # opened and completed tenders (an evaluator's: those whose committee they sit on)
    "tenders.read_sealed": READERS,  # also the tenders not opened yet (their bids stay sealed)
    "tenders.drive": BUYERS,
    "tenders.documents": READERS,
    "evaluation.sit": EVALUATORS,  # sit on committees: declare, score (membership decides the lot)
    "evaluation.read": READERS,  # read a lot's evaluation without sitting on its committee
    "contracts.read": READERS,
    "contracts.act": BUYERS,
    "invoices.handle": READERS,
    "invoices.pay": frozenset({FINANCE, ADMIN}),
    "finance.read": READERS,
    "resources.read": READERS,
    "resources.act": BUYERS,
    "vendors.read": READERS,
    "vendors.edit": BUYERS,
    # Name any vendor in a form (a bid's candidate, a question's author, a contract's co-holders, an
    # amendment's new holder, a subcontractor): the suggestions among every vendor, for who fills those forms.
    "vendors.choose": BUYERS,
    "programmes.read": READERS,
    # The sharing of a programme's costs among its members: kept by the buyers and finance together.
    "sharing.read": READERS,
    "sharing.edit": frozenset({BUYER, FINANCE, ADMIN}),
    "programmes.edit": frozenset({ADMIN}),
    # The council's delegations and deliberations that authorise signing: recorded by the buyers.
    "council_acts.edit": BUYERS,
    "templates.read": BUYERS,  # the variables of the document templates, their versions
    "templates.edit": frozenset({ADMIN}),  # upload a version, put one back in force
    "admin": frozenset({ADMIN}),
}


def roles_of(user) -> frozenset[str]:
    """The user's roles in the matrix: none for an anonymous or inactive user, ``admin`` for staff
    (who pass every grant), else the roles of their groups (cached on the user for the request)."""
    if not user or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_matrix_roles", None)
    if cached is None:
        groups = user.groups.values_list("name", flat=True)
        cached = frozenset({ADMIN} if user.is_staff else {GROUP_ROLES[name] for name in groups if name in GROUP_ROLES})
        user._matrix_roles = cached
    return cached


def may(user, grant: str) -> bool:
    """Whether the user's role allows ``grant`` (a key of ``GRANTS``), before any state rule."""
    return bool(roles_of(user) & GRANTS[grant])


# Who holds a role, as opposed to what a role may do (``may``, which every administrator passes): the
# evaluators one may seat on a committee, the recipients of a reminder. An administrator holds only
# ``ADMIN``, as in ``roles_of``.

def has_role(user, role: str) -> bool:
    return role in roles_of(user)


def holders(roles: frozenset[str]) -> Q:
    """The users ``has_role`` finds for one of ``roles``, as a filter on users (the same rule as
    ``roles_of``, written for the database)."""
    groups = [name for name, role in GROUP_ROLES.items() if role in roles]
    allowed = Q(is_staff=False, groups__name__in=groups)
    if ADMIN in roles:
        allowed |= Q(is_staff=True)
    return Q(is_active=True) & allowed


def require(allowed: bool, message: str) -> None:
    """The services' refusal: ``allowed`` is the ability the page shows (``obj.get_abilities(by)[...]``,
    ``list_abilities(by)[...]`` or ``may(by, grant)``); refused, ``PermissionDenied`` with the French
    ``message`` (HTTP 403 on the pages and in the API) before anything is written."""
    if not allowed:
        raise PermissionDenied(message)


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    allowed: frozenset[str]
    method: str = "GET"
    ability: str = ""        # the object's ability that guards it, when there is one
    sealed_guarantee: bool = False  # part of the « sealed and blind » guarantees
    api: str = ""            # the method of the same action through the API ("GET", "POST"), if any

    def allows(self, role: str) -> bool:
        return role in self.allowed


G = GRANTS
MATRIX: tuple[Action, ...] = (
    Action("home", "Accueil", G["home"]),
    Action("reference.list", "Valeurs de référence", G["reference.read"]),
    Action("tenders.list", "Liste des consultations", G["tenders.read"], api="GET"),
    Action("tenders.create", "Créer une consultation", G["tenders.drive"], api="POST"),
    Action("tenders.detail.sealed", "Consultation fermée (offres scellées)", G["tenders.read_sealed"], ability="view",
           api="GET"),
    Action("tenders.detail.opened", "Consultation ouverte (un évaluateur siège à sa commission)", G["tenders.read"],
           ability="view", api="GET"),
    # An evaluator sees only the tenders whose committee they sit on: not this one's bidders nor hashes.
    Action("tenders.detail.opened_elsewhere", "Consultation ouverte d'une autre commission", G["tenders.read_sealed"],
           ability="view", api="GET"),
    Action("tenders.bids_register.sealed", "Registre des dépôts (.xlsx), offres scellées : qui et quand, sans montant",
           G["tenders.read_sealed"], ability="view", sealed_guarantee=True, api="GET"),
    Action("tenders.bids_register.opened", "Registre des dépôts (.xlsx), après l'ouverture", G["tenders.read"],
           ability="view", api="GET"),
    # The register's amounts, VAT and admissibility: the same ability on the page, in the .xlsx and the API.
    Action("tenders.bids_register.amounts", "Montants, TVA et recevabilité du registre (.xlsx, API)",
           G["tenders.drive"], ability="read_bids", api="GET"),
    # Nobody, whatever the role: the state rule of the « read_bids » ability.
    Action("tenders.bid_file.sealed", "Télécharger le fichier d'une offre scellée", frozenset(),
           ability="read_bids", sealed_guarantee=True),
    # The lot's « read_bids »: the buyers, and the committee members who declared no conflict on the lot.
    Action("tenders.bid_file.opened", "Télécharger le fichier d'une offre ouverte", G["tenders.drive"] | {EVALUATOR},
           ability="read_bids"),
    Action("tenders.opening.sealed", "Procès-verbal d'ouverture", G["tenders.drive"], ability="record_opening"),
    Action("tenders.transition.close", "Clore une consultation publiée (POST)", G["tenders.drive"], method="POST",
           ability="drive", api="POST"),
    # A committee member who declared no conflict: membership and declaration are rules of the lot.
    Action("evaluation.scores", "Mes notes (grille de notation)", frozenset({EVALUATOR}), ability="cleared",
           sealed_guarantee=True),
    Action("evaluation.results", "Classement consolidé (tour fermé)", G["evaluation.read"] | {EVALUATOR},
           ability="read_consolidation", sealed_guarantee=True),
    Action("contracts.list", "Liste des marchés", G["contracts.read"], api="GET"),
    Action("contracts.detail", "Fiche d'un marché", G["contracts.read"], ability="view", api="GET"),
    Action("contracts.order_create", "Émettre un bon de commande", G["contracts.act"], ability="order", api="POST"),
    Action("finance.commitments", "Engagements pluriannuels", G["finance.read"], api="GET"),
    Action("vendors.list", "Liste des fournisseurs", G["vendors.read"], api="GET"),
    Action("vendors.create", "Créer un fournisseur", G["vendors.edit"], api="POST"),
    Action("vendors.suggestions", "Suggestions de fournisseurs des formulaires (offre, question, sous-traitance…)",
           G["vendors.choose"]),
    Action("programmes.list", "Liste des programmes", G["programmes.read"]),
    Action("sharing.shares", "Répartition des coûts d'un programme entre ses membres", G["sharing.read"]),
    Action("sharing.agreement_create", "Créer une convention de partage des coûts", G["sharing.edit"]),
    Action("admin.index", "Administration", G["admin"]),
    Action("admin.bids", "Offres dans l'administration", G["admin"], sealed_guarantee=True),
)

BY_NAME = {action.name: action for action in MATRIX}
