"""What the pages that keep an agreement share: a page, a form page and a button of the agreement, the
grid of one row per member saved at once, and where a service's refusal goes on the form or the grid."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.shortcuts import redirect
from django.views.generic import TemplateView

from procurement.core.views.service_forms import ServiceActionView, ServiceFormView
from procurement.sharing.models import Member
from procurement.sharing.views.access import AgreementMixin

EMPTY = forms.Form


def on_field(error: ValidationError, field: str) -> ValidationError:
    """The service's refusal with what names no field (a uniqueness the model checks: « La convention a déjà
    un membre de ce nom. ») put on the form's ``field``, the one that person changes to fix it."""
    if not hasattr(error, "error_dict") or NON_FIELD_ERRORS not in error.error_dict:
        return error
    errors = dict(error.error_dict)
    errors.setdefault(field, [])
    errors[field] = [*errors[field], *errors.pop(NON_FIELD_ERRORS)]
    return ValidationError(errors)


class AgreementPageView(AgreementMixin, TemplateView):
    """A page of the agreement: the programme and the agreement in the context, with what ``page_context``
    adds."""

    def page_context(self) -> dict:
        return {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)  # the URL's ``agreement`` (a pk) is replaced just below
        context.update(programme=self.programme, agreement=self.agreement, **self.page_context())
        return context


class AgreementFormView(AgreementMixin, ServiceFormView):
    """A form of the agreement (``form.html``) that goes back to one of its pages, cancelled or done."""

    template_name = "form.html"
    back_to = ""  # the URL name of that page

    def get_cancel_url(self) -> str:
        return self.agreement_url(self.back_to)

    def get_success_url(self, result) -> str:
        return self.agreement_url(self.back_to)


class AgreementActionView(AgreementMixin, ServiceActionView):
    """A button of one of the agreement's pages (nothing posted but the CSRF token), back to that page."""

    form_class = EMPTY
    back_to = ""  # the URL name of that page

    def get_redirect_url(self) -> str:
        return self.agreement_url(self.back_to)


def place_row_errors(forms_: list, error: ValidationError) -> list[str]:
    """A grid service's refusal: its messages start with the member's name (« Orme : … »); each goes on that
    member's row, under the field it names, and every one goes to the summary above the grid."""
    by_name = {str(form.member): form for form in forms_}
    summary = []
    items = error.error_dict.items() if hasattr(error, "error_dict") else [(None, error.error_list)]
    for field, errors in items:
        for message in ValidationError(errors).messages:
            summary.append(message)
            name, _sep, rest = message.partition(" : ")
            form = by_name.get(name)
            if form is not None and field in form.fields:
                form.add_error(field, rest)
    return summary


def row_errors(forms_: list) -> list[str]:
    """The rows' own errors (a number that is not one), named by member and field."""
    return [f"{form.member} — {form.fields[field].label} : {message}" if field in form.fields
            else f"{form.member} : {message}"
            for form in forms_ if not form.is_valid() for field, errors in form.errors.items() for message in errors]


class MemberGridView(AgreementPageView):
    """One row per member, saved in one submission by a service: a wrong cell names the member and the
    field, and nothing is stored. ``page_context`` gives the grid's title, intro, columns and buttons."""

    template_name = "sharing/member_grid.html"
    back_to = ""  # the URL name of the page the grid goes back to, cancelled or saved

    def members(self) -> list[Member]:  # pragma: no cover - abstract
        raise NotImplementedError

    def row_form(self, member, data=None):  # pragma: no cover - abstract
        raise NotImplementedError

    def save(self, forms_) -> str:  # pragma: no cover - abstract
        """Calls the service; returns the sentence that says it is done."""
        raise NotImplementedError

    def success_url(self) -> str:
        return self.agreement_url(self.back_to)

    def get_context_data(self, **kwargs):
        return super().get_context_data(cancel_url=self.agreement_url(self.back_to), **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(
            forms=[self.row_form(member) for member in self.members()], errors=[]))

    def post(self, request, *args, **kwargs):
        forms_ = [self.row_form(member, request.POST) for member in self.members()]
        errors = row_errors(forms_)
        if not errors:
            try:
                done = self.save(forms_)
            except ValidationError as error:
                errors = place_row_errors(forms_, error)
            else:
                messages.success(request, done)
                return redirect(self.success_url())
        return self.render_to_response(self.get_context_data(forms=forms_, errors=errors))
