from django.urls import path

from . import views

app_name = "applications"

urlpatterns = [
    path("nouveau/", views.start, name="start"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/reprendre/", views.resume, name="resume"),
    path("<int:pk>/etape/<slug:slug>/", views.step, name="step"),
    path("<int:pk>/transmettre/", views.submit, name="submit"),
    path("<int:pk>/retirer/", views.withdraw, name="withdraw"),
    path("<int:pk>/pieces/<int:document_pk>/", views.document_download, name="document"),
    path(
        "<int:pk>/pieces/<int:document_pk>/supprimer/",
        views.document_delete,
        name="document_delete",
    ),
]
