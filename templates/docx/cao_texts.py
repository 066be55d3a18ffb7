"""The text of the CAO's minutes (procès-verbal), written for this application.
Variables: ``procurement/documents/catalog.py``."""

from __future__ import annotations

from builder import B, Builder


def cao_minutes() -> Builder:
    doc = Builder(title="Procès-verbal de la commission d'appel d'offres",
                  footer="CAO du {{ meeting.held_on }} — procès-verbal")
    doc.p(B("{{ authority.name }}"))
    doc.p("{{ authority.address }}", size=9)
    doc.title("Commission d'appel d'offres", "Procès-verbal de la réunion du {{ meeting.held_on }} à "
              "{{ meeting.held_time }}")
    doc.facts([
        ("Convocation", "{{ meeting.convened_on }}"),
        ("Consultations à l'ordre du jour", "{{ meeting.tenders }}"),
        ("Membres à voix délibérative présents", "{{ meeting.voting_present }} sur {{ meeting.voting_seats }}"),
    ])
    doc.h("Composition et quorum")
    doc.text("{{ meeting.validity }}")
    doc.tag("{%p if meeting.second_convocation %}")
    doc.text("La commission, réunie le {{ meeting.previous_on }} sans atteindre le quorum, a été convoquée à "
             "nouveau (article L.1411-5 du code général des collectivités territoriales).")
    doc.tag("{%p endif %}")
    doc.p(B("Membres présents"))
    doc.table(["Nom", "Siège", "Qualité"], [
        ["{%tr for member in present %}"],
        ["{{ member.name }}", "{{ member.role }}", "{{ member.title }}"],
        ["{%tr endfor %}"],
    ], widths=[5, 4, 7.5])
    doc.p(B("Membres absents ou excusés"))
    doc.table(["Nom", "Siège", "Qualité"], [
        ["{%tr for member in absent %}"],
        ["{{ member.name }}", "{{ member.role }}", "{{ member.title }}"],
        ["{%tr endfor %}"],
    ], widths=[5, 4, 7.5])
    doc.h("Décisions")
    doc.tag("{%p for decision in decisions %}")
    doc.h("{{ decision.tender }}, lot {{ decision.lot_number }} : {{ decision.lot_title }}", level=2)
    doc.text("{{ decision.tender_object }}")
    doc.tag("{%p if decision.bidder %}")
    doc.text("Décision : ", B("{{ decision.outcome }}"), " à ", B("{{ decision.bidder }}"),
             " pour un montant de {{ decision.amount_ht }} HT.")
    doc.tag("{%p else %}")
    doc.text("Décision : ", B("{{ decision.outcome }}"), ".")
    doc.tag("{%p endif %}")
    doc.text("Motivation : {{ decision.reason }}")
    doc.tag("{%p if decision.difference_reason %}")
    doc.text("L'offre retenue n'est pas la première du classement ; motif : {{ decision.difference_reason }}")
    doc.tag("{%p endif %}")
    doc.tag("{%p endfor %}")
    doc.h("Observations")
    doc.text("{{ meeting.notes }}")
    doc.p("Le président de la commission", align="right")
    return doc


BUILDERS = {"cao_minutes": cao_minutes}
