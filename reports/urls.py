from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
    path("tableau-de-bord/<slug:figure>.csv", views.figure_csv, name="figure_csv"),
    path("tableau-de-bord/etudiants-a-placer/", views.targets, name="targets"),
    path("agrements/", views.agrements, name="agrements"),
    path("agrements/liste.pdf", views.agrements_pdf, name="agrements_pdf"),
    path("annuaire/", views.directory, name="directory"),
]
