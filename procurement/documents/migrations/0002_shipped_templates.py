"""Registers the templates shipped in templates/docx/ as version 1 of each kind, in force."""

import hashlib
from pathlib import Path

from django.conf import settings
from django.db import migrations

KINDS = ["rc", "ccap", "cctp", "ae", "rejection_letter", "award_letter", "abandon_letter", "rapport_presentation"]


def register(apps, schema_editor):
    TemplateVersion = apps.get_model("documents", "TemplateVersion")
    folder = Path(settings.BASE_DIR) / "templates" / "docx"
    for kind in KINDS:
        if TemplateVersion.objects.filter(kind=kind).exists():
            continue
        content = (folder / f"{kind}.docx").read_bytes()
        TemplateVersion.objects.create(
            kind=kind, version=1, content=content, original_name=f"{kind}.docx",
            sha256=hashlib.sha256(content).hexdigest(), note="Modèle livré avec l'application.", active=True,
        )


def unregister(apps, schema_editor):
    apps.get_model("documents", "TemplateVersion").objects.filter(version=1, uploaded_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [migrations.RunPython(register, unregister)]
