from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procurement.core.uploads import validate_upload
from procurement.resources.enums import ResourceDecision

TEXT_SUFFIXES = (".tsv", ".csv", ".json")


class RenewalDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=gettext_lazy("Décision"), choices=ResourceDecision.choices,
                                 widget=forms.RadioSelect)
    reason = forms.CharField(label=gettext_lazy("Motif"), widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=gettext_lazy("Par exemple : coût par usage, évolution, usage par strate de "
                                                    "communes."))


class ReportUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Rapport COUNTER (TSV, CSV, xlsx ou JSON)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.rsplit("/", 1)[-1]
        label = str(self.fields["file"].label)
        if name.lower().endswith(".xlsx"):
            validate_upload(upload, label=label, allowed=(".xlsx",))
            return upload
        if not name.lower().endswith(TEXT_SUFFIXES):
            raise forms.ValidationError(_("« %(field)s » : le fichier « %(name)s » n'est pas accepté ; formats "
                                          "acceptés : TSV, CSV, xlsx, JSON.") % {"field": label, "name": name})
        if not upload.size:
            raise forms.ValidationError(_("« %(field)s » : le fichier « %(name)s » est vide.") % {"field": label,
                                                                                              "name": name})
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("« %(field)s » : le fichier « %(name)s » pèse %(size)s, au-delà du maximum "
                                          "de %(max)s.") % {"field": label, "name": name,
                                                           "size": filesizeformat(upload.size),
                                                           "max": filesizeformat(settings.MAX_UPLOAD_BYTES)})
        return upload
