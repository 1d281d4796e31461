from django.urls import path

from exports import views as export_views

from . import views

app_name = "remuneration"

STATEMENT = "releves/<int:faculty_pk>/<int:doctor_pk>/<int:year>/"

urlpatterns = [
    path("mes-releves/", views.my_statements, name="my_statements"),
    path(STATEMENT, views.statement, name="statement"),
    path(f"{STATEMENT}releve.<str:fmt>", views.statement_download, name="statement_download"),
    path("faculte/", views.faculty_home, name="faculty_home"),
    path("faculte/exports/", views.export_request, name="export_request"),
    path("faculte/paiements/", views.payment_lines, name="payment_lines"),
    path("faculte/paiements/<int:pk>/payee/", views.payment_line_paid, name="payment_line_paid"),
    path(
        "faculte/paiements/<int:pk>/annuler-paiement/",
        views.payment_line_cancel,
        name="payment_line_cancel",
    ),
    path("faculte/paiements/import/", views.payment_import, name="payment_import"),
    path(
        "faculte/paiements/modele.<str:fmt>",
        views.payment_import_template,
        name="payment_import_template",
    ),
    # The payment files' first addresses, kept for bookmarks: the shared export views answer.
    path("exports/<int:pk>/etat/", export_views.export_status, name="export_status"),
    path("exports/<int:pk>/fichier/", export_views.export_download, name="export_download"),
    path("tarifs/", views.rates, name="rates"),
]
