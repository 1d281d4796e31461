from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("dossier/<int:pk>/", views.dossier_audit, name="dossier"),
    path("faculte/<int:faculty_pk>/", views.faculty_audit, name="faculty"),
]
