from django.urls import path

from procurement.api.views import ApiTokensView

app_name = "api_tokens"

urlpatterns = [
    path("", ApiTokensView.as_view(), name="list"),
]
