from django.urls import path

from .views import agrements, commission, doctor, documents, dossier_page, queue, settings, staff

app_name = "applications"

urlpatterns = [
    # The doctor's dossier
    path("nouveau/", doctor.start, name="start"),
    path("renouveler/", doctor.renew, name="renew"),
    path("<int:pk>/", dossier_page.detail, name="detail"),
    path("<int:pk>/reprendre/", doctor.resume, name="resume"),
    path("<int:pk>/etape/<slug:slug>/", doctor.step, name="step"),
    path("<int:pk>/transmettre/", doctor.submit, name="submit"),
    path("<int:pk>/retirer/", doctor.withdraw, name="withdraw"),
    path("<int:pk>/pieces/<int:document_pk>/", documents.document_download, name="document"),
    path(
        "<int:pk>/pieces/<int:document_pk>/supprimer/",
        doctor.document_delete,
        name="document_delete",
    ),
    # The agrément after its decision
    path("agrements/<int:pk>/", agrements.agrement_detail, name="agrement"),
    path("agrements/<int:pk>/reexamen/", agrements.open_review, name="open_review"),
    path(
        "agrements/<int:pk>/lever-suspension/",
        agrements.lift_suspension,
        name="lift_suspension",
    ),
    path(
        "agrements/<int:pk>/suspensions/<int:suspension_pk>/levee.pdf",
        documents.lift_letter,
        name="lift_letter",
    ),
    path("lieu-principal/", agrements.change_main_site, name="change_main_site"),
    # Documents the portal produces
    path(
        "<int:pk>/pieces/remplacees/<int:replaced_pk>/",
        documents.replaced_piece_download,
        name="replaced_piece",
    ),
    path("<int:pk>/dossier.pdf", documents.dossier_pdf, name="dossier_pdf"),
    path("<int:pk>/dossier-pdf/etat/", documents.dossier_pdf_status, name="dossier_pdf_status"),
    path(
        "<int:pk>/decisions/<int:decision_pk>/lettre.pdf",
        documents.decision_letter,
        name="decision_letter",
    ),
    path(
        "commission/<int:pk>/ordre-du-jour.pdf",
        documents.session_agenda_pdf,
        name="session_agenda_pdf",
    ),
    path(
        "commission/<int:pk>/proces-verbal.pdf",
        documents.session_minutes_pdf,
        name="session_minutes_pdf",
    ),
    # Messages and notes
    path("<int:pk>/messages/", dossier_page.post_message, name="post_message"),
    path(
        "<int:pk>/messages/<int:message_pk>/piece-jointe/",
        documents.message_attachment,
        name="message_attachment",
    ),
    path("<int:pk>/notes/", staff.add_note, name="add_note"),
    # Instruction
    path("instruction/", queue.queue_page, name="queue"),
    path("instruction/inscrire/", queue.add_to_session, name="queue_add_to_session"),
    path("visites/", staff.my_visits, name="my_visits"),
    path("<int:pk>/recevable/", staff.declare_admissible, name="declare_admissible"),
    path("<int:pk>/complements/", staff.request_complements, name="request_complements"),
    path("<int:pk>/visite/programmer/", staff.schedule_visit, name="schedule_visit"),
    path("<int:pk>/visite/rapport/", staff.record_visit, name="record_visit"),
    path("<int:pk>/commission/", staff.add_to_agenda, name="add_to_agenda"),
    path("<int:pk>/decisions/", staff.record_decisions, name="record_decisions"),
    # Commission
    path("commission/", commission.session_list, name="sessions"),
    path("commission/nouvelle/", commission.session_create, name="session_create"),
    path("commission/<int:pk>/", commission.session_detail, name="session"),
    path("commission/<int:pk>/inscrire/", commission.session_add, name="session_add"),
    path(
        "commission/<int:pk>/avis/<int:level_pk>/",
        commission.give_opinion,
        name="give_opinion",
    ),
    path(
        "commission/<int:pk>/avis-commission/<int:level_pk>/",
        commission.commission_opinion,
        name="commission_opinion",
    ),
    path("commission/<int:pk>/presence/", commission.record_attendance, name="record_attendance"),
    path("commission/<int:pk>/cloturer/", commission.session_close, name="session_close"),
    path(
        "commission/<int:pk>/transmission/<slug:authority>.<slug:fmt>",
        commission.session_transmission,
        name="session_transmission",
    ),
    path("commission/<int:pk>/decisions/", commission.session_decisions, name="session_decisions"),
    path(
        "commission/<int:pk>/proces-verbal/",
        commission.session_minutes,
        name="session_minutes",
    ),
    # Faculty settings
    path(
        "faculte/<int:faculty_pk>/reglages/",
        settings.faculty_settings,
        name="faculty_settings",
    ),
    path(
        "faculte/<int:faculty_pk>/coordonnateurs/",
        settings.specialty_coordinators,
        name="specialty_coordinators",
    ),
]
