from django.urls import path

from . import views

app_name = "remuneration"

urlpatterns = [
    path("mes-releves/", views.my_statements, name="my_statements"),
    path("faculte/", views.faculty_home, name="faculty_home"),
]
