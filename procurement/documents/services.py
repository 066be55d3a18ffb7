"""Template versions: upload (checked against the documented variables, then rendered on trial) and
the switch of the version in force. A refused upload leaves the version in force as it was.

The check (``template_verdict``) is the one rule for an upload, the data migration that re-checks the
stored versions, and every read of the version in force: a version that fails it is withdrawn and the
template shipped with the application is put in force instead. The renderer runs the same syntax check
on whatever it renders, so a version that slipped into the database by another way still runs nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from procurement.core.permissions import may, require
from procurement.core.uploads import validate_upload
from procurement.documents import catalog
from procurement.documents.enums import TemplateKind
from procurement.documents.models import TemplateVersion
from procurement.documents.rendering.docx import render_docx, variable_uses
from procurement.documents.rendering.errors import RenderError, UnsafeTemplate

UPLOAD_LABEL = "Modèle"
SHIPPED_NOTE = "Modèle livré avec l'application."
UNCHANGED = "La version en vigueur reste inchangée."


def shipped_template_path(kind: str) -> Path:
    """The template shipped with the application for ``kind`` (templates/docx/<kind>.docx)."""
    return Path(settings.BASE_DIR) / "templates" / "docx" / f"{kind}.docx"


@dataclass(frozen=True)
class TemplateVerdict:
    variables: tuple[str, ...] = ()
    code: str = ""
    reason: str = ""  # a French sentence; empty when the template passes

    @property
    def accepted(self) -> bool:
        return not self.reason


def template_verdict(*, kind: str, content: bytes) -> TemplateVerdict:
    """Checks a template of ``kind``: it only prints values (no call, no calculation, no private or
    ``__dunder__`` name, filters and tests from the allow-list), reads only the variables documented
    for ``kind``, and renders the catalog's examples. Nothing of the template runs before its syntax
    tree has passed the first two checks."""
    label = TemplateKind(kind).label
    try:
        uses = variable_uses(content)
    except RenderError as error:
        return TemplateVerdict(code="template_unsafe" if isinstance(error, UnsafeTemplate) else "template_syntax",
                               reason=str(error))
    allowed = catalog.names(kind)
    unknown = sorted(uses.keys() - allowed)
    if unknown:
        names = ", ".join(f"« {name} »" + (f" (dans « {uses[name]} »)" if uses[name] != name else "")
                          for name in unknown)
        return TemplateVerdict(
            code="unknown_variable",
            reason=f"il utilise la variable {names}, inconnue pour le type « {label} ». "
                   f"Variables possibles : {', '.join(sorted(allowed))}.",
        )
    try:
        render_docx(content, catalog.example_context(kind))
    except RenderError as error:
        return TemplateVerdict(code="trial_render", reason=f"l'essai avec les valeurs d'exemple échoue, {error}")
    return TemplateVerdict(variables=tuple(sorted(uses)))


# Verdicts of the versions read in force, by kind and content: a template is parsed once per process.
_VERDICTS: dict[tuple[str, str], TemplateVerdict] = {}


def stored_template_verdict(version: TemplateVersion) -> TemplateVerdict:
    """``template_verdict`` of a stored version, remembered by the digest of its actual content."""
    content = bytes(version.content)
    key = (version.kind, hashlib.sha256(content).hexdigest())
    if key not in _VERDICTS:
        if len(_VERDICTS) >= 256:
            _VERDICTS.clear()
        _VERDICTS[key] = template_verdict(kind=version.kind, content=content)
    return _VERDICTS[key]


def template_check(*, kind: str, content: bytes, name: str = "") -> list[str]:
    """The variables the template uses, or a ValidationError naming the first problem in French:
    an expression a template may not use, a variable outside the documented set of ``kind``, a
    malformed tag, or a failed trial render."""
    verdict = template_verdict(kind=kind, content=content)
    if not verdict.accepted:
        label = TemplateKind(kind).label
        prefix = f"« {UPLOAD_LABEL} » : le fichier « {name} »" if name else f"Le modèle « {label} »"
        raise ValidationError(f"{prefix} est refusé : {verdict.reason} {UNCHANGED}", code=verdict.code)
    return list(verdict.variables)


EDIT_REFUSED = ("Seuls les administrateurs déposent les modèles de documents et choisissent la version "
                "en vigueur.")


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
    require(may(by, "templates.edit"), EDIT_REFUSED)
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
    """Puts an earlier (or later) version of the same kind back in force, if it passes the check."""
    require(may(by, "templates.edit"), EDIT_REFUSED)
    list(TemplateVersion.objects.select_for_update().filter(kind=version.kind).only("pk"))
    version = TemplateVersion.objects.get(pk=version.pk)
    if version.withdrawn_reason:
        raise ValidationError(f"« {version} » a été retirée et ne peut pas être remise en vigueur : "
                              f"{version.withdrawn_reason}", code="withdrawn")
    verdict = stored_template_verdict(version)
    if not verdict.accepted:
        raise ValidationError(f"« {version} » ne peut pas être remise en vigueur : {verdict.reason} {UNCHANGED}",
                              code=verdict.code)
    return _switch_on(version)


def withdraw_version(*, model: type[TemplateVersion], version: TemplateVersion, reason: str,
                     now: datetime) -> TemplateVersion:
    """Takes ``version`` out of force for ``reason`` and, if it was in force, puts the shipped template
    of its kind in force instead (the stored copy of the shipped file, or a new version holding it).
    Returns the version in force. ``model`` is TemplateVersion, or its historical state in a migration."""
    was_active = version.active
    model.objects.filter(pk=version.pk).update(active=False, withdrawn_reason=reason, withdrawn_at=now)
    if not was_active:
        return model.objects.filter(kind=version.kind, active=True).first()
    content = shipped_template_path(version.kind).read_bytes()
    digest = hashlib.sha256(content).hexdigest()
    shipped = model.objects.filter(kind=version.kind, sha256=digest, withdrawn_reason="").order_by("-version").first()
    if shipped is not None:
        model.objects.filter(pk=shipped.pk).update(active=True)
        shipped.active = True
        return shipped
    last = model.objects.filter(kind=version.kind).aggregate(last=Max("version"))["last"] or 0
    return model.objects.create(
        kind=version.kind, version=last + 1, content=content, original_name=f"{version.kind}.docx", sha256=digest,
        variables=sorted(variable_uses(content)),
        note=f"{SHIPPED_NOTE} En vigueur à la place de la version {version.version}, retirée.", active=True,
    )


@transaction.atomic
def template_withdraw(*, version: TemplateVersion, reason: str) -> TemplateVersion:
    """Withdraws ``version`` (see ``withdraw_version``); returns the version now in force."""
    list(TemplateVersion.objects.select_for_update().filter(kind=version.kind).only("pk"))
    return withdraw_version(model=TemplateVersion, version=version, reason=reason, now=timezone.now())


@transaction.atomic
def shipped_template_register(*, kind: str) -> TemplateVersion:
    """Version 1 from the shipped file, for a database that has none of this kind (the data
    migration does it for every kind; this is the fallback at first use)."""
    active = TemplateVersion.objects.filter(kind=kind, active=True).first()
    if active is not None:
        return active
    latest = TemplateVersion.objects.filter(kind=kind, withdrawn_reason="").order_by("-version").first()
    if latest is not None:
        return _switch_on(latest)
    content = shipped_template_path(kind).read_bytes()
    return TemplateVersion.objects.create(
        kind=kind, version=_next_version(kind), content=content, original_name=f"{kind}.docx",
        sha256=hashlib.sha256(content).hexdigest(), variables=sorted(variable_uses(content)),
        note=SHIPPED_NOTE, active=True,
    )
