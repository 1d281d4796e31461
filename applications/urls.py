from django.urls import path

from . import commission_views, document_views, settings_views, staff_views, views

app_name = "applications"

urlpatterns = [
    # The doctor's dossier
    path("nouveau/", views.start, name="start"),
    path("renouveler/", views.renew, name="renew"),
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
    # Documents the portal produces
    path("<int:pk>/dossier.pdf", document_views.dossier_pdf, name="dossier_pdf"),
    path(
        "<int:pk>/dossier-pdf/etat/", document_views.dossier_pdf_status, name="dossier_pdf_status"
    ),
    path(
        "<int:pk>/decisions/<int:decision_pk>/lettre.pdf",
        document_views.decision_letter,
        name="decision_letter",
    ),
    path(
        "commission/<int:pk>/ordre-du-jour.pdf",
        document_views.session_agenda_pdf,
        name="session_agenda_pdf",
    ),
    path(
        "commission/<int:pk>/proces-verbal.pdf",
        document_views.session_minutes_pdf,
        name="session_minutes_pdf",
    ),
    # Messages and notes
    path("<int:pk>/messages/", staff_views.post_message, name="post_message"),
    path(
        "<int:pk>/messages/<int:message_pk>/piece-jointe/",
        staff_views.message_attachment,
        name="message_attachment",
    ),
    path("<int:pk>/notes/", staff_views.add_note, name="add_note"),
    # Instruction
    path("instruction/", staff_views.queue_page, name="queue"),
    path("visites/", staff_views.my_visits, name="my_visits"),
    path("<int:pk>/recevable/", staff_views.declare_admissible, name="declare_admissible"),
    path("<int:pk>/complements/", staff_views.request_complements, name="request_complements"),
    path("<int:pk>/visite/programmer/", staff_views.schedule_visit, name="schedule_visit"),
    path("<int:pk>/visite/rapport/", staff_views.record_visit, name="record_visit"),
    path("<int:pk>/commission/", staff_views.add_to_agenda, name="add_to_agenda"),
    path("<int:pk>/decisions/", staff_views.record_decisions, name="record_decisions"),
    # Commission
    path("commission/", commission_views.session_list, name="sessions"),
    path("commission/nouvelle/", commission_views.session_create, name="session_create"),
    path("commission/<int:pk>/", commission_views.session_detail, name="session"),
    path("commission/<int:pk>/inscrire/", commission_views.session_add, name="session_add"),
    path(
        "commission/<int:pk>/avis/<int:level_pk>/",
        commission_views.give_opinion,
        name="give_opinion",
    ),
    path("commission/<int:pk>/cloturer/", commission_views.session_close, name="session_close"),
    path(
        "commission/<int:pk>/proces-verbal/",
        commission_views.session_minutes,
        name="session_minutes",
    ),
    # Faculty settings
    path(
        "faculte/<int:faculty_pk>/reglages/",
        settings_views.faculty_settings,
        name="faculty_settings",
    ),
]
