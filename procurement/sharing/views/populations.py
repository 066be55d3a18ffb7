"""The members' legal populations of one year of the agreement, in one grid, and the year before's copied
into it."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from procurement.core.views.service_forms import ServiceActionView
from procurement.sharing.forms import PopulationCopyForm, PopulationRowForm
from procurement.sharing.selectors.agreements import population_table
from procurement.sharing.services.populations import populations_copy, populations_set
from procurement.sharing.views.access import AgreementMixin
from procurement.sharing.views.common import MemberGridView


class PopulationsView(MemberGridView):
    """The legal population of every member for one year of the agreement."""

    back_to = "members"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.table = None

    @property
    def year(self) -> int:
        year = self.kwargs["year"]
        if year not in self.agreement.years:
            raise Http404(_("Cette année n'est pas l'une de celles de la convention."))
        return year

    def rows(self) -> dict:
        """Each member's populations of every year, by member pk, in the agreement's order."""
        if self.table is None:
            self.table = {row.member.pk: row for row in population_table(agreement=self.agreement)}
        return self.table

    def members(self):
        return [row.member for row in self.rows().values()]

    def row_form(self, member, data=None):
        populations = self.rows()[member.pk].populations
        form = PopulationRowForm(data, member=member, initial={"population": populations[self.year]})
        form.previous = populations.get(self.year - 1)
        return form

    def page_context(self) -> dict:
        year = self.year
        previous = year - 1 if year - 1 in self.agreement.years else None
        return {"title": _("Populations légales %(year)s — %(name)s") % {"year": year, "name": self.agreement.name},
                "intro": _("La population légale (INSEE) de chaque membre pour %(year)s : elle sert à la composante "
                           "« population » des clés. Vide : non saisie (une clé par la population est alors refusée "
                           "en nommant le membre). Tout est enregistré en une fois : une seule cellule erronée et "
                           "rien n'est enregistré.") % {"year": year},
                "year": year, "previous": previous, "copy_form": PopulationCopyForm() if previous else None,
                "columns": [(_("Membre"), False),
                            *([(_("Population %(year)s") % {"year": previous}, True)] if previous else []),
                            (_("Population %(year)s") % {"year": year}, False)],
                "submit_label": _("Enregistrer les populations %(year)s") % {"year": year},
                "grid_class": "population-grid"}

    def save(self, forms_) -> str:
        saved = populations_set(
            agreement=self.agreement, year=self.year, by=self.request.user,
            populations={form.member.pk: form.cleaned_data["population"] for form in forms_})
        return _("Populations %(year)s enregistrées : %(count)s changement(s).") % {"year": self.year,
                                                                                   "count": len(saved)}


class PopulationsCopyView(AgreementMixin, ServiceActionView):
    form_class = PopulationCopyForm

    def perform(self, data: dict) -> str:
        year = self.kwargs["year"]
        copied = populations_copy(agreement=self.agreement, from_year=year - 1, to_year=year,
                                  replace=data["replace"], by=self.request.user)
        return _("%(count)s population(s) de %(previous)s reprise(s) pour %(year)s.") % {
            "count": len(copied), "previous": year - 1, "year": year}

    def get_redirect_url(self) -> str:
        return self.agreement_url("populations", self.kwargs["year"])
