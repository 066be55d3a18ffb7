from django.urls import path

from procurement.documents import views

app_name = "documents"

urlpatterns = [
    path("", views.VariablesView.as_view(), name="variables"),
    path("deposer/", views.TemplateUploadView.as_view(), name="upload"),
    path("<slug:kind>/v<int:version>.docx", views.TemplateDownloadView.as_view(), name="download"),
    path("<slug:kind>/v<int:version>/en-vigueur/", views.TemplateActivateView.as_view(), name="activate"),
]
