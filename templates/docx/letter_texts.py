"""The texts of the letters and of the rapport de présentation, written for this application.
Variables: ``procurement/documents/catalog.py``."""

from __future__ import annotations

from builder import B, Builder, letter_head

FOOTER = "{{ tender.reference }} — lot {{ lot.number }}"
LOT_LINE = "lot {{ lot.number }} « {{ lot.title }} » de la consultation {{ tender.reference }} ({{ tender.object }})"
SCORE_ROWS = [
    ["{%tr for score in SCORES %}"],
    ["{{ score.name }}", "{{ score.max_points }}", "{{ score.score }}"],
    ["{%tr endfor %}"],
]


def _scores(doc: Builder, variable: str) -> None:
    rows = [[cell.replace("SCORES", variable) for cell in row] for row in SCORE_ROWS]
    doc.table(["Critère", "Points possibles", "Points obtenus"], rows, widths=[9, 3.5, 3.5])


def _signature(doc: Builder) -> None:
    doc.text("Je vous prie d'agréer, Madame, Monsieur, l'expression de mes salutations distinguées.")
    doc.p("Pour {{ authority.name }}, le représentant du pouvoir adjudicateur", align="right")


def _standstill(doc: Builder) -> None:
    doc.tag("{%p if standstill.required %}")
    doc.text("Conformément aux articles R.2182-1 et R.2182-2 du code de la commande publique, le marché ne sera "
             "pas signé avant l'expiration d'un délai de suspension de {{ standstill.days }} jours à compter de "
             "l'envoi du présent courrier par voie électronique. ", B("Ce délai expire le {{ standstill.end }} "
             "à minuit ; le marché pourra être signé à compter du {{ standstill.signable_from }}."))
    doc.tag("{%p endif %}")


def rejection_letter() -> Builder:
    doc = Builder(title="Lettre de rejet", footer=f"{FOOTER} — rejet — v{{{{ document.version }}}}")
    letter_head(doc)
    doc.p(B("Objet : {{ tender.reference }}, lot {{ lot.number }} — information sur le rejet de votre offre"))
    doc.text("Madame, Monsieur,")
    doc.text(f"Vous avez présenté une offre pour le {LOT_LINE}. J'ai le regret de vous informer qu'elle n'a "
             "pas été retenue.")
    doc.tag("{%p if result.ranked %}")
    doc.text("Votre offre est classée au rang {{ result.rank }} sur {{ bid_count }}, avec une note globale de ",
             B("{{ result.total }} points sur 100"), ", détaillée ci-dessous :")
    _scores(doc, "result.scores")
    doc.tag("{%p else %}")
    doc.text("Votre offre a été écartée avant le classement : {{ result.reason }}")
    doc.tag("{%p endif %}")
    doc.text("Le marché est attribué à ", B("{{ winner.name }}"), ", dont l'offre obtient ",
             B("{{ winner.total }} points sur 100"), " pour un montant de {{ winner.amount_ht }} HT :")
    _scores(doc, "winner.scores")
    _standstill(doc)
    doc.text("Vous pouvez demander les caractéristiques et les avantages de l'offre retenue ; la réponse vous "
             "sera adressée dans les quinze jours suivant votre demande (article R.2181-2 du code de la "
             "commande publique). Le tribunal administratif peut être saisi d'un référé précontractuel "
             "jusqu'à la signature du marché.")
    _signature(doc)
    return doc


def award_letter() -> Builder:
    doc = Builder(title="Lettre d'attribution", footer=f"{FOOTER} — attribution — v{{{{ document.version }}}}")
    doc.p(B("{{ authority.name }}"))
    doc.p("{{ authority.address }}", size=9)
    doc.p("Affaire suivie par {{ tender.buyer_name }} — {{ tender.buyer_email }}", size=9)
    doc.p(B("{{ winner.name }}"), align="right")
    doc.p("{{ winner.address }}", align="right")
    doc.p("SIRET {{ winner.siret }}", align="right", size=9)
    doc.p("Le {{ sent_on }}", align="right")
    doc.p(B("Objet : {{ tender.reference }}, lot {{ lot.number }} — information de l'attributaire"))
    doc.text("Madame, Monsieur,")
    doc.text(f"J'ai l'honneur de vous informer que votre offre pour le {LOT_LINE} est retenue. Elle obtient ",
             B("{{ winner.total }} points sur 100"), " et la première place parmi les {{ bid_count }} offres "
             "classées, pour un montant de ", B("{{ winner.amount_ht }} HT"), " ({{ winner.amount_ht_words }} "
             "hors taxes).")
    _scores(doc, "winner.scores")
    doc.tag("{%p if standstill.required %}")
    doc.text("Les autres candidats sont informés du rejet de leur offre le même jour. Le marché ne peut être "
             "signé qu'après le délai de suspension, qui expire le {{ standstill.end }} : il vous sera "
             "adressé pour signature à compter du {{ standstill.signable_from }}.")
    doc.tag("{%p else %}")
    doc.text("Le marché vous sera adressé prochainement pour signature.")
    doc.tag("{%p endif %}")
    doc.text("Je vous remercie de tenir à jour, pendant toute la durée du marché, votre attestation de "
             "vigilance de l'URSSAF (tous les six mois) et vos certificats fiscaux et sociaux.")
    _signature(doc)
    return doc


