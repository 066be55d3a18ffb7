"""The documented variables of each template kind: the single source for the upload check, the
variables page, the trial render and the tests.

A variable is a value (text, number, yes/no), a group of values (``tender.reference``) or a list of
groups (``lots``, read with ``{%p for lot in lots %}`` … ``{%p endfor %}``). Every value reaches the
template already formatted in French (amounts « 1 234,56 € », long dates « lundi 28 décembre 2026 »):
templates print them as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from procurement.documents.enums import TemplateKind


@dataclass(frozen=True)
class Variable:
    name: str
    meaning: str
    example: Any = None
    fields: tuple[Variable, ...] = field(default_factory=tuple)
    many: bool = False  # a list of groups

    def example_value(self) -> Any:
        if not self.fields:
            return self.example
        item = {child.name: child.example_value() for child in self.fields}
        return [item] if self.many else item

    def rows(self, prefix: str = "") -> list[dict]:
        """Flattened for the variables page: one row per value, with its path."""
        path = f"{prefix}{self.name}"
        if not self.fields:
            return [{"path": path, "meaning": self.meaning, "example": _shown(self.example)}]
        marker = "[]" if self.many else ""
        head = {"path": path + marker, "meaning": self.meaning,
                "example": "liste, à parcourir avec une boucle for" if self.many else "groupe de valeurs"}
        return [head, *(row for child in self.fields for row in child.rows(f"{path}{marker}."))]


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "oui" if value else "non"
    return str(value)


def value(name: str, meaning: str, example: Any) -> Variable:
    return Variable(name, meaning, example)


def group(name: str, meaning: str, *fields: Variable) -> Variable:
    return Variable(name, meaning, fields=fields)


def many(name: str, meaning: str, *fields: Variable) -> Variable:
    return Variable(name, meaning, fields=fields, many=True)


# Shared blocks ------------------------------------------------------------------------------

AUTHORITY = group(
    "authority", "L'acheteur public",
    value("name", "Nom de l'acheteur public", "Métropole de Rivemont"),
    value("address", "Adresse postale sur une ligne", "1 place de la Métropole, 37100 Rivemont"),
    value("siret", "SIRET de l'acheteur", "24999999600013"),
)
TENDER = group(
    "tender", "La consultation",
    value("reference", "Référence de la consultation", "BNM-2024-02"),
    value("object", "Objet de la consultation", "Ressources numériques en ligne pour les bibliothèques"),
    value("nature", "Nature du marché", "Services"),
    value("cpv_code", "Code CPV principal", "92511000-6"),
    value("place", "Lieu d'exécution", "37100 (code postal)"),
    value("procedure", "Procédure de passation", "Appel d'offres ouvert"),
    value("procedure_basis", "Articles du code de la commande publique qui fondent la procédure",
          "articles L.2124-2, R.2124-1 et R.2124-2 1° du code de la commande publique"),
    value("formalised", "Procédure formalisée (oui / non)", True),
    value("is_framework", "Accord-cadre (oui / non)", True),
    value("contract_form", "Forme du marché", "accord-cadre à bons de commande"),
    value("duration", "Durée, reconductions comprises, en toutes lettres",
          "12 mois, reconductible 3 fois par période de 12 mois, soit 48 mois au plus"),
    value("duration_months", "Durée initiale en mois", 12),
    value("renewals", "Nombre de reconductions", 3),
    value("renewal_months", "Durée d'une reconduction en mois", 12),
    value("total_months", "Durée maximale en mois", 48),
    value("ccag", "CCAG de référence", "CCAG Fournitures courantes et services"),
    value("price_form", "Forme du prix", "Prix unitaires"),
    value("price_types", "Types de prix", "Définitif révisable"),
    value("execution_modes", "Modalités d'exécution", "Bons de commande"),
    value("publicity", "Supports de publicité de l'avis",
          "Profil d'acheteur, BOAMP, Journal officiel de l'Union européenne"),
    value("mapa_negotiation", "Négociation prévue (procédure adaptée)", False),
    value("estimated_value", "Valeur estimée HT, options et reconductions comprises", "1 200 000,00 €"),
    value("lot_count", "Nombre de lots", 4),
    value("buyer_name", "Acheteur responsable de la consultation", "Claire Morel"),
    value("buyer_email", "Courriel de l'acheteur responsable", "claire.morel@metropole.example"),
)
DOCUMENT = group(
    "document", "Le document généré",
    value("date", "Date d'édition, en toutes lettres", "lundi 13 mai 2024"),
    value("version", "Numéro de version du dossier ou du courrier", 3),
)
CRITERION_FIELDS = (
    value("name", "Intitulé du critère", "Valeur technique"),
    value("points", "Pondération en points sur 100", "60"),
    value("kind", "Nature du critère", "Valeur technique"),
    value("formula", "Méthode de notation du prix (vide pour un autre critère)", ""),
    value("method", "Comment le critère est noté : formule du prix, somme des sous-critères ou échelle de la note",
          "Somme des notes des sous-critères ci-dessous (60 points)."),
)
LOT_FIELDS = (
    value("number", "Numéro du lot", 1),
    value("title", "Intitulé du lot", "Livres numériques et livres audio"),
    value("description", "Description du besoin", "Prêt de livres numériques aux usagers des bibliothèques."),
    value("estimated_amount", "Montant estimé HT par période (le maximum pour un accord-cadre)", "120 000,00 €"),
    value("estimated_amount_words", "Le même montant en toutes lettres", "cent vingt mille euros"),
    value("options_amount", "Options HT sur toute la durée", "0,00 €"),
    value("estimated_value", "Valeur estimée HT du lot, reconductions et options comprises", "480 000,00 €"),
    many("criteria", "Critères d'attribution du lot, dans l'ordre",
         *CRITERION_FIELDS,
         many("children", "Sous-critères du critère",
              value("name", "Intitulé du sous-critère", "Catalogue et nouveautés"),
              value("points", "Points du sous-critère", "35"),
              value("method", "Comment le sous-critère est noté",
                    "Note de 0 à 35 points au vu du mémoire technique, donnée par chaque membre de la commission "
                    "d'évaluation ; la note retenue est la moyenne de leurs notes, arrondie au centième."))),
    many("prices", "Lignes du bordereau des prix (BPU / DQE)",
         value("number", "Numéro de prix", "1.1"),
         value("label", "Désignation", "Licence de prêt d'un livre numérique"),
         value("unit", "Unité", "licence"),
         value("quantity", "Quantité estimée", "1 200")),
)
LOT = group("lot", "Le lot", *LOT_FIELDS)
LOTS = many("lots", "Les lots de la consultation", *LOT_FIELDS)
DEADLINES = group(
    "deadlines", "Les dates de la consultation",
    value("notice_sent_on", "Envoi de l'avis de publicité", "mercredi 15 mai 2024"),
    value("bid_deadline", "Date et heure limites de réception des offres", "lundi 24 juin 2024 à 12 h 00"),
    value("answers_until", "Dernier jour d'envoi des réponses aux questions", "mardi 18 juin 2024"),
    value("offer_validity_days", "Durée de validité des offres, en jours", 120),
)
CONTRACT_TERMS = group(
    "terms", "Les clauses financières",
    value("revisable", "Prix révisables (oui / non)", True),
    value("revision_formula", "Formule de révision des prix", "P = P0 × (0,125 + 0,875 × I / I0)"),
    value("revision_index", "Indice de révision", "indice Syntec révisé"),
    value("payment_days", "Délai global de paiement, en jours", 30),
    value("late_compensation", "Indemnité forfaitaire pour frais de recouvrement", "40,00 €"),
    value("late_interest_margin", "Majoration du taux BCE pour les intérêts moratoires, en points", "8"),
    value("advance_rate", "Taux minimal de l'avance", "5 %"),
    value("advance_rate_sme", "Taux minimal de l'avance pour une PME", "10 %"),
    value("advance_threshold", "Montant au-delà duquel l'avance est due", "50 000,00 €"),
)
COMPANY_FIELDS = (
    value("name", "Raison sociale", "Kiosque Horizon"),
    value("siret", "SIRET", "41234567800021"),
    value("address", "Adresse sur une ligne", "12 rue des Imprimeurs, 69002 Lyon"),
)
SCORE_FIELDS = (
    value("name", "Critère", "Prix"),
    value("max_points", "Points possibles", "40"),
    value("score", "Points obtenus", "37,80"),
)
WINNER = group(
    "winner", "L'attributaire",
    *COMPANY_FIELDS,
    value("total", "Note globale sur 100", "88,40"),
    value("amount_ht", "Montant HT de son offre", "112 000,00 €"),
    value("amount_ht_words", "Le même montant en toutes lettres", "cent douze mille euros"),
    many("scores", "Ses notes par critère", *SCORE_FIELDS),
)
BIDDER = group("bidder", "Le candidat destinataire du courrier", *COMPANY_FIELDS)
STANDSTILL = group(
    "standstill", "Le délai de suspension avant la signature (R.2182-1)",
    value("required", "Délai de suspension applicable (procédure formalisée, plusieurs offres)", True),
    value("days", "Durée du délai, en jours", 11),
    value("end", "Fin du délai de suspension", "lundi 28 décembre 2026"),
    value("signable_from", "Premier jour où le marché peut être signé", "mardi 29 décembre 2026"),
)
SENT_ON = value("sent_on", "Date d'envoi du courrier", "mardi 15 décembre 2026")
BID_COUNT = value("bid_count", "Nombre d'offres classées", 2)

MEMBER_FIELDS = (
    value("name", "Nom", "Hélène Marchand"),
    value("role", "Siège", "Président(e)"),
    value("title", "Qualité", "Vice-présidente déléguée à la lecture publique"),
)
CAO_MEETING = group(
    "meeting", "La réunion de la commission d'appel d'offres",
    value("held_on", "Date de la réunion", "jeudi 19 septembre 2024"),
    value("held_time", "Heure de la réunion", "10 h 00"),
    value("convened_on", "Date de la convocation", "vendredi 13 septembre 2024"),
    value("second_convocation", "Nouvelle convocation après une réunion sans quorum", True),
    value("previous_on", "Date de la réunion sans quorum (nouvelle convocation), sinon vide",
          "jeudi 12 septembre 2024"),
    value("voting_present", "Membres à voix délibérative présents", 3),
    value("voting_seats", "Sièges à voix délibérative (président et membres titulaires)", 6),
    value("quorum_reached", "Quorum atteint (plus de la moitié des membres à voix délibérative)", False),
    value("validity", "La phrase qui dit si et pourquoi la commission siège valablement",
          "Réunie sur nouvelle convocation, la commission siège valablement sans condition de quorum "
          "(CGCT L.1411-5)."),
    value("tenders", "Consultations à l'ordre du jour", "BNM-2024-01"),
    value("notes", "Observations", "Nouvelle convocation après la réunion du 12/09/2024."),
)
CAO_PRESENT = many("present", "Les membres présents", *MEMBER_FIELDS)
CAO_ABSENT = many("absent", "Les membres absents (titulaires et suppléants)", *MEMBER_FIELDS)
CAO_DECISIONS = many(
    "decisions", "Les décisions de la commission, lot par lot",
    value("tender", "Référence de la consultation", "BNM-2024-01"),
    value("tender_object", "Objet de la consultation", "Solution technique de la Bibliothèque numérique"),
    value("lot_number", "Numéro du lot", 1),
    value("lot_title", "Intitulé du lot", "Portail et maintenance"),
    value("outcome", "Décision", "Attribution"),
    value("bidder", "Attributaire retenu (vide pour un lot infructueux)", "Médiaflux Solutions SAS"),
    value("amount_ht", "Montant HT de l'offre retenue", "268 400,00 €"),
    value("reason", "Motivation", "Offre classée première au rapport d'analyse des offres."),
    value("difference_reason", "Motif de l'écart avec le classement, sinon vide", ""),
)

CATALOG: dict[str, tuple[Variable, ...]] = {
    TemplateKind.RC: (AUTHORITY, TENDER, DOCUMENT, DEADLINES, LOTS),
    TemplateKind.CAO_MINUTES: (AUTHORITY, CAO_MEETING, CAO_PRESENT, CAO_ABSENT, CAO_DECISIONS),
    TemplateKind.CCAP: (AUTHORITY, TENDER, DOCUMENT, LOTS, CONTRACT_TERMS),
    TemplateKind.CCTP: (AUTHORITY, TENDER, DOCUMENT, LOTS),
    TemplateKind.AE: (
        AUTHORITY, TENDER, DOCUMENT, LOT,
        group("holder", "Le titulaire (vide dans le DCE : le candidat le remplit)", *COMPANY_FIELDS),
        group("offer", "Le montant de l'offre retenue (vide dans le DCE)",
              value("amount_ht", "Montant HT", "112 000,00 €"),
              value("amount_ht_words", "Montant HT en toutes lettres", "cent douze mille euros"),
              value("vat_rate", "Taux de TVA", "5,5 %"),
              value("amount_ttc", "Montant TTC", "118 160,00 €"),
              value("amount_ttc_words", "Montant TTC en toutes lettres", "cent dix-huit mille cent soixante euros")),
    ),
    TemplateKind.REJECTION_LETTER: (
        AUTHORITY, TENDER, DOCUMENT, LOT, BIDDER, SENT_ON, WINNER, STANDSTILL, BID_COUNT,
        group("result", "Le résultat du destinataire",
              value("ranked", "Offre classée (oui) ou écartée avant le classement (non)", True),
              value("rank", "Rang de son offre", 2),
              value("total", "Sa note globale sur 100", "81,25"),
              value("reason", "Motif du rejet d'une offre non classée", ""),
              many("scores", "Ses notes par critère", *SCORE_FIELDS)),
    ),
    TemplateKind.AWARD_LETTER: (AUTHORITY, TENDER, DOCUMENT, LOT, SENT_ON, WINNER, STANDSTILL, BID_COUNT),
    TemplateKind.ABANDON_LETTER: (
        AUTHORITY, TENDER, DOCUMENT, LOT, BIDDER, SENT_ON,
        group("decision", "La décision",
              value("label", "Ce qui est décidé", "déclarer la procédure sans suite pour ce lot"),
              value("reason", "Motif de la décision", "Le besoin a été redéfini.")),
    ),
    TemplateKind.RAPPORT_PRESENTATION: (
        AUTHORITY, TENDER, DOCUMENT, LOT, DEADLINES, WINNER, BID_COUNT,
        group("opening", "L'ouverture des plis",
              value("date", "Date d'ouverture des plis", "mardi 25 juin 2024"),
              value("attendees", "Personnes présentes", "Claire Morel (acheteuse), Julien Faure (acheteur)")),
        many("ranking", "Le classement des offres, la meilleure d'abord",
             value("rank", "Rang", 1),
             *COMPANY_FIELDS,
             value("amount_ht", "Montant HT de l'offre", "112 000,00 €"),
             value("total", "Note globale sur 100", "88,40"),
             many("scores", "Notes par critère", *SCORE_FIELDS)),
        many("rejected", "Les offres écartées avant le classement",
             value("name", "Candidat", "Presse Express SARL"),
             value("status", "Statut de l'offre", "Irrégulière"),
             value("reason", "Motif", "Acte d'engagement non signé.")),
        group("decision", "La décision d'attribution",
              value("date", "Date de la décision", "vendredi 20 septembre 2024"),
              value("reason", "Motif du choix", "Offre économiquement la plus avantageuse."),
              value("final", "Classement définitif (oui) ou provisoire (non)", True)),
    ),
}


def variables(kind: str) -> tuple[Variable, ...]:
    return CATALOG[kind]


def names(kind: str) -> set[str]:
    """The top-level names a template of ``kind`` may use."""
    return {variable.name for variable in CATALOG[kind]}


def example_context(kind: str) -> dict[str, Any]:
    """A complete context with the documented examples: the trial render at upload."""
    return {variable.name: variable.example_value() for variable in CATALOG[kind]}


def mismatches(value: Any, example: Any, path: str = "") -> list[str]:
    """Where a context built by the services departs from the catalog's example (keys missing or
    extra, a list where a group is expected): the tests check the services against the catalog."""
    if isinstance(example, dict):
        if not isinstance(value, dict):
            return [path or "(racine)"] if value is not None else []
        found = [f"{path}{key} (en trop)" for key in value.keys() - example.keys()]
        found += [f"{path}{key} (manquant)" for key in example.keys() - value.keys()]
        for key in value.keys() & example.keys():
            found += mismatches(value[key], example[key], f"{path}{key}.")
        return found
    if isinstance(example, list) and example:
        if not isinstance(value, list):
            return [path.rstrip(".")]
        return [problem for item in value for problem in mismatches(item, example[0], path.rstrip(".") + "[].")]
    return []
