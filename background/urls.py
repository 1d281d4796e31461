from django.urls import path

from . import views

app_name = "background"

urlpatterns = [
    path("", views.status, name="status"),
    path("e-mails/<int:pk>/reessayer/", views.retry_notification, name="retry_notification"),
    path("documents/<int:pk>/reessayer/", views.retry_document, name="retry_document"),
]
