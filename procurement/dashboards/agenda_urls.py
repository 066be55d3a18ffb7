from django.urls import path

from procurement.dashboards.views.agenda import AgendaPageView

app_name = "agenda"

urlpatterns = [
    path("", AgendaPageView.as_view(), name="page"),
]
