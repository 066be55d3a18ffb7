"""Form widgets the apps share."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


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
