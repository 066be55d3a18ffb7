"""The login page, with the attempts left before the lockout (the password reset by e-mail is
Django's views with the site's French templates: ``templates/registration/password_reset_*``)."""

from django.contrib.auth import views as auth_views
from django.core.exceptions import NON_FIELD_ERRORS

from procurement.core.security import cooloff_minutes, login_attempts_left


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def form_invalid(self, form):
        """A wrong user name or password says how many attempts are left, whether the user exists or
        not (the count is django-axes', per user name and address)."""
        attempts_left = None
        if form.has_error(NON_FIELD_ERRORS, "invalid_login"):
            attempts_left = login_attempts_left(self.request, username=form.data.get("username", ""))
        return self.render_to_response(
            self.get_context_data(form=form, attempts_left=attempts_left, cooloff_minutes=cooloff_minutes())
        )
