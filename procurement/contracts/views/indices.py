"""Price index pages: the series, their monthly values, entry and import. Finance reads; buyers edit."""

from __future__ import annotations

from django.contrib import messages
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from procurement.contracts.abilities import list_abilities
from procurement.contracts.forms.contracts import IndexImportForm, IndexSeriesForm, IndexValueForm
from procurement.contracts.selectors import contracts as selectors
from procurement.contracts.services import indices
from procurement.contracts.services.indices import month_label
from procurement.contracts.views.common import ContractFormView
from procurement.core.views.access import AccessMixin


class IndexAccessMixin(AccessMixin):
    """The index abilities decide by role, before the series (``code``) is loaded."""

    series = None

    def has_role(self) -> bool:
        return bool(self.get_page_abilities().get(self.required_ability))

    def get_page_abilities(self) -> dict[str, bool]:
        return list_abilities(self.request.user)

    def get_object(self):
        if "code" in self.kwargs:
            self.series = selectors.index_series_detail(code=self.kwargs["code"])
        return None


class IndexSeriesListView(IndexAccessMixin, TemplateView):
    template_name = "contracts/index_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(series_list=list(selectors.index_series_list()), abilities=self.abilities,
                                        **kwargs)


class IndexSeriesDetailView(IndexAccessMixin, TemplateView):
    template_name = "contracts/index_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(series=self.series, values=list(self.series.values.all()),
                                        abilities=self.abilities, **kwargs)


class IndexFormView(IndexAccessMixin, ContractFormView):
    """The generic form page, for the index series rather than a contract."""

    required_ability = "edit"

    def get_cancel_url(self):
        if self.series is not None:
            return reverse("contracts:index-detail", args=[self.series.code])
        return reverse("contracts:indices")

    def get_success_url(self, result):
        return self.get_cancel_url()


class IndexSeriesCreateView(IndexFormView):
    form_class = IndexSeriesForm
    title = gettext_lazy("Nouvelle série d'indices")
    success_message = gettext_lazy("La série d'indices est créée : saisissez ou importez ses valeurs.")

    def perform(self, form):
        return indices.series_create(by=self.request.user, **form.cleaned_data)

    def get_success_url(self, result):
        return reverse("contracts:index-detail", args=[result.code])


class IndexValueView(IndexFormView):
    form_class = IndexValueForm
    intro = gettext_lazy("Une valeur déjà saisie pour ce mois est remplacée.")

    @property
    def title(self):
        return _("Saisir une valeur de l'indice %(code)s") % {"code": self.series.code}

    def perform(self, form):
        return indices.index_value_set(series=self.series, by=self.request.user, **form.cleaned_data)

    def after_success(self, row):
        messages.success(self.request, _("%(code)s de %(month)s : %(value)s.") % {
            "code": self.series.code, "month": month_label(row.month), "value": row.value})


class IndexImportView(IndexFormView):
    form_class = IndexImportForm
    intro = gettext_lazy("Rien n'est enregistré si une ligne est en erreur ; un mois déjà saisi est mis à jour.")

    @property
    def title(self):
        return _("Importer des valeurs de l'indice %(code)s") % {"code": self.series.code}

    def perform(self, form):
        upload = form.cleaned_data["file"]
        return indices.index_import(series=self.series, name=upload.name, data=upload.read(), by=self.request.user)

    def after_success(self, result):
        messages.success(self.request, _("Import terminé : %(created)s valeur(s) ajoutée(s), %(updated)s "
                                         "mise(s) à jour.") % {"created": result.created, "updated": result.updated})
