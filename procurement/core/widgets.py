"""Form widgets the apps share."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

AUTOCOMPLETE_JS = "vendor/accessible-autocomplete-3.0.1/accessible-autocomplete.min.js"


class PlainSelect(forms.Select):
    """A ``<select>`` whose options are written in Python instead of one template per option: the
    filter of a list with a thousand programmes or vendors renders in about a millisecond instead
    of tens (bench/list_pages_bench.py). Same markup as Django's, options' own attributes aside."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = []
        for group_name, options, _index in widget["optgroups"]:
            rendered = format_html_join(
                "", '<option value="{}"{}>{}</option>',
                ((option["value"] if option["value"] is not None else "",
                  mark_safe(" selected") if option["selected"] else "", option["label"]) for option in options))
            parts.append(format_html('<optgroup label="{}">{}</optgroup>', group_name, rendered) if group_name
                         else rendered)
        return format_html('<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]),
                           mark_safe("".join(parts)))


class DateInput(forms.DateInput):
    """A browser date picker: ``<input type="date">`` reads and writes ISO dates whatever the locale."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class SuggestInput(forms.Widget):
    """A search field with suggestions, for a filter whose choices run into the thousands (the vendors
    holding contracts, the programmes): a text input named ``<name>_search`` and a hidden input
    ``<name>`` carrying the chosen id, so the page weighs the same whatever the number of choices.

    Without JavaScript the text is a search (the list keeps the rows whose vendor or programme
    matches it). ``js/suggest.js`` turns the text input into a WAI-ARIA combobox (GOV.UK's
    accessible-autocomplete, served from static) that asks ``url`` for suggestions as one types, and
    puts the chosen one's id in the hidden input. The value is the pair ``(id, text)``; the field
    (``core.forms.SuggestField``) decides which of the two filters."""

    search_suffix = "_search"
    max_length = 250  # a label fits (a programme's reference and name, a vendor's name)
    # What the combobox says (screen readers hear the status; the hint is the input's description).
    messages = {
        "no-results": _("Aucune suggestion"),
        "status-none": _("Aucune suggestion."),
        "status-one": _("1 suggestion."),
        "status-many": _("{count} suggestions."),
        "status-selected": _("{option}, {position} sur {count}."),
        "hint": _("Tapez quelques lettres : flèches haut et bas pour parcourir les suggestions, Entrée pour "
                  "choisir, Échap pour fermer."),
        "error": _("Les suggestions ne peuvent pas être chargées : tapez le nom puis « Filtrer »."),
    }

    class Media:
        js = (forms.Script(AUTOCOMPLETE_JS, defer=True), forms.Script("js/suggest.js", defer=True))

    def __init__(self, attrs=None, *, url=""):
        super().__init__(attrs)
        self.url = url

    def search_name(self, name: str) -> str:
        return f"{name}{self.search_suffix}"

    def value_from_datadict(self, data, files, name):
        """``(id, text)``; ``None`` for a part the request does not carry (a link with ``?holder=12``
        alone chooses that id; ``holder_search=`` sent empty is a cleared field)."""
        return data.get(name), data.get(self.search_name(name))

    def value_omitted_from_data(self, data, files, name):
        return name not in data and self.search_name(name) not in data

    def container_attrs(self) -> str:
        """The endpoint and the combobox's messages, read by ``js/suggest.js``."""
        return format_html(' data-suggest-url="{}"{}', self.url,
                           flatatt({f"data-{key}": str(message) for key, message in self.messages.items()}))

    def text_input(self, name: str, text: str | None, attrs) -> str:
        attrs = self.build_attrs(self.attrs, attrs)
        return format_html("<input{}>", flatatt({
            "type": "text", "name": self.search_name(name), "value": text or "", "maxlength": self.max_length,
            "autocomplete": "off", "spellcheck": "false", **attrs}))

    def render(self, name, value, attrs=None, renderer=None):
        chosen, text = value if isinstance(value, tuple) else ("", "")
        return format_html('<div class="suggest"{}>{}<input type="hidden" name="{}" value="{}" data-suggest-choice>'
                           '</div>', self.container_attrs(), self.text_input(name, text, attrs), name,
                           chosen if chosen is not None else "")


class SuggestMultipleInput(SuggestInput):
    """Several objects among thousands (a group's members): each one chosen is a ticked box named
    ``<name>`` (untick it to remove it), then the search field ``<name>_search``. ``js/suggest.js`` turns a
    chosen suggestion into one more ticked box and empties the field; without JavaScript the text is
    resolved when the form is sent. The value is ``([(id, label), …], text)``."""

    def value_from_datadict(self, data, files, name):
        chosen = data.getlist(name) if hasattr(data, "getlist") else data.get(name) or []
        return chosen, data.get(self.search_name(name))

    def render(self, name, value, attrs=None, renderer=None):
        chosen, text = value if isinstance(value, tuple) else ([], "")
        boxes = format_html_join("", '<li><label><input type="checkbox" name="{}" value="{}" checked> {}</label></li>',
                                 ((name, pk, label) for pk, label in chosen))
        return format_html('<div class="suggest suggest--multiple"{} data-suggest-multiple="{}">'
                           '<ul class="suggest__chosen" data-suggest-chosen>{}</ul>{}</div>',
                           self.container_attrs(), name, boxes, self.text_input(name, text, attrs))
