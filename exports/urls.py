from django.urls import path

from . import views

app_name = "exports"

urlpatterns = [
    path("", views.export_list, name="list"),
    path("demander/", views.export_request, name="request"),
    path("<int:pk>/etat/", views.export_status, name="status"),
    path("<int:pk>/fichier/", views.export_download, name="download"),
]
