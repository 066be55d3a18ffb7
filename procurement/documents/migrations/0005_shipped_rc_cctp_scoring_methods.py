"""The shipped RC now states how each criterion is scored, and the shipped CCTP has no bracketed
placeholder left: a database whose RC or CCTP in force is an earlier shipped version gets the new one
as its next version, in force. A template uploaded by a user stays in force (the « Prête » guard names
any placeholder it leaves)."""

import hashlib
from pathlib import Path

from django.conf import settings
from django.db import migrations
from django.db.models import Max

SHIPPED_NOTE = "Modèle livré avec l'application."


def upgrade(apps, schema_editor):
    from procurement.documents.rendering import variable_uses

    TemplateVersion = apps.get_model("documents", "TemplateVersion")
    folder = Path(settings.BASE_DIR) / "templates" / "docx"
    for kind in ("rc", "cctp"):
        active = TemplateVersion.objects.filter(kind=kind, active=True).first()
        if active is None or active.uploaded_by_id is not None or not active.note.startswith(SHIPPED_NOTE):
            continue
        content = (folder / f"{kind}.docx").read_bytes()
        digest = hashlib.sha256(content).hexdigest()
        if active.sha256 == digest:
            continue
        last = TemplateVersion.objects.filter(kind=kind).aggregate(last=Max("version"))["last"] or 0
        TemplateVersion.objects.filter(kind=kind, active=True).update(active=False)
        TemplateVersion.objects.create(
            kind=kind, version=last + 1, content=content, original_name=f"{kind}.docx", sha256=digest,
            variables=sorted(variable_uses(content)), active=True,
            note=f"{SHIPPED_NOTE} Méthode de notation de chaque critère (RC), CCTP sans parties entre crochets.",
        )


class Migration(migrations.Migration):
    dependencies = [("documents", "0004_withdraw_unsafe_templates")]

    operations = [migrations.RunPython(upgrade, migrations.RunPython.noop)]
