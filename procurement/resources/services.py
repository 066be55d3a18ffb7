"""The business rules of the resources app: importing COUNTER reports (replace, never double),
the libraries and resources reference, the SUSHI credentials and the renewal decisions that drive
the contracts through the contracts services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from procurement.contracts.enums import RenewalDecisionKind, RenewalMode
from procurement.contracts.services.renewals import renewal_decide, renewal_decision_check
from procurement.core.permissions import may, require
from procurement.resources.abilities import can_act, list_abilities
from procurement.resources.counter.reader import ParsedReport, read_report
from procurement.resources.enums import ReportSource, ResourceDecision
from procurement.resources.models import (
    InstitutionIdentifier,
    Library,
    Platform,
    Resource,
    ResourceRenewalDecision,
    SushiCredential,
    UsageCount,
    UsageReport,
)

if TYPE_CHECKING:
    from procurement.contracts.models import Contract

IMPORT_REFUSED = "Seuls les acheteurs importent les rapports d'usage COUNTER."
REFERENCE_REFUSED = "Seuls les acheteurs tiennent les bibliothèques et leurs accès SUSHI."


def match_library(institution: str) -> Library | None:
    """The library one of whose identifiers appears in the report's Institution_ID."""
    from procurement.resources.counter.reader import institution_tokens

    tokens = institution_tokens(institution)
    found = InstitutionIdentifier.objects.filter(value__in=tokens).select_related("library").first()
    return found.library if found else None


@transaction.atomic
def usage_report_save(*, parsed: ParsedReport, source: str = ReportSource.FILE, file_name: str = "", by,
                      now=None) -> UsageReport:
    """Saves a read report; the same report type, platform, institution and period replaces the
    previous import (its counts are deleted with it). A platform or institution the app does not
    know is kept, listed as unmatched."""
    require(list_abilities(by)["import"], IMPORT_REFUSED)
    UsageReport.objects.filter(report_id=parsed.report_id, platform_name=parsed.platform,
                               institution=parsed.institution, begin=parsed.begin, end=parsed.end).delete()
    report = UsageReport(
        report_id=parsed.report_id, release=parsed.release, platform_name=parsed.platform,
        platform=Platform.objects.filter(name__iexact=parsed.platform).first(), institution=parsed.institution,
        institution_name=parsed.institution_name[:300], library=match_library(parsed.institution),
        begin=parsed.begin, end=parsed.end, rows=parsed.rows, source=source, file_name=file_name[:300],
        imported_at=now or timezone.now(), imported_by=by,
    )
    report.full_clean()
    report.save()
    UsageCount.objects.bulk_create(
        UsageCount(report=report, month=month, metric=metric, value=value)
        for (month, metric), value in parsed.counts.items()
    )
    return report


@transaction.atomic
def usage_reports_save_many(*, items: list[tuple[ParsedReport, str]], by, now=None) -> list[UsageReport]:
    """``usage_report_save`` for many reports at once (the demo's hundreds of files): the same
    replacement rule, in a fixed number of queries."""
    from procurement.resources.counter.reader import institution_tokens

    require(list_abilities(by)["import"], IMPORT_REFUSED)
    now = now or timezone.now()
    platforms = {platform.name.lower(): platform for platform in Platform.objects.all()}
    identifiers = dict(InstitutionIdentifier.objects.values_list("value", "library_id"))
    keys = {(p.report_id, p.platform, p.institution, p.begin, p.end) for p, _ in items}
    existing = UsageReport.objects.filter(report_id__in={k[0] for k in keys}, platform_name__in={k[1] for k in keys},
                                          begin__in={k[3] for k in keys}, end__in={k[4] for k in keys})
    stale = [pk for pk, *key in existing.values_list("pk", "report_id", "platform_name", "institution", "begin", "end")
             if tuple(key) in keys]
    UsageReport.objects.filter(pk__in=stale).delete()
    reports = []
    for parsed, file_name in items:
        library_id = next((identifiers[token] for token in institution_tokens(parsed.institution)
                           if token in identifiers), None)
        report = UsageReport(
            report_id=parsed.report_id, release=parsed.release, platform_name=parsed.platform,
            platform=platforms.get(parsed.platform.lower()), institution=parsed.institution,
            institution_name=parsed.institution_name[:300], library_id=library_id, begin=parsed.begin,
            end=parsed.end, rows=parsed.rows, source=ReportSource.FILE, file_name=file_name[:300], imported_at=now,
            imported_by=by,
        )
        report.clean_fields(exclude=["platform", "library", "imported_by"])
        reports.append(report)
    UsageReport.objects.bulk_create(reports)
    UsageCount.objects.bulk_create(
        UsageCount(report=report, month=month, metric=metric, value=value)
        for report, (parsed, _) in zip(reports, items, strict=True) for (month, metric), value in parsed.counts.items()
    )
    return reports


