"""What the tenders forms share: widgets, the multiple-file field, yes/no choices."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_CRITERIA_ROWS = 12
YES_NO = [("oui", _("Oui")), ("non", _("Non"))]



class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def now_minute():
    return timezone.localtime().replace(second=0, microsecond=0)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django docs, "Uploading multiple files"): cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single_clean = super().clean
        if isinstance(data, list | tuple):
            files = [single_clean(item, initial) for item in data]
        else:
            files = [single_clean(data, initial)]
        return [file for file in files if file]


def choices_field(enum, label) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(label=label, choices=enum.choices, required=False,
                                     widget=forms.CheckboxSelectMultiple)
