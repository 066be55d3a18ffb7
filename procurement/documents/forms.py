from django import forms
from django.utils.translation import gettext_lazy as _

from procurement.documents.enums import TemplateKind


class TemplateUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type de document"), choices=TemplateKind.choices)
    file = forms.FileField(
        label=_("Modèle"),
        help_text=_("Un fichier .docx ; il n'utilise que les variables documentées pour son type."),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx"}),
    )
    note = forms.CharField(label=_("Remarque"), max_length=300, required=False,
                           help_text=_("Ce qui change dans cette version (facultatif)."))
