from django.urls import path

from . import views

app_name = "stages"

urlpatterns = [
    path("", views.admin_home, name="admin_home"),
    path("mes-stages/", views.mine, name="mine"),
]
