from django.urls import path

from . import views, views_evaluations, views_imports, views_incidents, views_student

app_name = "stages"

urlpatterns = [
    path("", views.admin_home, name="admin_home"),
    path("periodes/<int:pk>/", views.period_detail, name="period"),
    path("periodes/<int:pk>/terrains/nouveau/", views.offer_create, name="offer_create"),
    path("terrains/<int:pk>/", views.offer_detail, name="offer"),
    path("terrains/<int:pk>/modifier/", views.offer_edit, name="offer_edit"),
    path("terrains/<int:pk>/placer/", views.place, name="place"),
    path("placements/<int:pk>/retirer/", views.placement_remove, name="placement_remove"),
    path("placements/<int:pk>/dates/", views.placement_dates, name="placement_dates"),
    path(
        "placements/<int:pk>/suspensions/",
        views.suspension_add,
        name="suspension_add",
    ),
    path(
        "suspensions/<int:pk>/retirer/",
        views.suspension_remove,
        name="suspension_remove",
    ),
    path("a-resoudre/", views.affected_offers, name="affected_offers"),
    path("tutorat/", views.tutoring, name="tutoring"),
    path("tutorat/<int:pk>/terminer/", views.tutoring_end, name="tutoring_end"),
    path("mes-stages/", views.mine, name="mine"),
    # Import of students and placements (stages/imports.py)
    path("periodes/<int:pk>/importer/", views_imports.import_form, name="import_form"),
    path("imports/modele.csv", views_imports.import_template, name="import_template"),
    path("imports/<int:pk>/", views_imports.import_preview, name="import_preview"),
    # Evaluations (stages/evaluations.py)
    path("evaluations/grille/", views_evaluations.criteria, name="criteria"),
    path("evaluations/grille/<int:pk>/", views_evaluations.criterion_edit, name="criterion_edit"),
    path("evaluations/", views_evaluations.msu_list, name="evaluations"),
    path("evaluations/msu/<int:pk>/", views_evaluations.msu_detail, name="msu_evaluations"),
    path(
        "placements/<int:pk>/liens-etudiant/",
        views_evaluations.send_student_links,
        name="send_student_links",
    ),
    path(
        "mes-stages/placements/<int:pk>/",
        views_evaluations.placement_followup,
        name="placement_followup",
    ),
    path(
        "mes-stages/placements/<int:pk>/evaluation/<slug:slug>/",
        views_evaluations.evaluate,
        name="evaluate",
    ),
    path(
        "mes-stages/placements/<int:pk>/signaler/",
        views_evaluations.incident_report,
        name="incident_report",
    ),
    # Incident reports (stages/incidents.py)
    path("signalements/", views_incidents.incident_list, name="incidents"),
    path("signalements/<int:pk>/", views_incidents.incident_detail, name="incident"),
    path("signalements/<int:pk>/statut/", views_incidents.incident_status, name="incident_status"),
    # The student's links (stages/links.py), no account
    path(
        "etudiant/evaluation/<str:token>/",
        views_student.student_evaluation,
        name="student_evaluation",
    ),
    path(
        "etudiant/signalement/<str:token>/",
        views_student.student_incident,
        name="student_incident",
    ),
]