def usage_report_import(*, path: str | Path, by, now=None) -> tuple[UsageReport, ParsedReport]:
    """Reads then saves the report at ``path``. A malformed file raises CounterError and saves nothing."""
    require(list_abilities(by)["import"], IMPORT_REFUSED)
    parsed = read_report(path)
    return usage_report_save(parsed=parsed, file_name=Path(path).name, by=by, now=now), parsed


@transaction.atomic
def library_upsert(*, code: str, name: str, commune: str, population: int, is_network_head: bool = False,
                   identifiers: list[str] = (), by) -> Library:
    require(may(by, "resources.act"), REFERENCE_REFUSED)
    library = Library.objects.filter(code=code).first() or Library(code=code)
    library.name, library.commune, library.population = name, commune, population
    library.is_network_head = is_network_head
    from procurement.resources.models import tier_for

    library.tier = tier_for(population)
    library.full_clean()
    library.save()
    for value in identifiers:
        identifier = InstitutionIdentifier.objects.filter(value=value).first() or InstitutionIdentifier(value=value)
        identifier.library = library
        identifier.full_clean()
        identifier.save()
    return library


@transaction.atomic
def resource_upsert(*, name: str, kind: str, platform_name: str, report_id: str, publisher: str = "",
                    contract: Contract | None = None, share_percent: Decimal = Decimal("100"),
                    metric: str = "") -> Resource:
    """Creates or updates the resource called ``name``; its platform, matched by name, is created if new."""
    platform, _ = Platform.objects.get_or_create(name=platform_name)
    resource = Resource.objects.filter(name=name).first() or Resource(name=name)
    resource.kind, resource.platform, resource.publisher = kind, platform, publisher
    resource.contract, resource.share_percent = contract, share_percent
    resource.report_id, resource.metric = report_id, metric
    resource.full_clean()
    resource.save()
    return resource


@transaction.atomic
def sushi_credential_set(*, platform: Platform, library: Library, customer_id: str, requestor_id: str = "",
                         api_key: str = "", by) -> SushiCredential:
    """Creates or updates an account; an empty ``requestor_id`` or ``api_key`` keeps the stored one
    (the forms never send it back)."""
    require(may(by, "resources.act"), REFERENCE_REFUSED)
    credential = (SushiCredential.objects.filter(platform=platform, library=library).first()
                  or SushiCredential(platform=platform, library=library))
    credential.customer_id = customer_id.strip()
    if requestor_id.strip():
        credential.requestor_id = requestor_id.strip()
    if api_key.strip():
        credential.api_key = api_key.strip()
    credential.full_clean()
    credential.save()
    return credential


@transaction.atomic
def resource_renewal_decide(*, resource: Resource, decision: str, reason: str, by, year: int,
                            today: date | None = None) -> ResourceRenewalDecision:
    """Records the decision on the next renewal of the contract that buys ``resource``, with the
    figures it was taken on, and drives the contract through ``renewal_decide``: a refusal stops a
    tacit renewal (before the notice deadline), a decision to renew is the express decision. A tacit
    renewal that is kept needs nothing on the contract: the clock renews it."""
    from procurement.contracts.models import Contract
    from procurement.resources.selectors import resource_value

    require(can_act(by), "Seuls les acheteurs enregistrent une décision de reconduction.")
    today = today or timezone.localdate()
    if resource.contract_id is None:
        raise ValidationError("Cette ressource n'est rattachée à aucun marché.")
    if decision not in ResourceDecision.values:
        raise ValidationError({"decision": "Choisissez « Reconduire » ou « Ne pas reconduire »."})
    if not reason.strip():
        raise ValidationError({"reason": "Motivez la décision (coût par usage, usage par strate…)."})
    contract = Contract.objects.get(pk=resource.contract_id)
    number = contract.renewal_count + 1
    contract_row = None
    if not (contract.renewal_mode == RenewalMode.TACIT and decision == ResourceDecision.RENEW):
        kind = RenewalDecisionKind.RENEW if decision == ResourceDecision.RENEW else RenewalDecisionKind.REFUSE
        contract_row = renewal_decide(contract=contract, decision=kind, by=by, reason=reason.strip(), today=today)
    else:
        # Keeping a tacit renewal records nothing on the contract, but passes the same guard.
        renewal_decision_check(contract, today=today)
    value = resource_value(resource=resource, year=year)
    row = ResourceRenewalDecision(
        resource=resource, contract=contract, renewal_number=number, decision=decision, reason=reason.strip(),
        year=year, cost_ttc=value.cost_ttc, uses=value.uses, metric=value.metric, cost_per_use=value.cost_per_use,
        contract_decision=contract_row, decided_on=today, by=by,
    )
    row.full_clean()
    row.save()
    return row
