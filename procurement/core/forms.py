"""Form fields shared by the apps' pages."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Model, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from procurement.core.money import MoneyError, to_decimal
from procurement.core.widgets import SuggestInput, SuggestMultipleInput


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

    def _clean_pair(self, value) -> tuple[Model | None, str]:
        """The object of the hidden id, or else the stripped text; an id alone that is none of
        ``queryset`` is refused."""
        chosen, text = value if isinstance(value, tuple) else (value, None)
        text = self.text_field.clean(text) if text is not None else None  # length, NUL characters
        obj, text = self._resolve((chosen, text))
        if obj is None and chosen not in (None, "") and text is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return obj, (text or "").strip()

    def clean(self, value) -> Suggested:
        obj, text = self._clean_pair(value)
        return Suggested(choice=obj) if obj is not None else Suggested(search=text)

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


def no_hint(obj) -> str:
    return ""


# The candidates a refusal names when a text matches several objects (then « … »).
AMBIGUOUS_SHOWN = 5


@dataclass(frozen=True)
class SuggestLookup:
    """How the text typed in a form's search field names one object of a kind, when no suggestion was
    chosen (without JavaScript, or typed and sent at once): ``match`` finds the objects the text
    designates, as the suggestions' endpoint does (a name containing it, a SIRET starting with it);
    ``exact`` those it names exactly (the whole name, the SIRET, the reference), preferred when the text
    matches several; ``hint`` tells two alike apart. ``no_match`` and ``ambiguous`` are the field's French
    refusals, with ``%(text)s`` and, for several, ``%(names)s``."""

    match: Callable[[str], Q | None]
    exact: Callable[[str], Q]
    no_match: str
    ambiguous: str
    hint: Callable[[Model], str] = no_hint

    def find(self, queryset: QuerySet, text: str) -> Model:
        """The one object of ``queryset`` that ``text`` names: the only one it matches, or among several
        the only one it names exactly. Otherwise a ``ValidationError`` (code ``no_match`` or ``ambiguous``,
        naming the first candidates). One query, whatever the number of objects."""
        condition = self.match(text)
        rows = [] if condition is None else list(
            queryset.filter(condition)
            .annotate(suggest_exact=Case(When(self.exact(text), then=Value(0)), default=Value(1),
                                         output_field=IntegerField()))
            .order_by("suggest_exact", *(queryset.query.order_by or ("pk",)))[:AMBIGUOUS_SHOWN + 1])
        exact = [obj for obj in rows if obj.suggest_exact == 0]
        if len(rows) == 1 or len(exact) == 1:
            return rows[0]
        if not rows:
            raise ValidationError(self.no_match, code="no_match", params={"text": text})
        names = [f"{obj} ({hint})" if (hint := self.hint(obj)) else str(obj) for obj in rows[:AMBIGUOUS_SHOWN]]
        if len(rows) > AMBIGUOUS_SHOWN:
            names.append("…")
        raise ValidationError(self.ambiguous, code="ambiguous", params={"text": text, "names": " ; ".join(names)})


class SuggestChoiceField(SuggestField):
    """A form's choice of one object among thousands (a bid's candidate, a subcontractor): the search
    field with suggestions of ``SuggestField``, cleaned to the object, or None when left empty and not
    ``required``. The suggestion chosen gives the id; a text typed instead must name one object
    (``lookup.find``: none or several is the field's error in French, naming the candidates), so the form
    works without JavaScript. The object is read once (one query) and shown back by its label when the
    page comes back with another field's error."""

    default_error_messages = {
        "required": _("Tapez quelques lettres puis choisissez parmi les suggestions."),
    }
    # What the combobox says when the endpoint does not answer: the form still takes the text.
    unavailable = _("Les suggestions ne peuvent pas être chargées : tapez le nom ou la référence en entier, "
                    "il sera vérifié à l'enregistrement.")

    def __init__(self, *, lookup: SuggestLookup, required: bool = True, **kwargs):
        super().__init__(required=required, **kwargs)
        self.lookup = lookup
        self.widget.messages = {**self.widget.messages, "error": self.unavailable}
        self._found: dict[str, Model | ValidationError] = {}

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result._found = {}
        return result

    def find(self, text: str) -> Model:
        """The object ``text`` names (``lookup.find``), looked up once per form, refusal included."""
        if text not in self._found:
            try:
                self._found[text] = self.lookup.find(self.queryset, text)
            except ValidationError as error:
                self._found[text] = error
        found = self._found[text]
        if isinstance(found, ValidationError):
            raise found
        return found

    def found(self, text: str | None) -> Model | None:
        """The object the text named when the form was cleaned, else None (no query)."""
        found = self._found.get((text or "").strip())
        return found if isinstance(found, Model) else None

    def clean(self, value) -> Model | None:
        obj, text = self._clean_pair(value)
        if obj is not None:
            return obj
        if text:
            return self.find(text)
        if self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        return None

    def prepare_value(self, value):
        """An initial object or id (a form over a saved record) shows its label; a text that named one
        object shows that object, chosen."""
        if isinstance(value, tuple) and not value[0] and (obj := self.found(value[1])) is not None:
            return str(obj.pk), str(obj)
        if value not in (None, "") and not isinstance(value, (tuple, Model)):
            value = self._lookup(value) or ("", "")
        return super().prepare_value(value)


class SuggestMultipleField(SuggestChoiceField):
    """Several objects among thousands (a group's members): those chosen are checked boxes (untick one
    to remove it) above a search field with suggestions that adds one more (``SuggestMultipleInput``).
    Cleans to the list of objects, in the order chosen; the text typed instead (without JavaScript)
    adds the one object it names, or is the field's error in French. Empty is allowed unless ``required``."""

    widget = SuggestMultipleInput

    def __init__(self, *, required: bool = False, **kwargs):
        super().__init__(required=required, **kwargs)

    def _chosen(self, ids) -> list[Model]:
        """The objects of the ticked ids among ``queryset``, in their order (one query); an id that is
        none of them is refused."""
        keys = []
        for chosen in ids:
            key = str(chosen or "").strip()
            if not (key.isascii() and key.isdigit() and len(key) <= MAX_ID_DIGITS):
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
            if key not in keys:
                keys.append(key)
        missing = [key for key in keys if key not in self._looked_up]
        if missing:
            if self.queryset is None:
                raise TypeError("SuggestMultipleField needs its queryset (the objects the user may choose).")
            found = {str(obj.pk): obj for obj in self.queryset.filter(pk__in=[int(key) for key in missing])}
            self._looked_up.update({key: found.get(key) for key in missing})
        objects = [self._looked_up[key] for key in keys]
        if any(obj is None for obj in objects):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return objects

    def clean(self, value) -> list[Model]:
        ids, text = value if isinstance(value, tuple) else (value or [], None)
        text = (self.text_field.clean(text) if text is not None else "").strip()
        objects = self._chosen(ids or [])
        if text and (obj := self.find(text)) not in objects:
            objects.append(obj)
        if self.required and not objects:
            raise ValidationError(self.error_messages["required"], code="required")
        return objects

    def prepare_value(self, value):
        """``([(id, label), …], text)``: the objects chosen (an initial list, or the ticked ids and the one the
        text named) and the text still to resolve."""
        if isinstance(value, tuple):
            ids, text = value
            try:
                objects = self._chosen(ids or [])
            except ValidationError:
                objects = [obj for key in ids or [] if (obj := self._looked_up.get(str(key).strip()))]
            if (obj := self.found(text)) is not None:
                objects, text = [*objects, *([obj] if obj not in objects else [])], ""
            return [(str(obj.pk), str(obj)) for obj in objects], (text or "").strip()
        objects = list(value or [])
        if objects and not isinstance(objects[0], Model):
            try:
                objects = self._chosen(objects)
            except ValidationError:
                objects = []
        return [(str(obj.pk), str(obj)) for obj in objects], ""


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
