from django.urls import path

app_name = "vendors"

urlpatterns: list = []
