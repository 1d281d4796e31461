from django.urls import path

from . import views

app_name = "obligations"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("attestations/<int:pk>/", views.attestation_download, name="attestation"),
    path("faculte/en-retard/", views.behind, name="behind"),
    path("faculte/msu/<int:pk>/", views.msu, name="msu"),
    path("faculte/reunions/", views.meetings, name="meetings"),
    path("faculte/reunions/<int:pk>/", views.meeting, name="meeting"),
]
