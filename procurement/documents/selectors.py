"""Reads on template versions."""

from __future__ import annotations

from django.db.models import QuerySet

from procurement.documents import catalog
from procurement.documents.enums import TemplateKind
from procurement.documents.models import TemplateVersion


def active_template(kind: str) -> TemplateVersion:
    """The version in force for ``kind``; the shipped one is registered at first use if none is, and put
    in force instead of a stored version that fails the upload check (which is withdrawn)."""
    version = TemplateVersion.objects.filter(kind=kind, active=True).first()
    return _usable(kind, version)


def active_templates(kinds) -> dict[str, TemplateVersion]:
    """The versions in force for ``kinds``, in one query when they are all there."""
    found = {version.kind: version for version in TemplateVersion.objects.filter(kind__in=kinds, active=True)}
    return {kind: _usable(kind, found.get(kind)) for kind in kinds}


def _usable(kind: str, version: TemplateVersion | None) -> TemplateVersion:
    from procurement.documents import services

    if version is None:
        return services.shipped_template_register(kind=kind)
    verdict = services.stored_template_verdict(version)
    if not verdict.accepted:
        return services.template_withdraw(version=version, reason=verdict.reason)
    return version


def template_versions(kind: str | None = None) -> QuerySet[TemplateVersion]:
    """Every version, newest first, without their content (for lists)."""
    versions = TemplateVersion.objects.defer("content").select_related("uploaded_by")
    if kind:
        versions = versions.filter(kind=kind)
    return versions.order_by("kind", "-version")


def variables_page() -> list[dict]:
    """Per kind: its label, its documented variables (flattened), its versions."""
    versions: dict[str, list[TemplateVersion]] = {}
    for version in template_versions():
        versions.setdefault(version.kind, []).append(version)
    return [
        {
            "kind": kind, "label": label,
            "rows": [row for variable in catalog.variables(kind) for row in variable.rows()],
            "versions": versions.get(kind, []),
        }
        for kind, label in TemplateKind.choices
    ]


def template_version_get(*, kind: str, version: int, with_content: bool = True) -> TemplateVersion:
    """One version of a template; 404 otherwise (without its file's bytes when they are not needed)."""
    from django.shortcuts import get_object_or_404

    versions = TemplateVersion.objects.all() if with_content else TemplateVersion.objects.defer("content")
    return get_object_or_404(versions, kind=kind, version=version)
