"""The texts of the tender documents (DCE): RC, CCAP, CCTP and acte d'engagement, written for this
application. Variables: ``procurement/documents/catalog.py``."""

from __future__ import annotations

from builder import B, Builder

HEAD = "{{ tender.reference }} — {{ tender.object }}"


def _identity(doc: Builder) -> None:
    doc.facts([
        ("Acheteur", "{{ authority.name }}, {{ authority.address }} (SIRET {{ authority.siret }})"),
        ("Objet", "{{ tender.object }}"),
        ("Référence", "{{ tender.reference }}"),
        ("Procédure", "{{ tender.procedure }}"),
        ("Édition", "version {{ document.version }} du {{ document.date }}"),
    ])


def rc() -> Builder:
    doc = Builder(title="Règlement de la consultation", footer="{{ tender.reference }} — RC — v{{ document.version }}")
    doc.title("Règlement de la consultation", HEAD)
    _identity(doc)
    doc.p(B("Date et heure limites de réception des offres : {{ deadlines.bid_deadline }}"))

    doc.h("Article 1 — Objet et conditions de la consultation")
    doc.h("1.1 Objet", 2)
    doc.text("La consultation porte sur : {{ tender.object }}. Nature : {{ tender.nature }}. Code CPV principal : "
             "{{ tender.cpv_code }}. Lieu d'exécution : {{ tender.place }}.")
    doc.h("1.2 Procédure", 2)
    doc.text("La consultation est passée selon la procédure suivante : {{ tender.procedure }}, en application "
             "des {{ tender.procedure_basis }}. Publicité : {{ tender.publicity }}.")
    doc.tag("{%p if tender.mapa_negotiation %}")
    doc.text("L'acheteur se réserve la possibilité de négocier avec les candidats ayant présenté les trois "
             "meilleures offres au regard des critères ci-dessous ; il peut aussi attribuer le marché sur la "
             "base des offres initiales, sans négociation.")
    doc.tag("{%p endif %}")
    doc.h("1.3 Forme et durée du marché", 2)
    doc.text("Le marché prend la forme suivante : {{ tender.contract_form }}. Durée : {{ tender.duration }}. "
             "Les prestations sont exécutées selon le CCAG de référence : {{ tender.ccag }}.")
    doc.h("1.4 Allotissement", 2)
    doc.text("La consultation comprend {{ tender.lot_count }} lot(s). Chaque lot fait l'objet d'un marché distinct ; "
             "un candidat peut répondre à un ou plusieurs lots.")
    doc.table(["Lot", "Intitulé", "Description du besoin"], [
        ["{%tr for lot in lots %}"],
        ["{{ lot.number }}", "{{ lot.title }}", "{{ lot.description }}"],
        ["{%tr endfor %}"],
    ], widths=[1.5, 6, 9])
    doc.tag("{%p if tender.is_framework %}")
    doc.text("Chaque accord-cadre est conclu sans minimum et avec le montant maximum suivant par période :")
    doc.tag("{%p for lot in lots %}")
    doc.bullet("lot {{ lot.number }} : {{ lot.estimated_amount }} HT ({{ lot.estimated_amount_words }} hors taxes) ;")
    doc.tag("{%p endfor %}")
    doc.tag("{%p endif %}")
    doc.h("1.5 Variantes et validité des offres", 2)
    doc.text("Les variantes ne sont pas autorisées. Les offres sont valables {{ deadlines.offer_validity_days }} "
             "jours à compter de la date limite de réception des offres.")

    doc.h("Article 2 — Le dossier de consultation")
    doc.text("Le dossier de consultation est mis gratuitement à disposition sur le profil d'acheteur. Il comprend "
             "le présent règlement, le cahier des clauses administratives particulières (CCAP), le cahier des "
             "clauses techniques particulières (CCTP), un acte d'engagement par lot et le bordereau des prix "
             "unitaires valant détail quantitatif estimatif (BPU / DQE, un onglet par lot).")
    doc.text("Les candidats posent leurs questions par écrit sur le profil d'acheteur. Les réponses sont "
             "envoyées à tous les candidats au plus tard le {{ deadlines.answers_until }} pour les questions "
             "reçues en temps utile. L'acheteur peut apporter des modifications de détail au dossier ; la date "
             "limite est alors reportée si nécessaire.")

    doc.h("Article 3 — Contenu des plis")
    doc.h("3.1 Candidature", 2)
    doc.bullet("le document unique de marché européen (DUME) ou les formulaires DC1 et DC2 ;")
    doc.bullet("la déclaration sur l'honneur de ne pas entrer dans un cas d'exclusion ;")
    doc.bullet("les éléments sur les capacités économiques, financières, techniques et professionnelles ;")
    doc.bullet("le cas échéant, la déclaration de sous-traitance (DC4) pour chaque sous-traitant.")
    doc.h("3.2 Offre, pour chaque lot", 2)
    doc.bullet("l'acte d'engagement du lot, complété ;")
    doc.bullet("l'onglet du lot du BPU / DQE, complété sans modifier les cellules verrouillées ;")
    doc.bullet("un mémoire technique répondant à chacun des critères et sous-critères du lot.")

    doc.h("Article 4 — Jugement des offres")
    doc.text("Les offres irrégulières, inacceptables ou inappropriées sont écartées. Les offres sont notées sur "
             "100 points selon les critères pondérés ci-dessous ; l'offre économiquement la plus avantageuse, "
             "celle qui obtient la meilleure note globale, est retenue. Une offre qui paraît anormalement basse "
             "fait l'objet d'une demande de précisions avant toute décision.")
    doc.tag("{%p for lot in lots %}")
    doc.h("Lot {{ lot.number }} — {{ lot.title }}", 2)
    doc.table(["Critère", "Points", "Méthode de notation"], [
        ["{%tr for criterion in lot.criteria %}"],
        ["{{ criterion.name }}", "{{ criterion.points }}", "{{ criterion.method }}"],
        ["{%tr for child in criterion.children %}"],
        ["    dont {{ child.name }}", "{{ child.points }}", "{{ child.method }}"],
        ["{%tr endfor %}"],
        ["{%tr endfor %}"],
    ], widths=[5.5, 1.8, 9.2])
    doc.tag("{%p endfor %}")

    doc.h("Article 5 — Remise des offres")
    doc.text("Les plis sont transmis par voie électronique sur le profil d'acheteur avant le "
             "{{ deadlines.bid_deadline }}. Un pli reçu après cette date et cette heure est enregistré hors "
             "délai et n'est pas ouvert. Le candidat peut envoyer, dans le même délai, une copie de sauvegarde "
             "sur support physique ou électronique. La signature électronique n'est demandée qu'à l'attributaire.")

    doc.h("Article 6 — Attribution")
    doc.text("Avant l'attribution, le candidat retenu remet dans le délai fixé par l'acheteur l'attestation de "
             "vigilance de l'URSSAF de moins de six mois, les certificats fiscaux et sociaux et un extrait Kbis.")
    doc.tag("{%p if tender.formalised %}")
    doc.text("Les candidats dont l'offre n'est pas retenue en sont informés par voie électronique ; le marché "
             "n'est pas signé avant l'expiration d'un délai d'au moins onze jours à compter de cet envoi "
             "(articles R.2182-1 et R.2182-2 du code de la commande publique).")
    doc.tag("{%p endif %}")

    doc.h("Article 7 — Recours")
    doc.text("Le tribunal administratif dans le ressort duquel siège l'acheteur peut être saisi d'un référé "
             "précontractuel jusqu'à la signature du marché, puis d'un recours en contestation de la validité "
             "du contrat dans les deux mois suivant la publicité de l'attribution.")
    return doc


