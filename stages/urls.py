from django.urls import path

from . import views

app_name = "stages"

urlpatterns = [
    path("", views.admin_home, name="admin_home"),
    path("periodes/<int:pk>/", views.period_detail, name="period"),
    path("periodes/<int:pk>/terrains/nouveau/", views.offer_create, name="offer_create"),
    path("terrains/<int:pk>/", views.offer_detail, name="offer"),
    path("terrains/<int:pk>/modifier/", views.offer_edit, name="offer_edit"),
    path("terrains/<int:pk>/placer/", views.place, name="place"),
    path("placements/<int:pk>/retirer/", views.placement_remove, name="placement_remove"),
    path("tutorat/", views.tutoring, name="tutoring"),
    path("tutorat/<int:pk>/terminer/", views.tutoring_end, name="tutoring_end"),
    path("mes-stages/", views.mine, name="mine"),
]
