from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from procurement.core.oidc.views import LogoutView
from procurement.core.views.pages import LoginView, health
from procurement.dashboards.views.agenda import AgendaFeedView
from procurement.dashboards.views.home import HomeView

admin.site.site_header = _("Achats publics — administration")
admin.site.site_title = _("Achats publics")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("sante/", health, name="health"),
    path("connexion/", LoginView.as_view(), name="login"),
    path("mot-de-passe/oublie/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("mot-de-passe/oublie/envoye/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("mot-de-passe/nouveau/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("mot-de-passe/nouveau/fait/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("deconnexion/", LogoutView.as_view(), name="logout"),
    path("sso/", include("procurement.core.oidc.urls")),
    path("compte/jetons-api/", include("procurement.api.token_urls")),
    path("compte/agenda/", include("procurement.dashboards.agenda_urls")),
    path("agenda/<slug:key>.ics", AgendaFeedView.as_view(), name="agenda-feed"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("reference/", include("procurement.core.urls")),
    path("fournisseurs/", include("procurement.vendors.urls")),
    path("programmes/", include("procurement.programmes.urls")),
    path("programmes/", include("procurement.sharing.urls")),
    path("consultations/", include("procurement.tenders.urls")),
    path("marches/", include("procurement.contracts.urls")),
    path("modeles/", include("procurement.documents.urls")),
    path("ressources/", include("procurement.resources.urls")),
    path("tableaux-de-bord/", include("procurement.dashboards.urls")),
    path("api/", include("procurement.api.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "procurement.core.views.pages.page_not_found"
handler500 = "procurement.core.views.pages.server_error"
