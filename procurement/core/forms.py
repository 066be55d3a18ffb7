"""Form fields shared by the apps' pages."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from procurement.core.money import MoneyError, to_decimal


class AmountField(forms.DecimalField):
    """An amount in euros as French users type it: « 1 200 000,50 », « 1200000.50 », « 12 500 € »
    (parsed by ``core.money.to_decimal``, the one parser of amounts)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)
        self.widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return to_decimal(str(value))
        except MoneyError as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc


class ServiceModelForm(forms.ModelForm):
    """A ModelForm that only parses its fields: the service validates the model (its checks may need
    the locked row), so the form's own model validation is skipped."""

    def _post_clean(self):
        pass


class FilterForm(forms.Form):
    """A list's filters (GET): ``filters()`` gives the selector its keyword arguments, none when invalid."""

    filter_fields: tuple[str, ...] = ()

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {name: self.cleaned_data[name] for name in self.filter_fields}
