"""Template versions: upload (checked against the documented variables, then rendered on trial) and
the switch of the version in force. A refused upload leaves the version in force as it was."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from procurement.core.uploads import validate_upload
from procurement.documents import catalog
from procurement.documents.enums import TemplateKind
from procurement.documents.models import TemplateVersion
from procurement.documents.rendering import RenderError, find_variables, render_docx

UPLOAD_LABEL = "Modèle"


def shipped_template_path(kind: str) -> Path:
    """The template shipped with the application for ``kind`` (templates/docx/<kind>.docx)."""
    return Path(settings.BASE_DIR) / "templates" / "docx" / f"{kind}.docx"


def template_check(*, kind: str, content: bytes, name: str = "") -> list[str]:
    """The variables the template uses, or a ValidationError naming the first problem in French:
    a variable outside the documented set of ``kind``, a malformed tag, or a failed trial render."""
    label = TemplateKind(kind).label
    prefix = f"« {UPLOAD_LABEL} » : le fichier « {name} »" if name else f"Le modèle « {label} »"
    try:
        used = find_variables(content)
    except RenderError as error:
        raise ValidationError(f"{prefix} est refusé : {error}", code="template_syntax") from error
    allowed = catalog.names(kind)
    unknown = sorted(used - allowed)
    if unknown:
        names = ", ".join(f"« {variable} »" for variable in unknown)
        raise ValidationError(
            f"{prefix} est refusé : il utilise la variable {names}, inconnue pour le type « {label} ». "
            f"Variables possibles : {', '.join(sorted(allowed))}. La version en vigueur reste inchangée.",
            code="unknown_variable",
        )
    try:
        render_docx(content, catalog.example_context(kind))
    except RenderError as error:
        raise ValidationError(
            f"{prefix} est refusé : l'essai avec les valeurs d'exemple échoue, {error} "
            "La version en vigueur reste inchangée.",
            code="trial_render",
        ) from error
    return sorted(used)


def _next_version(kind: str) -> int:
    return (TemplateVersion.objects.filter(kind=kind).aggregate(last=Max("version"))["last"] or 0) + 1


def _switch_on(version: TemplateVersion) -> TemplateVersion:
    TemplateVersion.objects.filter(kind=version.kind, active=True).exclude(pk=version.pk).update(active=False)
    if not version.active:
        version.active = True
        version.save(update_fields=["active"])
    return version


@transaction.atomic
def template_upload(*, kind: str, file, by, note: str = "") -> TemplateVersion:
    """Registers ``file`` as the next version of ``kind`` and puts it in force, once checked."""
    if kind not in TemplateKind.values:
        raise ValidationError({"kind": f"Type de modèle inconnu : {kind}."})
    validate_upload(file, label=UPLOAD_LABEL, allowed=(".docx",))
    file.seek(0)
    content = file.read()
    name = file.name.rsplit("/", 1)[-1]
    used = template_check(kind=kind, content=content, name=name)
    # Serialise uploads of the same kind: the version numbers and the switch stay consistent.
    list(TemplateVersion.objects.select_for_update().filter(kind=kind).only("pk"))
    version = TemplateVersion.objects.create(
        kind=kind, version=_next_version(kind), content=content, original_name=name,
        sha256=hashlib.sha256(content).hexdigest(), variables=used, note=note.strip()[:300], uploaded_by=by,
    )
    return _switch_on(version)


@transaction.atomic
def template_activate(*, version: TemplateVersion, by) -> TemplateVersion:
    """Puts an earlier (or later) version of the same kind back in force."""
    list(TemplateVersion.objects.select_for_update().filter(kind=version.kind).only("pk"))
    return _switch_on(TemplateVersion.objects.get(pk=version.pk))


@transaction.atomic
def shipped_template_register(*, kind: str) -> TemplateVersion:
    """Version 1 from the shipped file, for a database that has none of this kind (the data
    migration does it for every kind; this is the fallback at first use)."""
    active = TemplateVersion.objects.filter(kind=kind, active=True).first()
    if active is not None:
        return active
    latest = TemplateVersion.objects.filter(kind=kind).order_by("-version").first()
    if latest is not None:
        return _switch_on(latest)
    content = shipped_template_path(kind).read_bytes()
    return TemplateVersion.objects.create(
        kind=kind, version=1, content=content, original_name=f"{kind}.docx",
        sha256=hashlib.sha256(content).hexdigest(), variables=sorted(find_variables(content)),
        note="Modèle livré avec l'application.", active=True,
    )
