"""The scale bench's lines: every page, API list and command measured, the role that uses it, its budget
against the peer (the admin's tender changelist), and the verdict of its figures."""

from __future__ import annotations

from dataclasses import dataclass, field

PAGE, FINANCE, DECP, CRON = "page", "finance", "decp", "cron"
BUDGETS = {PAGE: 2.5, FINANCE: 8.0, DECP: 40.0, CRON: None}  # the cron commands are timed, without a budget
PEER = "admin : liste des consultations"


@dataclass
class Line:
    name: str
    kind: str            # PAGE, FINANCE or DECP: the budget
    role: str            # buyer, finance, evaluator, admin
    url: str = ""        # a page or an API list
    command: tuple = ()  # or a management command and its arguments
    once: bool = False   # timed once, without warm-up (a command too long to repeat)


@dataclass
class Figure:
    median_ms: float
    queries: int
    runs: int
    peer_ms: float = 0.0  # the peer's median, measured between this line's runs
    ratio: float = 0.0
    gunicorn_ms: float | None = None
    gunicorn_ratio: float | None = None
    verdict: str = ""
    reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # said beside the verdict, without changing it


def lines() -> list[Line]:
    """Every measured line; the pages of one grown tender and one grown contract once they exist (the same
    objects at every larger fraction: growing keeps what it made)."""
    from django.db.models import Count
    from django.urls import reverse

    from procurement.contracts.models import Contract
    from procurement.demo.loaders.scale import TENDER_PREFIX
    from procurement.programmes.models import Programme
    from procurement.tenders.enums import TenderState
    from procurement.tenders.models import Tender

    demo = Tender.objects.exclude(reference__startswith=TENDER_PREFIX).filter(
        state=TenderState.COMPLETED).order_by("reference").first() or Tender.objects.order_by("pk").first()
    programme = Programme.objects.order_by("pk").first()
    grown_tender = Tender.objects.filter(reference__startswith=TENDER_PREFIX, state=TenderState.COMPLETED).annotate(
        lot_count=Count("lots")).filter(lot_count=6).order_by("pk").first()
    grown_contract = Contract.objects.filter(reference__startswith=TENDER_PREFIX, is_framework=True).annotate(
        order_count=Count("orders")).filter(order_count__gte=10).order_by("pk").first()

    def page(name, url_name, role="buyer", kind=PAGE, args=(), query=""):
        return Line(name, kind, role, reverse(url_name, args=args) + query)

    def api(name, path, role="buyer", kind=PAGE):
        return Line(name, kind, role, path)

    return [
        Line(PEER, PAGE, "admin", reverse("admin:tenders_tender_changelist")),
        page("accueil", "home"),
        page("liste des consultations", "tenders:list"),
        page("consultation (démo)", "tenders:detail", args=[demo.reference]),
        *([page("consultation grandie (6 lots)", "tenders:detail", args=[grown_tender.reference])]
          if grown_tender else []),
        page("programme (tableau de bord)", "dashboards:programme-detail", args=[programme.reference]),
        page("programme (fiche)", "programmes:detail", args=[programme.reference]),
        page("tableau de bord finances", "dashboards:finance-overview", "finance", FINANCE),
        page("finances par ligne", "dashboards:finance-lines", "finance", FINANCE),
        page("finances par marché", "dashboards:finance-contracts", "finance", FINANCE),
        page("export finances .xlsx", "dashboards:finance-xlsx", "finance", FINANCE),
        page("export finances .pdf", "dashboards:finance-pdf", "finance", FINANCE),
        Line("commitments 2025-2034", FINANCE, "finance", command=("commitments", "--year-from", "2025",
                                                                     "--year-to", "2034")),
        Line("export_decp", DECP, "admin", command=("export_decp",)),
        Line("cron : close_due_tenders", CRON, "admin", command=("close_due_tenders",)),
        Line("cron : renew_due_contracts", CRON, "admin", command=("renew_due_contracts",)),
        Line("cron : send_reminders --days 15", CRON, "admin", command=("send_reminders", "--days", "15")),
        Line("cron : backup", CRON, "admin", command=("backup",), once=True),
        page("liste des factures", "contracts:invoices", "finance"),
        page("liste des marchés", "contracts:list"),
        *([page("marché grandi (accord-cadre)", "contracts:detail", args=[grown_contract.reference])]
          if grown_contract else []),
        page("liste des fournisseurs", "vendors:list"),
        page("attestations à échéance", "vendors:expiring"),
        page("liste des programmes", "programmes:list"),
        page("délibérations", "programmes:council-acts"),
        page("indices de prix", "contracts:indices"),
        page("CAO (réunions)", "tenders:cao-meetings", args=[programme.authority_id]),
        page("mes évaluations", "tenders:my-evaluations", "evaluator"),
        page("ressources en ligne", "resources:list"),
        page("données de référence", "core:reference-values"),
        api("/api/tenders/", "/api/tenders/"),
        api("/api/lots/", "/api/lots/"),
        api("/api/criteria/", "/api/criteria/"),
        api("/api/bids/", "/api/bids/"),
        api("/api/vendors/", "/api/vendors/"),
        api("/api/contracts/", "/api/contracts/"),
        api("/api/orders/", "/api/orders/"),
        api("/api/invoices/", "/api/invoices/", "finance"),
        api("/api/agenda/", "/api/agenda/"),
        api("/api/commitments/", "/api/commitments/?year_from=2025&year_to=2034", "finance", FINANCE),
        api("/api/decp/", "/api/decp/", "buyer", DECP),
        api("/api/ocds/", "/api/ocds/", "buyer", DECP),
    ]


def judge(line: Line, figure: Figure, *, demo_queries: int | None, grown: tuple[str, int] | None = None) -> None:
    """OK, or OVER with the reasons: the time against the peer beyond the budget; for pages, API lists and
    the DECP, another number of queries than at the first grown fraction (``grown``: its label and the
    line's queries there), or than at the demo when no grown fraction was measured before. A line whose
    queries are constant from the first grown fraction on is OK even where the demo made fewer: the demo
    leaves some lists empty, and a prefetch does not run for an empty list; a note says so."""
    if figure.verdict == "ERREUR":
        return
    figure.ratio = figure.median_ms / figure.peer_ms if figure.peer_ms else 0.0
    budget = BUDGETS[line.kind]
    if budget is None:
        figure.verdict = "mesuré"
        return
    if line.name != PEER and figure.ratio > budget:
        figure.reasons.append(f"{figure.ratio:.1f} × > {budget:g} ×")
    if line.kind in (PAGE, DECP):
        if grown is not None:
            where, queries = grown
            if figure.queries != queries:
                figure.reasons.append(f"{figure.queries} requêtes ≠ {queries} à {where}")
            elif demo_queries is not None and queries != demo_queries:
                figure.notes.append(f"{queries} requêtes dès {where}, {demo_queries} à la démo aux listes vides")
        elif demo_queries is not None and figure.queries != demo_queries:
            figure.reasons.append(f"{figure.queries} requêtes ≠ {demo_queries}")
    figure.verdict = "OVER" if figure.reasons else "OK"