def abandon_letter() -> Builder:
    doc = Builder(title="Lettre de déclaration sans suite",
                  footer="{{ tender.reference }} — lot {{ lot.number }} — sans suite — v{{ document.version }}")
    letter_head(doc)
    doc.p(B("Objet : {{ tender.reference }}, lot {{ lot.number }} — information sur la décision de l'acheteur"))
    doc.text("Madame, Monsieur,")
    doc.text(f"Vous avez présenté une offre pour le {LOT_LINE}. Je vous informe que l'acheteur a décidé de "
             "{{ decision.label }}.")
    doc.text(B("Motif : "), "{{ decision.reason }}")
    doc.text("Cette décision est prise en application des articles R.2185-1 et R.2185-2 du code de la "
             "commande publique. Elle ne donne lieu à aucune indemnisation des frais engagés pour présenter "
             "votre offre. Vous serez informé, le cas échéant, d'une nouvelle consultation portant sur le même "
             "besoin.")
    _signature(doc)
    return doc


def rapport_presentation() -> Builder:
    doc = Builder(title="Rapport de présentation",
                  footer="{{ tender.reference }} — lot {{ lot.number }} — rapport de présentation")
    doc.title("Rapport de présentation de la procédure", "Article R.2184-1 du code de la commande publique")
    doc.h("1. Acheteur et objet")
    doc.facts([
        ("Acheteur", "{{ authority.name }}, {{ authority.address }} (SIRET {{ authority.siret }})"),
        ("Consultation", "{{ tender.reference }} — {{ tender.object }}"),
        ("Lot", "{{ lot.number }} — {{ lot.title }}"),
        ("Forme et durée", "{{ tender.contract_form }} ; {{ tender.duration }}"),
        ("Valeur estimée du lot", "{{ lot.estimated_value }} HT, options et reconductions comprises"),
        ("Valeur estimée de la consultation", "{{ tender.estimated_value }} HT"),
    ])
    doc.h("2. Procédure")
    doc.text("Procédure : {{ tender.procedure }}, en application des {{ tender.procedure_basis }}. Avis de "
             "publicité envoyé le {{ deadlines.notice_sent_on }} ({{ tender.publicity }}). Date limite de "
             "réception des offres : {{ deadlines.bid_deadline }}.")
    doc.h("3. Ouverture des plis")
    doc.text("Les plis ont été ouverts le {{ opening.date }} en présence de : {{ opening.attendees }}. "
             "{{ bid_count }} offre(s) ont été classées.")
    doc.h("4. Offres écartées")
    doc.tag("{%p if rejected %}")
    doc.table(["Candidat", "Statut", "Motif"], [
        ["{%tr for bid in rejected %}"],
        ["{{ bid.name }}", "{{ bid.status }}", "{{ bid.reason }}"],
        ["{%tr endfor %}"],
    ], widths=[5.5, 3.5, 7.5])
    doc.tag("{%p else %}")
    doc.text("Aucune offre n'a été écartée avant le classement.")
    doc.tag("{%p endif %}")
    doc.h("5. Classement des offres")
    doc.table(["Rang", "Candidat", "SIRET", "Montant HT", "Note / 100"], [
        ["{%tr for row in ranking %}"],
        ["{{ row.rank }}", "{{ row.name }}", "{{ row.siret }}", "{{ row.amount_ht }}", "{{ row.total }}"],
        ["{%tr endfor %}"],
    ], widths=[1.5, 5.5, 3.5, 3.5, 2.5])
    doc.tag("{%p if not decision.final %}")
    doc.text("Le classement ci-dessus est provisoire : la notation n'était pas close à la date du rapport.")
    doc.tag("{%p endif %}")
    doc.h("6. Choix de l'attributaire")
    doc.text("Le lot est attribué le {{ decision.date }} à ", B("{{ winner.name }}"), " (SIRET {{ winner.siret }}), "
             "pour un montant de ", B("{{ winner.amount_ht }} HT"), " ({{ winner.amount_ht_words }} hors "
             "taxes), avec une note globale de {{ winner.total }} points sur 100.")
    doc.text(B("Motifs du choix : "), "{{ decision.reason }}")
    _scores(doc, "winner.scores")
    doc.h("7. Visa")
    doc.text("Rapport établi le {{ document.date }} (version {{ document.version }}). Pour {{ authority.name }}, "
             "le représentant du pouvoir adjudicateur.")
    return doc


BUILDERS = {
    "rejection_letter": rejection_letter,
    "award_letter": award_letter,
    "abandon_letter": abandon_letter,
    "rapport_presentation": rapport_presentation,
}
