"""A form page that calls a service, and the service's refusal (a ``ValidationError``) shown on the
form or as messages: written once for every app."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.views import View
from django.views.generic import TemplateView


def add_service_errors(form, error: ValidationError, *, default_field: str | None = None) -> None:
    """Puts a service's errors on the form's fields (or above the form when no field matches)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else default_field, errors)
    else:
        form.add_error(default_field, error)


def error_messages(request, reasons) -> None:
    """One error message per reason: a service's ``ValidationError`` or a guard's list of sentences."""
    for reason in reasons.messages if isinstance(reasons, ValidationError) else reasons:
        messages.error(request, reason)


class ServiceSubmitMixin:
    """A valid form goes to ``perform`` (a service); success says so and redirects, a refusal stays on
    the form."""

    success_message = ""

    def perform(self, form):  # pragma: no cover - abstract
        raise NotImplementedError

    def get_success_url(self, result) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def after_success(self, result) -> None:
        if self.success_message:
            messages.success(self.request, self.success_message)

    def submit(self, form):
        """The redirect after the service's success, or None when the form or the service refused."""
        if form.is_valid():
            try:
                result = self.perform(form)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                self.after_success(result)
                return redirect(self.get_success_url(result))
        return None


class ServiceFormView(ServiceSubmitMixin, TemplateView):
    """GET shows the form; a valid POST calls ``perform`` (a service) and redirects; a refusal puts the
    service's errors on the form and saves nothing."""

    form_class: type = None
    title = ""
    intro = ""
    submit_label = ""  # the button's verb when « Enregistrer » would not say what happens

    def get_form(self, data=None, files=None):
        return self.form_class(data=data, files=files)

    def get_cancel_url(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def page_context(self) -> dict:
        """What the page adds to the form (it may set its own ``title`` and ``cancel_url``)."""
        return {}

    def get_context_data(self, **kwargs):
        context = {"title": self.title, "intro": self.intro, "submit_label": self.submit_label,
                   "abilities": getattr(self, "abilities", {}),
                   **self.page_context()}
        if "cancel_url" not in context:
            context["cancel_url"] = self.get_cancel_url()
        return super().get_context_data(**{**context, **kwargs})

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.get_form()))

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST, request.FILES)
        return self.submit(form) or self.render_to_response(self.get_context_data(form=form))


class ServiceActionView(View):
    """A small form posted from an object's page to a service: a bad form, a refusal or the success
    come back as messages on the page, which the browser is sent back to."""

    http_method_names = ["post"]
    form_class: type = None
    invalid_message = ""

    def get_form(self, data):
        return self.form_class(data)

    def perform(self, data: dict) -> str:  # pragma: no cover - abstract
        """Calls the service with the form's cleaned data; returns the sentence that says it is done."""
        raise NotImplementedError

    def get_redirect_url(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        if not form.is_valid():
            messages.error(request, self.invalid_message)
            return redirect(self.get_redirect_url())
        try:
            done = self.perform(form.cleaned_data)
        except ValidationError as error:
            error_messages(request, error)
        else:
            messages.success(request, done)
        return redirect(self.get_redirect_url())


class TransitionView(View):
    """Runs the transition named in the URL through the app's service: a refusal by ability is a 403,
    a refusal by the guards comes back as messages with the state unchanged."""

    http_method_names = ["post"]
    not_allowed: type[Exception] = Exception  # the service's refusal by ability (``reasons``)
    refused: type[Exception] = Exception  # its refusal by the guards (``reasons``)
    labels: dict = {}  # the transitions' names as the buttons say them
    done_text = ""  # the success, with the transition's ``action`` and the new ``state``

    def transition(self, name: str):  # pragma: no cover - abstract
        """Calls the service; returns the object in its new state."""
        raise NotImplementedError

    def done_message(self, name: str, result) -> str:
        return self.done_text % {"action": self.labels.get(name, name), "state": result.get_state_display()}

    def after_refusal(self, name: str) -> None:
        """What the page adds to the refusal's messages."""

    def after_success(self, name: str, result) -> None:
        """What the page adds to the success message."""

    def get_redirect_url(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        name = self.kwargs["name"]
        try:
            result = self.transition(name)
        except self.not_allowed as refused:
            raise PermissionDenied(" ".join(refused.reasons)) from refused
        except self.refused as refused:
            error_messages(request, refused.reasons)
            self.after_refusal(name)
        else:
            messages.success(request, self.done_message(name, result))
            self.after_success(name, result)
        return redirect(self.get_redirect_url())
