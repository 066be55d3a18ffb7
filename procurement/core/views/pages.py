"""Core's own pages: the reference data, the error pages, the health probe and the login page (the
password reset by e-mail is Django's views with the site's French templates:
``templates/registration/password_reset_*``)."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.views.generic import TemplateView

from procurement.core.enums import ReferenceKind
from procurement.core.security import cooloff_minutes, login_attempts_left
from procurement.core.selectors import reference_value_history, reference_value_ids_in_force
from procurement.core.views.access import AccessMixin


class ReferenceValueListView(AccessMixin, TemplateView):
    """The legal figures in force today, and their history, read-only (the admin edits them)."""

    grant = "reference.read"
    template_name = "core/reference_values.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        rows = reference_value_history()
        in_force_ids = reference_value_ids_in_force(at=today)
        labels = dict(ReferenceKind.choices)
        groups: dict[str, dict] = {}
        for row in rows:
            group = groups.setdefault(row.kind, {"label": labels.get(row.kind, row.kind), "rows": []})
            group["rows"].append({"row": row, "in_force": row.pk in in_force_ids})
        unconfirmed = [row for row in rows if not row.confirmed]
        unconfirmed.sort(key=lambda row: (row.kind, row.valid_from))
        return super().get_context_data(today=today, groups=list(groups.values()), unconfirmed=unconfirmed, **kwargs)


def page_not_found(request, exception=None):
    """French 404 in the site's layout; Django's own message (often English, naming a model) is not shown."""
    # The address is not echoed: a 404 also answers for an object one may not see, named in its URL.
    return render(request, "404.html", status=404)


def server_error(request):
    """French 500 that needs neither the database nor the user: the failure may be theirs.

    The template is rendered without the request, so no context processor (menu, user, session) runs.
    """
    return HttpResponseServerError(loader.get_template("500.html").render({}))


def health(request):
    """Liveness probe for a load balancer, and the bench's minimal view: no session, no query."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        """With single sign-on on, the provider's button above the local form (kept for local accounts)."""
        oidc_provider = settings.OIDC_PROVIDER_NAME if settings.OIDC_ENABLED else None
        return super().get_context_data(oidc_provider=oidc_provider, **kwargs)

    def form_invalid(self, form):
        """A wrong user name or password says how many attempts are left, whether the user exists or
        not (the count is django-axes', per user name and address)."""
        attempts_left = None
        if form.has_error(NON_FIELD_ERRORS, "invalid_login"):
            attempts_left = login_attempts_left(self.request, username=form.data.get("username", ""))
        return self.render_to_response(
            self.get_context_data(form=form, attempts_left=attempts_left, cooloff_minutes=cooloff_minutes())
        )
