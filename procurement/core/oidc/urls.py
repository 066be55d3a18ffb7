from django.urls import path

from procurement.core.oidc import views

urlpatterns = [
    path("connexion/", views.AuthenticateView.as_view(), name="oidc_authentication_init"),
    path("retour/", views.CallbackView.as_view(), name="oidc_authentication_callback"),
]
