"""Form fields shared by the apps' pages."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

from procurement.core.money import MoneyError, to_decimal
from procurement.core.widgets import SuggestInput


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


@dataclass(frozen=True)
class Suggested:
    """A ``SuggestField``'s value: the object chosen among the suggestions, or the text typed (a search;
    empty: no filter)."""

    choice: Model | None = None
    search: str = ""


# The longest id the hidden input may carry (a 64-bit key has 19 digits): longer is not an id.
MAX_ID_DIGITS = 18


class SuggestField(forms.Field):
    """A list filter over many objects (``queryset``: those the user may see), typed with suggestions
    from ``url`` (``core.widgets.SuggestInput``; the endpoint is a ``core.views.suggestions
    .SuggestionsView`` over the same objects). Cleans to ``Suggested``:

    - the id of the hidden input, when it is one of ``queryset`` and the text is absent or still the
      object's label (``str(obj)``): that object;
    - otherwise the text, stripped (at most ``max_length`` characters): a search the selector applies;
    - an id that is none of ``queryset`` with no text beside it (a hand-made link): a French error.

    The chosen object is read once (one query) and shown back by its label, on the page, after a
    reload and on every page of the list (pagination keeps both parameters)."""

    widget = SuggestInput
    default_error_messages = {
        "invalid_choice": _("Choisissez parmi les suggestions : ce choix n'existe pas ou ne vous est pas "
                            "accessible."),
    }

    def __init__(self, *, queryset: QuerySet | None = None, url="", max_length: int = SuggestInput.max_length,
                 **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.queryset = queryset
        self.widget.url = url
        self.text_field = forms.CharField(max_length=max_length, required=False)
        self._looked_up: dict[str, Model | None] = {}

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.text_field = copy.deepcopy(self.text_field, memo)
        result._looked_up = {}
        return result

    def _lookup(self, chosen) -> Model | None:
        """The object of the hidden input's id among ``queryset``, read once per form."""
        key = str(chosen or "").strip()
        if not (key.isascii() and key.isdigit() and len(key) <= MAX_ID_DIGITS):
            return None
        if key not in self._looked_up:
            if self.queryset is None:
                raise TypeError("SuggestField needs its queryset (the objects the user may see).")
            self._looked_up[key] = self.queryset.filter(pk=int(key)).first()
        return self._looked_up[key]

    def _resolve(self, value) -> tuple[Model | None, str | None]:
        """``(object, text)`` from the widget's ``(id, text)``: the object when the id is one and the text
        does not contradict it, else None and the text."""
        chosen, text = value if isinstance(value, tuple) else (value, None)
        obj = self._lookup(chosen) if chosen not in (None, "") else None
        if obj is not None and (text is None or text.strip() == str(obj)):
            return obj, None
        return None, text

    def clean(self, value) -> Suggested:
        chosen, text = value if isinstance(value, tuple) else (value, None)
        text = self.text_field.clean(text) if text is not None else None  # length, NUL characters
        obj, text = self._resolve((chosen, text))
        if obj is not None:
            return Suggested(choice=obj)
        if chosen not in (None, "") and text is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return Suggested(search=(text or "").strip())

    def prepare_value(self, value):
        """What the widget shows: the chosen object's id and label, or the text typed alone."""
        if isinstance(value, Model):
            return str(value.pk), str(value)
        if not isinstance(value, tuple):
            return "", ""
        obj, text = self._resolve(value)
        if obj is not None:
            return str(obj.pk), str(obj)
        return "", (text or "").strip()


class FilterForm(forms.Form):
    """A list's filters (GET): ``filters()`` gives the selector its keyword arguments, none when invalid.
    A ``SuggestField`` named ``holder`` gives two: ``holder`` (the object chosen, or None) and
    ``holder_search`` (the text typed instead, or "")."""

    filter_fields: tuple[str, ...] = ()

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        filters = {}
        for name in self.filter_fields:
            value = self.cleaned_data[name]
            if isinstance(value, Suggested):
                filters[name], filters[f"{name}_search"] = value.choice, value.search
            else:
                filters[name] = value
        return filters
