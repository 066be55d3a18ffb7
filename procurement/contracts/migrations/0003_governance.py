"""The authorisation to sign becomes a link to the council's delegation or deliberation
(programmes.CouncilAct). Existing free-text authorisations are kept: each distinct (reference, date)
becomes a deliberation of the contract's buyer, without amount limit, named after the text."""

import django.db.models.deletion
from django.db import migrations, models

FK_HELP = "La délégation du conseil à l'exécutif, ou la délibération, qui autorise la signature."


def _kind(reference: str) -> str:
    text = reference.lower()
    return "delegation" if ("délégation" in text or "décision" in text) else "deliberation"


def forwards(apps, schema_editor):
    Contract = apps.get_model("contracts", "Contract")
    CouncilAct = apps.get_model("programmes", "CouncilAct")
    Authority = apps.get_model("programmes", "Authority")
    contracts = Contract.objects.exclude(signature_authorisation_reference="").select_related(
        "lot__tender__programme")
    for contract in contracts:
        programme = contract.lot.tender.programme
        authority_id = programme.authority_id if programme else None
        if authority_id is None:
            first = Authority.objects.order_by("pk").first()
            if first is None:
                continue  # nothing to attach the act to: the contract will ask for its authorisation again
            authority_id = first.pk
        reference = contract.signature_authorisation_reference.strip()[:60]
        adopted_on = contract.signature_authorisation_on or contract.signed_on or contract.start_date
        act, _ = CouncilAct.objects.get_or_create(
            authority_id=authority_id, reference=reference,
            defaults={"kind": _kind(reference), "adopted_on": adopted_on, "valid_from": adopted_on,
                      "object": f"Reprise de l'autorisation de signer saisie : {reference}",
                      "tender_references": []},
        )
        contract.signature_authorisation_id = act.pk
        contract.save(update_fields=["signature_authorisation"])


def backwards(apps, schema_editor):
    Contract = apps.get_model("contracts", "Contract")
    for contract in Contract.objects.exclude(signature_authorisation=None).select_related("signature_authorisation"):
        act = contract.signature_authorisation
        contract.signature_authorisation_reference = act.reference[:120]
        contract.signature_authorisation_on = act.adopted_on
        contract.save(update_fields=["signature_authorisation_reference", "signature_authorisation_on"])


class Migration(migrations.Migration):

    dependencies = [
        ("contracts", "0002_invoices"),
        ("programmes", "0002_governance"),
        ("tenders", "0005_cao"),
    ]

    operations = [
        migrations.AddField(
            model_name="contract",
            name="signature_authorisation",
            field=models.ForeignKey(blank=True, help_text=FK_HELP, null=True,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="programmes.councilact", verbose_name="autorisation de signer"),
        ),
        migrations.AddField(
            model_name="historicalcontract",
            name="signature_authorisation",
            field=models.ForeignKey(blank=True, db_constraint=False, help_text=FK_HELP, null=True,
                                    on_delete=django.db.models.deletion.DO_NOTHING, related_name="+",
                                    to="programmes.councilact", verbose_name="autorisation de signer"),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="contract", name="signature_authorisation_on"),
        migrations.RemoveField(model_name="contract", name="signature_authorisation_reference"),
        migrations.RemoveField(model_name="historicalcontract", name="signature_authorisation_on"),
        migrations.RemoveField(model_name="historicalcontract", name="signature_authorisation_reference"),
        migrations.AddField(
            model_name='amendment',
            name='cao_opinion',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='amendments', to='tenders.caoopinion', verbose_name='avis de la CAO'),
        ),
        migrations.AddField(
            model_name='historicalamendment',
            name='cao_opinion',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='tenders.caoopinion', verbose_name='avis de la CAO'),
        ),
    ]