def ccap() -> Builder:
    doc = Builder(title="Cahier des clauses administratives particulières",
                  footer="{{ tender.reference }} — CCAP — v{{ document.version }}")
    doc.title("Cahier des clauses administratives particulières", HEAD)
    _identity(doc)
    doc.h("Article 1 — Objet et forme du marché")
    doc.text("Le présent cahier fixe les clauses administratives du marché : {{ tender.object }}. Le marché "
             "prend la forme suivante : {{ tender.contract_form }} ; modalités d'exécution : "
             "{{ tender.execution_modes }}. Il comprend {{ tender.lot_count }} lot(s) :")
    doc.table(["Lot", "Intitulé", "Montant HT par période", "En toutes lettres"], [
        ["{%tr for lot in lots %}"],
        ["{{ lot.number }}", "{{ lot.title }}", "{{ lot.estimated_amount }}", "{{ lot.estimated_amount_words }}"],
        ["{%tr endfor %}"],
    ], widths=[1.5, 6, 3.5, 5.5])
    doc.tag("{%p if tender.is_framework %}")
    doc.text("Pour chaque lot, ce montant est le maximum de l'accord-cadre par période ; les commandes sont "
             "passées par bons de commande au fur et à mesure des besoins, sans minimum.")
    doc.tag("{%p endif %}")
    doc.h("Article 2 — Pièces contractuelles")
    doc.text("Par ordre de priorité décroissante : l'acte d'engagement du lot, le présent CCAP, le CCTP, le "
             "bordereau des prix unitaires et le détail quantitatif estimatif, le {{ tender.ccag }}, le mémoire "
             "technique du titulaire.")
    doc.h("Article 3 — Durée")
    doc.text("Durée : {{ tender.duration }}. Le marché prend effet à sa notification.")
    doc.tag("{%p if tender.renewals %}")
    doc.text("Le marché est reconduit tacitement {{ tender.renewals }} fois au plus, par période de "
             "{{ tender.renewal_months }} mois. L'acheteur qui ne souhaite pas reconduire le notifie au "
             "titulaire au moins trois mois avant la fin de la période en cours ; le titulaire ne peut pas "
             "refuser la reconduction.")
    doc.tag("{%p endif %}")
    doc.h("Article 4 — Prix")
    doc.text("Forme du prix : {{ tender.price_form }}. Type de prix : {{ tender.price_types }}. Les prix "
             "comprennent toutes les charges et sujétions de l'exécution.")
    doc.tag("{%p if terms.revisable %}")
    doc.text("Les prix sont révisés à chaque date anniversaire de la notification selon la formule "
             "{{ terms.revision_formula }}, où P est le prix révisé, P0 le prix du bordereau, I0 la valeur de "
             "l'{{ terms.revision_index }} du mois de la date limite de réception des offres (mois zéro) et I "
             "la dernière valeur publiée à la date de révision. Le coefficient I / I0 est arrondi au millième "
             "supérieur. La révision s'applique aux commandes passées après la date anniversaire.")
    doc.tag("{%p else %}")
    doc.text("Les prix sont fermes pendant toute la durée du marché.")
    doc.tag("{%p endif %}")
    doc.h("Article 5 — Avance")
    doc.text("Lorsque le montant initial du lot dépasse {{ terms.advance_threshold }} HT et sa durée deux mois, "
             "une avance de {{ terms.advance_rate }} du montant est versée au titulaire, sauf s'il y renonce "
             "dans l'acte d'engagement ; elle est portée à {{ terms.advance_rate_sme }} pour une petite ou "
             "moyenne entreprise. Elle est remboursée par précompte sur les sommes dues.")
    doc.h("Article 6 — Facturation et paiement")
    doc.text("Les factures sont déposées sur Chorus Pro. Le délai global de paiement est de "
             "{{ terms.payment_days }} jours à compter de la réception de la facture, ou de la constatation "
             "du service fait si elle est postérieure. Son dépassement fait courir de plein droit, dès le "
             "lendemain de son expiration, des intérêts moratoires au taux de la Banque centrale européenne "
             "majoré de {{ terms.late_interest_margin }} points, et une indemnité forfaitaire pour frais de "
             "recouvrement de {{ terms.late_compensation }}.")
    doc.h("Article 7 — Pénalités")
    doc.text("En cas de retard d'exécution, le titulaire encourt, sans mise en demeure préalable, une pénalité "
             "calculée par la formule P = V × R / 1 000, où V est la valeur HT des prestations en retard et R "
             "le nombre de jours de retard. Une interruption du service en ligne de plus de 24 heures ouvre "
             "droit à une pénalité de 100 € HT par jour d'interruption. Les pénalités dont le montant total "
             "ne dépasse pas 1 000 € HT pour l'ensemble du marché ne sont pas appliquées.")
    doc.h("Article 8 — Résiliation et dérogations")
    doc.text("La résiliation obéit aux règles du {{ tender.ccag }}. Le présent CCAP ne déroge au CCAG que pour "
             "les articles 6 et 7 ci-dessus, qui le complètent.")
    return doc


