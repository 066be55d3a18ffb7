"""The app's URLs plus one page that fails, to see the 500 page through the whole stack."""

from django.urls import path

from procurement import urls as app_urls

handler404 = getattr(app_urls, "handler404", "django.views.defaults.page_not_found")
handler500 = getattr(app_urls, "handler500", "django.views.defaults.server_error")


def failing_view(request):
    raise RuntimeError("panne simulée")


urlpatterns = [path("panne/", failing_view), *app_urls.urlpatterns]
