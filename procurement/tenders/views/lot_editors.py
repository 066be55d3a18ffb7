"""The lot's editors: its criteria tree, its price lines (BPU / DQE) and their model workbook, and the
simulation of the price notes."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from procurement.tenders.enums import CriterionKind
from procurement.tenders.forms.evaluation import PriceSimulationForm
from procurement.tenders.forms.lots import (
    PriceLinesImportForm,
    criteria_formset,
    price_lines_formset,
)
from procurement.tenders.services import need, price_lines
from procurement.tenders.views.common import (
    LotMixin,
    TenderAccessMixin,
)
from procurement.tenders.views.lots import criteria_rows

# The editors' columns, one per field of their row forms.
CRITERIA_COLUMNS = (
    gettext_lazy("Ligne"), gettext_lazy("Intitulé"), gettext_lazy("Type"), gettext_lazy("Points"),
    gettext_lazy("Formule (prix)"), gettext_lazy("Prix comparés"), gettext_lazy("Ligne parente"))
PRICE_LINE_COLUMNS = (
    gettext_lazy("Ligne"), gettext_lazy("N° de prix"), gettext_lazy("Désignation"), gettext_lazy("Unité"),
    gettext_lazy("Quantité estimée"), gettext_lazy("Ordre"), gettext_lazy("Supprimer"))


def flat_initial(lot) -> list[dict]:
    """The criteria as the editor's flat rows, each child pointing at its parent's row number."""
    initial = []
    for row in criteria_rows(lot):
        parent_number = len(initial) + 1
        for criterion, parent in [(row["criterion"], None), *((child, parent_number) for child in row["children"])]:
            initial.append({"name": criterion.name, "kind": criterion.kind, "points": criterion.points,
                            "price_formula": criterion.price_formula, "price_basis": criterion.price_basis,
                            "parent": parent})
    return initial


class LotPriceSimulationView(LotMixin, TemplateView):
    """« Simuler les notes de prix »: a form read by GET (nothing is stored), and a table per formula."""

    template_name = "tenders/lot_price_simulation.html"

    def get_context_data(self, **kwargs):
        price = self.lot.criteria.filter(kind=CriterionKind.PRICE, parent__isnull=True).first()
        if {"prices", "points"} & set(self.request.GET):
            form = PriceSimulationForm(self.request.GET)
            results = form.simulate() if form.is_valid() else None
        else:
            form, results = PriceSimulationForm(initial={"points": price.points if price else None}), None
        tables = []
        for result in results or []:
            rows = [{"number": index + 1, "price": amount,
                     "note": result.notes[index] if result.notes else None,
                     "total": result.totals[index] if result.totals else None,
                     "rank": result.ranking[index] if result.ranking else None}
                    for index, amount in enumerate(form.cleaned_data["prices"])]
            tables.append({"result": result, "rows": rows})
        return super().get_context_data(tender=self.tender, lot=self.lot, abilities=self.abilities, form=form,
                                        tables=tables, has_technical=bool(results and results[0].totals is not None)
                                        if results else False, lot_formula=price.price_formula if price else "",
                                        cancel_url=self.lot_url(), **kwargs)


class LotCriteriaView(LotMixin, TemplateView):
    """Up to 12 rows; a row's "parent" column names the row of its parent criterion."""

    template_name = "tenders/lot_criteria.html"
    required_ability = "edit"

    def get_context_data(self, **kwargs):
        return super().get_context_data(tender=self.tender, lot=self.lot, abilities=self.abilities,
                                        cancel_url=self.lot_url(), columns=CRITERIA_COLUMNS, **kwargs)

    def get(self, request, *args, **kwargs):
        formset = criteria_formset(initial=flat_initial(self.lot))
        return self.render_to_response(self.get_context_data(formset=formset, service_errors=[]))

    def post(self, request, *args, **kwargs):
        formset = criteria_formset(data=request.POST)
        service_errors = []
        if formset.is_valid():
            try:
                need.criteria_replace(lot=self.lot, by=request.user, rows=formset.tree)
            except ValidationError as error:
                service_errors = self.place_errors(formset, error)
            else:
                messages.success(request, _("Les critères du lot ont été enregistrés."))
                return redirect(self.lot_url())
        return self.render_to_response(self.get_context_data(formset=formset, service_errors=service_errors))

    @staticmethod
    def place_errors(formset, error: ValidationError) -> list[str]:
        """A sum error ("points") goes on the points field of the first criterion; the other errors
        on the matching field of that row, or above the table."""
        first = formset.first_filled()
        if not hasattr(error, "error_dict"):
            return error.messages
        remaining = []
        for name, errors in error.error_dict.items():
            if name in first.fields:
                first.add_error(name, errors)
            else:
                remaining += [message for item in errors for message in item.messages]
        return remaining