def cctp() -> Builder:
    doc = Builder(title="Cahier des clauses techniques particulières",
                  footer="{{ tender.reference }} — CCTP — v{{ document.version }}")
    doc.title("Cahier des clauses techniques particulières", HEAD)
    _identity(doc)
    doc.h("Article 1 — Contexte")
    doc.text("{{ authority.name }} engage la présente consultation : {{ tender.object }}. Le présent cahier "
             "décrit le besoin de chaque lot et les prestations attendues, dont le bordereau des prix unitaires "
             "(BPU / DQE) donne le détail et les quantités estimées.")
    doc.tag("{%p for lot in lots %}")
    doc.h("Lot {{ lot.number }} — {{ lot.title }}")
    doc.h("Besoin", 2)
    doc.text("{{ lot.description }}")
    doc.h("Prestations attendues", 2)
    doc.tag("{%p if lot.prices %}")
    doc.text("Le titulaire exécute les prestations suivantes, rémunérées aux prix unitaires du bordereau ; les "
             "quantités sont estimées et n'engagent pas l'acheteur :")
    doc.table(["N° de prix", "Désignation", "Unité", "Quantité estimée"], [
        ["{%tr for item in lot.prices %}"],
        ["{{ item.number }}", "{{ item.label }}", "{{ item.unit }}", "{{ item.quantity }}"],
        ["{%tr endfor %}"],
    ], widths=[2.5, 8.5, 2.5, 3])
    doc.tag("{%p else %}")
    doc.text("Le titulaire exécute l'ensemble des prestations décrites ci-dessus, rémunérées par un prix global.")
    doc.tag("{%p endif %}")
    doc.h("Exigences", 2)
    doc.bullet("Niveau de service et délais : ceux auxquels le titulaire s'engage dans son mémoire technique, jugé "
               "au titre de la valeur technique ; ils ont valeur contractuelle.")
    doc.bullet("Formats et interopérabilité : les données et les notices sont livrées dans des formats ouverts et "
               "documentés (UNIMARC ou MARC 21, Dublin Core, CSV) et échangées avec le système de gestion des "
               "bibliothèques par des protocoles standard (OAI-PMH, SIP2 ou interface de programmation documentée).")
    doc.bullet("Statistiques d'usage : conformes au code de bonnes pratiques COUNTER (version 5 ou 5.1), mises à "
               "disposition chaque mois et récupérables par le protocole SUSHI lorsque le service le permet.")
    doc.tag("{%p endfor %}")
    doc.h("Article 2 — Exigences communes à tous les lots")
    doc.bullet("Accessibilité : les services en ligne respectent le référentiel général d'amélioration de "
               "l'accessibilité (RGAA).")
    doc.bullet("Données personnelles : le titulaire agit comme sous-traitant au sens du RGPD ; les données des "
               "usagers restent hébergées dans l'Union européenne.")
    doc.bullet("Réversibilité : en fin de marché, le titulaire restitue les données dans un format ouvert et "
               "documenté.")
    return doc


