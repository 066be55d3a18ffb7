"""Response headers that Django 5.2 does not set itself: Content-Security-Policy and Permissions-Policy.

Every asset is served by the app (no CDN, no inline script or style), so the policy is ``'self'``.
A view that needs another policy sets the header itself; it is then left alone.
"""

from django.conf import settings


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.headers = {
            "Content-Security-Policy": getattr(settings, "CONTENT_SECURITY_POLICY", ""),
            "Permissions-Policy": getattr(settings, "PERMISSIONS_POLICY", ""),
        }

    def __call__(self, request):
        response = self.get_response(request)
        for name, value in self.headers.items():
            if value and name not in response:
                response[name] = value
        return response


def lockout_response(request, original_response=None, credentials=None):
    """django-axes lockout: a French page (status 429) telling how long the login is suspended."""
    from django.shortcuts import render

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)