def price_line_initial(lot) -> list[dict]:
    return [{"number": item.number, "label": item.label, "unit": item.unit, "quantity": item.quantity,
             "ORDER": position}
            for position, item in enumerate(sorted(lot.price_items.all(), key=lambda i: (i.position, i.pk)), 1)]


class LotPriceLinesView(LotMixin, TemplateView):
    """The lot's price schedule (BPU / DQE): a table to add, edit, reorder and delete lines, and an
    import from a spreadsheet. Shown read-only once the tender has left the draft."""

    template_name = "tenders/lot_price_lines.html"

    def get_context_data(self, **kwargs):
        refusal = price_lines.editing_refusal(self.tender)
        kwargs.setdefault("formset", price_lines_formset(initial=price_line_initial(self.lot)))
        kwargs.setdefault("import_form", PriceLinesImportForm())
        kwargs.setdefault("service_errors", [])
        kwargs.setdefault("columns", PRICE_LINE_COLUMNS)
        return super().get_context_data(
            tender=self.tender, lot=self.lot, abilities=self.abilities, cancel_url=self.lot_url(),
            editable=self.abilities["drive"] and not refusal, refusal=refusal,
            items=sorted(self.lot.price_items.all(), key=lambda i: (i.position, i.pk)),
            priced=price_lines.lot_is_priced(self.lot), max_lines=price_lines.MAX_LINES, **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if not self.abilities["drive"]:
            raise PermissionDenied(_("Seuls les acheteurs modifient le bordereau des prix."))
        if request.POST.get("action") == "import":
            return self.import_file(request)
        formset = price_lines_formset(data=request.POST, initial=price_line_initial(self.lot))
        if not formset.is_valid():
            return self.render_to_response(self.get_context_data(formset=formset))
        numbered = [(index, form) for index, form in enumerate(formset.forms, start=1)]
        positions = {id(form): index for index, form in numbered}
        ordered = formset.ordered_forms
        rows = [price_lines.LineRow(form.cleaned_data["number"].strip(), form.cleaned_data["label"].strip(),
                                    form.cleaned_data["unit"].strip(), form.cleaned_data["quantity"])
                for form in ordered]
        try:
            price_lines.price_lines_replace(
                lot=self.lot, by=request.user, rows=rows,
                where=lambda index: _("Ligne %(number)s") % {"number": positions[id(ordered[index])]})
        except ValidationError as error:
            return self.render_to_response(self.get_context_data(formset=formset, service_errors=error.messages))
        messages.success(request, _("Le bordereau des prix du lot %(number)s est enregistré (%(count)s ligne(s)).")
                         % {"number": self.lot.number, "count": len(rows)})
        return redirect(reverse("tenders:lot-prices", args=[self.tender.reference, self.lot.number]))

    def import_file(self, request):
        form = PriceLinesImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                items = price_lines.price_lines_import(lot=self.lot, by=request.user, file=form.cleaned_data["file"])
            except ValidationError as error:
                form.add_error("file", error)
            else:
                messages.success(request, _("%(count)s ligne(s) importée(s) dans le bordereau des prix du lot "
                                            "%(number)s.") % {"count": len(items), "number": self.lot.number})
                return redirect(reverse("tenders:lot-prices", args=[self.tender.reference, self.lot.number]))
        return self.render_to_response(self.get_context_data(import_form=form))


class PriceLinesModelView(TenderAccessMixin, View):
    """The model file of an import of price lines (.xlsx)."""

    def get(self, request, *args, **kwargs):
        response = HttpResponse(
            price_lines.price_lines_model_xlsx(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="modele-bordereau-des-prix.xlsx"'
        return response