def ae() -> Builder:
    doc = Builder(title="Acte d'engagement",
                  footer="{{ tender.reference }} — AE lot {{ lot.number }} — v{{ document.version }}")
    doc.title("Acte d'engagement", "{{ tender.reference }} — lot {{ lot.number }} : {{ lot.title }}")
    doc.h("A. Objet")
    doc.facts([
        ("Acheteur", "{{ authority.name }}, {{ authority.address }}"),
        ("Consultation", "{{ tender.object }}"),
        ("Lot", "{{ lot.number }} — {{ lot.title }}"),
        ("Procédure", "{{ tender.procedure }}"),
        ("Forme du marché", "{{ tender.contract_form }}"),
        ("Durée", "{{ tender.duration }}"),
    ])
    doc.h("B. Engagement du titulaire")
    doc.tag("{%p if holder %}")
    doc.text("Le titulaire, ", B("{{ holder.name }}"), ", SIRET {{ holder.siret }}, {{ holder.address }}, "
             "s'engage à exécuter les prestations du lot aux conditions du marché.")
    doc.tag("{%p else %}")
    doc.text("Nom, raison sociale, adresse et SIRET du candidat : ……………………………………………………………………")
    doc.text("s'engage, sur la base de son offre, à exécuter les prestations du lot aux conditions du marché.")
    doc.tag("{%p endif %}")
    doc.h("C. Prix")
    doc.tag("{%p if offer %}")
    doc.facts([
        ("Montant HT", "{{ offer.amount_ht }}"),
        ("En toutes lettres", "{{ offer.amount_ht_words }} hors taxes"),
        ("Taux de TVA", "{{ offer.vat_rate }}"),
        ("Montant TTC", "{{ offer.amount_ttc }}"),
        ("En toutes lettres", "{{ offer.amount_ttc_words }} toutes taxes comprises"),
    ])
    doc.tag("{%p else %}")
    doc.text("Montant HT de l'offre (détail quantitatif estimatif) : …………………… €, en toutes lettres : "
             "……………………………………………………… ; taux de TVA : ……… %.")
    doc.tag("{%p endif %}")
    doc.tag("{%p if tender.is_framework %}")
    doc.text("Montant maximum de l'accord-cadre par période : ", B("{{ lot.estimated_amount }} HT"),
             " ({{ lot.estimated_amount_words }} hors taxes).")
    doc.tag("{%p endif %}")
    doc.h("D. Avance")
    doc.text("Le titulaire renonce à l'avance : ☐ oui ☐ non.")
    doc.h("E. Signature du titulaire")
    doc.text("Fait à ……………………, le ……………………  Nom, qualité et signature du représentant habilité :")
    doc.p("")
    doc.h("F. Acceptation de l'offre par l'acheteur")
    doc.text("La présente offre est acceptée. Pour {{ authority.name }}, le représentant du pouvoir "
             "adjudicateur, à ……………………, le ……………………")
    return doc


BUILDERS = {"rc": rc, "ccap": ccap, "cctp": cctp, "ae": ae}
