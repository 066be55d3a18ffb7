"""Response headers that Django 5.2 does not set itself: Content-Security-Policy and Permissions-Policy.

Every asset is served by the app (no CDN, no inline script or style), so the policy is ``'self'``.
The few pages that cannot do without an inline script or a generated ``<style>`` (the API
documentation: Swagger UI's start-up script, Redoc's styled components) mark them with
``{{ request.csp_nonce }}``; a response whose nonce was used gets it added to ``script-src`` and
``style-src``, for that response only, so ``'unsafe-inline'`` is never needed.
A view that needs another policy sets the header itself; it is then left alone.
"""

import secrets
from functools import wraps

from django.conf import settings
from django.utils.functional import SimpleLazyObject

NONCE_DIRECTIVES = ("script-src", "style-src")


def csp_nonce(request) -> str:
    """This response's nonce, drawn on first use (a page that never asks for it keeps the plain policy)."""
    nonce = getattr(request, "_csp_nonce", None)
    if nonce is None:
        nonce = request._csp_nonce = secrets.token_urlsafe(18)
    return nonce


def policy_with_nonce(policy: str, nonce: str) -> str:
    """``script-src 'self'`` → ``script-src 'self' 'nonce-…'`` (and the same for ``style-src``)."""
    directives = [directive.strip() for directive in policy.split(";") if directive.strip()]
    return "; ".join(f"{directive} 'nonce-{nonce}'" if directive.split()[0] in NONCE_DIRECTIVES else directive
                     for directive in directives)


def csp_extra(**directives: str):
    """A view decorator adding directives to the policy of its responses only:
    ``csp_extra(worker_src="'self' blob:")`` for Redoc, whose search runs in a worker it builds from a blob."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            request._csp_extra = {name.replace("_", "-"): value for name, value in directives.items()}
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.headers = {
            "Content-Security-Policy": getattr(settings, "CONTENT_SECURITY_POLICY", ""),
            "Permissions-Policy": getattr(settings, "PERMISSIONS_POLICY", ""),
        }

    def __call__(self, request):
        request.csp_nonce = SimpleLazyObject(lambda: csp_nonce(request))
        response = self.get_response(request)
        for name, value in self.headers.items():
            if value and name not in response:
                nonce = getattr(request, "_csp_nonce", None)
                if name == "Content-Security-Policy" and nonce:
                    value = policy_with_nonce(value, nonce)
                if name == "Content-Security-Policy" and getattr(request, "_csp_extra", None):
                    value = "; ".join([value, *(f"{key} {source}" for key, source in request._csp_extra.items())])
                response[name] = value
        return response


def lockout_response(request, original_response=None, credentials=None):
    """django-axes lockout: a French page (status 429) telling how long the login is suspended."""
    from django.shortcuts import render

    return render(request, "registration/locked_out.html", {"cooloff_minutes": cooloff_minutes()}, status=429)


def login_attempts_left(request, *, username: str) -> int | None:
    """How many failed logins this user name may still have from this address before django-axes
    suspends the pair (``AXES_FAILURE_LIMIT``); None when throttling is off. The count is the same for
    a user name that exists and one that does not: nothing tells them apart."""
    if not settings.AXES_ENABLED or not username:
        return None
    from axes.handlers.proxy import AxesProxyHandler
    from axes.helpers import get_credentials, get_failure_limit

    credentials = get_credentials(username)
    failures = AxesProxyHandler.get_failures(request, credentials)
    return max(get_failure_limit(request, credentials) - failures, 0)


def cooloff_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
