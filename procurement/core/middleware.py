"""Responses to a signed-in user are never stored by a browser or a proxy cache.

Pages, exports and API answers of a signed-in user carry bids, amounts and personal data: once the
session ends (or on a shared computer) the browser's cache or back button must not show them again.
Anonymous responses (the login page) are left alone; static files are served by whitenoise before
this middleware runs.
"""

from django.utils.cache import patch_cache_control


class NoStoreForAuthenticatedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Read after the view: the API authenticates a token inside the view and sets request.user then.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
