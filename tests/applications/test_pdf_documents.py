"""The PDF documents, read back with pypdf as a reader of the file would: the dossier (summary,
table of contents, every piece appended and numbered), the decision letter, the commission's
agenda and minutes."""

import datetime
import io
import re

import pytest
import time_machine
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader, PdfWriter

from applications import services
from applications.documents import (
    build_agenda,
    build_decision_letter,
    build_dossier_pdf,
    build_minutes,
)
from applications.minimal_pdf import pdf_bytes
from applications.models import Application, Decision, PracticeSite, Review
from applications.models.agrement import validity_end
from applications.uploads import check_upload
from applications.workflow import Status
from tests.factories import ApplicationFactory, DoctorFactory, PracticeSiteFactory
from tests.files import upload
from tests.workflow_helpers import (
    advance,
    close_meeting,
    conclude,
    make_staff,
    past_session,
    submitted_application,
)

pytestmark = pytest.mark.django_db


# --- Files and dossiers ------------------------------------------------------------------------


def multi_page_pdf(*texts):
    writer = PdfWriter()
    for text in texts:
        writer.append(PdfReader(io.BytesIO(pdf_bytes(text))))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf(text="Secret content"):
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(pdf_bytes(text))))
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def jpeg_bytes(size=(1200, 900)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def png_bytes(size=(300, 200)):
    buffer = io.BytesIO()
    Image.new("RGBA", size, (0, 0, 145, 128)).save(buffer, "PNG")
    return buffer.getvalue()


def attach(application, piece, data, name):
    content_type = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}
    uploaded = upload(name, data, content_type[name.rsplit(".", 1)[1]])
    return services.attach_document(
        application, application.doctor.user, piece, uploaded, check_upload(uploaded)
    )


def read(built):
    reader = PdfReader(io.BytesIO(built.content))
    return reader, [page.extract_text() for page in reader.pages]


MONTHS = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"


def french(day):
    """A date as the letters write it: « 1er décembre 2026 », « 3 décembre 2026 »."""
    return f"{'1er' if day.day == 1 else day.day} {MONTHS.split()[day.month - 1]} {day.year}"


def flat(text):
    return re.sub(r"\s+", " ", text)


def summary_length(pages):
    """The summary's pages: those before the first page of an appended piece."""
    return next(i for i, text in enumerate(pages) if "PIECE-" in text)


@pytest.fixture
def dossier():
    """A draft with a site in a ZIP, two levels and five pieces of every kind of file."""
    doctor = DoctorFactory(rpps="10101010101")
    doctor.user.first_name, doctor.user.last_name = "Albane", "Dumontel"
    doctor.user.save()
    PracticeSiteFactory(doctor=doctor, name="Maison de santé des Tilleuls", zonage="zip")
    application = ApplicationFactory(doctor=doctor, levels=["externe", "niveau_1"], site=False)
    attach(application, "cv", multi_page_pdf("PIECE-CV page one", "PIECE-CV page two"), "cv.pdf")
    attach(application, "no_conviction", jpeg_bytes(), "casier.jpg")
    attach(application, "insurance", pdf_bytes("PIECE-INSURANCE attestation"), "rcp.pdf")
    attach(application, "training", png_bytes(), "formation.png")
    attach(
        application,
        "activity_report",
        multi_page_pdf(*(f"PIECE-REPORT page {n}" for n in range(1, 4))),
        "rapport.pdf",
    )
    return Application.objects.get(pk=application.pk)


# --- The dossier ---------------------------------------------------------------------------------


def test_dossier_pdf_is_the_summary_then_every_page_of_every_piece(dossier):
    built = build_dossier_pdf(dossier)
    reader, pages = read(built)
    summary = summary_length(pages)

    assert summary >= 1
    # 2 + 1 (image) + 1 + 1 (image) + 3 pages of pieces after the summary.
    assert len(reader.pages) == built.pages == summary + 8
    assert built.omitted == []
    pieces = pages[summary:]
    assert "PIECE-CV page one" in pieces[0] and "PIECE-CV page two" in pieces[1]
    assert "PIECE-INSURANCE" in pieces[3]
    assert [n for n in range(1, 4) if f"PIECE-REPORT page {n}" in pieces[5 + n - 1]] == [1, 2, 3]
    # The images, each on a page of its own, sized A4.
    for index in (2, 4):
        page = reader.pages[summary + index]
        assert "PIECE-" not in pieces[index]
        assert "/XObject" in page["/Resources"]
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)


def test_dossier_summary_shows_the_doctor_the_sites_and_the_levels(dossier):
    _reader, pages = read(build_dossier_pdf(dossier))
    summary = flat(" ".join(pages[: summary_length(pages)]))

    assert "Demande d'agrément de maître de stage des universités" in summary
    assert dossier.reference in summary
    assert "Albane Dumontel" in summary and "Madame" in summary
    assert "10101010101" in summary
    assert "Médecine générale" in summary
    assert "1er juin 2010" in summary  # degree date, in French words
    assert "Maison de santé des Tilleuls" in summary
    assert "ZIP — zone d'intervention prioritaire" in summary
    assert "2e cycle (externes)" in summary
    assert "Niveau 1 — stage chez le praticien (phase socle)" in summary
    assert "Éligible" in summary
    assert "Inscription au tableau de l'Ordre des médecins" in summary
    assert "Je m'engage à respecter la charte des maîtres de stage des universités." in summary
    assert "Cabinet de groupe, trois médecins." in summary
    assert "Historique du dossier" in summary


def test_ineligible_level_shows_the_unmet_condition(dossier):
    dossier.doctor.registered_with_ordre = False
    dossier.doctor.save()
    _reader, pages = read(build_dossier_pdf(dossier))
    summary = flat(" ".join(pages[: summary_length(pages)]))

    assert "Non éligible" in summary
    assert "L'inscription au tableau de l'Ordre est requise" in summary


def toc_entries(summary_text):
    """{piece label start: page} read from the table of contents."""
    found = {}
    for label in [
        "Curriculum vitae",
        "Attestation d'absence de condamnation",
        "Attestation d'assurance responsabilité civile professionnelle",
        "Attestation de formation pédagogique",
        "Rapport d'activité pédagogique",
    ]:
        match = re.search(re.escape(label) + r".*?pages?\)\s*(\d+)", summary_text)
        if match:
            found[label] = int(match.group(1))
    return found


def test_table_of_contents_gives_each_piece_its_starting_page(dossier):
    built = build_dossier_pdf(dossier)
    _reader, pages = read(built)
    summary = summary_length(pages)
    first_page = flat(pages[0])

    assert "Sommaire" in first_page
    for section in ["Identité et exercice", "Lieux d'exercice", "Niveaux demandés et éligibilité"]:
        assert section in first_page
    assert toc_entries(first_page) == {
        "Curriculum vitae": summary + 1,
        "Attestation d'absence de condamnation": summary + 3,
        "Attestation d'assurance responsabilité civile professionnelle": summary + 4,
        "Attestation de formation pédagogique": summary + 5,
        "Rapport d'activité pédagogique": summary + 6,
    }
    # The pages the contents point to are indeed where each piece starts.
    assert "PIECE-CV page one" in pages[summary]
    assert "PIECE-INSURANCE" in pages[summary + 3]
    assert "PIECE-REPORT page 1" in pages[summary + 5]


def test_every_page_is_numbered_out_of_the_total(dossier):
    built = build_dossier_pdf(dossier)
    _reader, pages = read(built)
    total = built.pages
    summary = summary_length(pages)

    for number, text in enumerate(pages, start=1):
        assert f"Page {number} / {total}" in flat(text), number
    first_piece_page = flat(pages[summary])
    assert f"Dossier {dossier.reference} — Curriculum vitae" in first_piece_page
    assert f"Page {summary + 1} / {total}" in first_piece_page
    assert "Rapport d'activité pédagogique de la période écoulée" in flat(pages[-1])
    # A long piece name is written whole on its pages' foot (on two lines), not cut short.
    no_conviction = flat(pages[summary + 2])
    assert "incompatible avec" in no_conviction and "l'enseignement" in no_conviction
    assert "…" not in no_conviction


def test_dossier_pdf_has_bookmarks_for_the_summary_and_each_piece(dossier):
    built = build_dossier_pdf(dossier)
    reader, pages = read(built)
    summary = summary_length(pages)
    outline = reader.outline
    top = [
        (item.title, reader.get_destination_page_number(item))
        for item in outline
        if not isinstance(item, list)
    ]

    assert top[0] == ("Récapitulatif du dossier", 0)
    assert top[1:] == [
        ("Curriculum vitae", summary),
        (
            "Attestation d'absence de condamnation disciplinaire ou pénale incompatible avec "
            "l'enseignement",
            summary + 2,
        ),
        ("Attestation d'assurance responsabilité civile professionnelle", summary + 3),
        ("Attestation de formation pédagogique ou engagement signé à la suivre", summary + 4),
        ("Rapport d'activité pédagogique de la période écoulée", summary + 5),
    ]
    sections = [item.title for item in outline[1]]
    assert sections[0] == "Identité et exercice" and "Historique du dossier" in sections


def test_unreadable_pieces_are_listed_as_not_included_and_the_rest_is_built(dossier):
    documents = {doc.piece: doc for doc in dossier.documents.all()}
    storage = documents["cv"].file.storage
    # A PDF cut in the middle of its objects, one behind a password, one gone, one emptied.
    for piece, data in [
        ("cv", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ngarbage"),
        ("insurance", encrypted_pdf()),
        ("activity_report", b""),
    ]:
        storage.delete(documents[piece].file.name)
        storage.save(documents[piece].file.name, io.BytesIO(data))
    storage.delete(documents["training"].file.name)

    built = build_dossier_pdf(dossier)
    reader, pages = read(built)

    assert sorted(built.omitted) == sorted(
        [
            ("Curriculum vitae", "fichier PDF illisible ou endommagé"),
            (
                "Attestation d'assurance responsabilité civile professionnelle",
                "PDF protégé par un mot de passe",
            ),
            (
                "Attestation de formation pédagogique ou engagement signé à la suivre",
                "fichier introuvable",
            ),
            ("Rapport d'activité pédagogique de la période écoulée", "fichier vide"),
        ]
    )
    # Only the image is left: the summary, then its page.
    last = flat(pages[-1])
    assert "Attestation d'absence de condamnation" in last
    summary = flat(" ".join(pages[:-1]))
    assert "Curriculum vitae — non incluse : fichier PDF illisible ou endommagé" in summary
    assert "non incluse : PDF protégé par un mot de passe" in summary
    assert "non incluse : fichier introuvable" in summary
    assert "non incluse : fichier vide" in summary
    assert f"Page {len(reader.pages)} / {len(reader.pages)}" in last


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_a_pdf_only_protected_against_editing_is_included(dossier, algorithm):
    """Insurers often protect their attestations against editing (AES nowadays)."""
    document = dossier.documents.get(piece="insurance")
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(pdf_bytes("PIECE-INSURANCE owner only"))))
    writer.encrypt(user_password="", owner_password="owner", algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    document.file.storage.delete(document.file.name)
    document.file.storage.save(document.file.name, io.BytesIO(out.getvalue()))

    built = build_dossier_pdf(dossier)
    _reader, pages = read(built)

    assert built.omitted == []
    assert any("PIECE-INSURANCE owner only" in text for text in pages)


def footer_position(page):
    """(x, y) where the 'Page n / N' footer is drawn, in the page's own coordinates."""
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip().startswith("Page "):
            found.append(
                (tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5])
            )

    page.extract_text(visitor_text=visit)
    return found[0]


def test_a_landscape_page_is_numbered_at_its_visible_foot(dossier):
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(pdf_bytes("PIECE-INSURANCE landscape"))))
    writer.pages[0].rotate(90)
    out = io.BytesIO()
    writer.write(out)
    document = dossier.documents.get(piece="insurance")
    document.file.storage.delete(document.file.name)
    document.file.storage.save(document.file.name, io.BytesIO(out.getvalue()))

    built = build_dossier_pdf(dossier)
    reader, pages = read(built)
    index = next(i for i, text in enumerate(pages) if "PIECE-INSURANCE" in text)
    page = reader.pages[index]
    shown = (float(page.mediabox.width), float(page.mediabox.height))
    if page.rotation in (90, 270):
        shown = shown[::-1]

    assert shown[0] > shown[1]  # still displayed in landscape
    assert page.rotation == 0  # the footer is drawn in the displayed orientation
    x, y = footer_position(page)
    assert y - float(page.mediabox.bottom) < 15 * 72 / 25.4
    assert x > shown[0] / 2  # on the right, as on the other pages


def test_an_unreadable_image_is_left_out(dossier):
    document = dossier.documents.get(piece="no_conviction")
    document.file.storage.delete(document.file.name)
    document.file.storage.save(document.file.name, io.BytesIO(b"\xff\xd8\xff" + b"\x00" * 64))

    built = build_dossier_pdf(dossier)

    assert built.omitted == [
        (
            "Attestation d'absence de condamnation disciplinaire ou pénale incompatible avec "
            "l'enseignement",
            "image illisible ou format non pris en charge",
        )
    ]
    _reader, pages = read(built)
    assert built.pages == summary_length(pages) + 7


def test_visit_report_appears_once_the_visit_is_reported():
    staff = make_staff()
    application = submitted_application(staff)
    text = flat(" ".join(read(build_dossier_pdf(application))[1]))
    assert "Rapport de visite" not in text

    application = advance(application, staff, to=Status.VISIT_SCHEDULED)
    text = flat(" ".join(read(build_dossier_pdf(application))[1]))
    assert "Rapport de visite" not in text

    application = advance(application, staff, to=Status.VISIT_DONE)
    text = flat(" ".join(read(build_dossier_pdf(application))[1]))
    assert "Rapport de visite du lieu de stage" in text
    assert "Favorable" in text
    assert "Cabinet adapté à l'accueil d'un étudiant." in text
    assert "✔ Confidentialité des consultations assurée" in text
    assert "✘ Sécurité des locaux" in text
    assert "✘ Temps de supervision prévu et réaliste" in text
    # The timeline goes up to the visit.
    assert "Rapport de visite enregistré (état : Visite effectuée)" in text
    assert "Dossier transmis" in text


def test_a_dossier_without_pieces_is_just_its_summary():
    application = ApplicationFactory()
    built = build_dossier_pdf(application)
    _reader, pages = read(built)

    assert built.omitted == []
    assert "Aucune pièce déposée." in flat(pages[0])
    assert f"Page {built.pages} / {built.pages}" in flat(pages[-1])


def test_a_long_summary_still_numbers_the_pieces_right(dossier):
    # Many sites and a long description: the summary runs over several pages.
    for n in range(25):
        PracticeSiteFactory(
            doctor=dossier.doctor, is_main=False, commune=f"Commune {n}", zonage="qpv"
        )
    dossier.practice_description = "Une longue description du cabinet. " * 150
    dossier.save()

    built = build_dossier_pdf(dossier)
    _reader, pages = read(built)
    summary = summary_length(pages)

    assert summary >= 4
    assert built.pages == summary + 8
    assert toc_entries(flat(pages[0]))["Curriculum vitae"] == summary + 1
    assert f"Page {summary + 1} / {built.pages}" in flat(pages[summary])
    assert str(PracticeSite.Zonage.QPV.label) in flat(" ".join(pages[:summary]))


# --- Decision letters ----------------------------------------------------------------------------


GRANTED_ON = timezone.localdate() - datetime.timedelta(days=3)
REFUSED_ON = timezone.localdate() - datetime.timedelta(days=2)


@pytest.fixture
def decided():
    """Externe granted by the UFR director; niveau 1 refused by the ARS."""
    staff = make_staff()
    application = advance(
        submitted_application(staff),
        staff,
        to=Status.IN_COMMISSION,
        session=past_session(staff, hours=5 * 24),  # met before both decisions
    )
    externe = application.requested_levels.get(level="externe")
    niveau_1 = application.requested_levels.get(level="niveau_1")
    services.record_decision(
        application,
        externe,
        staff.secretariat,
        decided_on=GRANTED_ON,
        reference="UFR-2026-017",
        granted=True,
        duration_years=5,
    )
    services.record_decision(
        Application.objects.get(pk=application.pk),
        niveau_1,
        staff.secretariat,
        decided_on=REFUSED_ON,
        reference="ARS-2026-443",
        granted=False,
        reason="Le temps de supervision prévu ne permet pas l'accueil d'un interne.",
    )
    return application


def test_granted_decision_letter_gives_the_authority_the_level_and_the_validity(decided):
    decision = Decision.objects.get(requested_level__application=decided, outcome="granted")
    built = build_decision_letter(decision)
    text = flat(" ".join(read(built)[1]))

    assert built.pages >= 1 and built.omitted == []
    assert "Décision d'agrément de maître de stage des universités" in text
    assert "Attestation d'agrément" in text
    assert "Directeur de l'UFR" in text
    assert "UFR-2026-017" in text
    assert "Le directeur de l'UFR," in text
    assert f"Date de la décision {french(GRANTED_ON)}" in text
    assert "2e cycle (externes)" in text
    # The act agrees with the doctor's civility (the factory's doctor is a woman).
    assert f"La docteure {decided.doctor} est agréée en qualité" in text
    assert f"atteste que la docteure {decided.doctor} (RPPS" in text
    assert "(e)" not in text
    assert decision.agrement.valid_until == validity_end(GRANTED_ON, 5)
    assert (
        f"Cet agrément est valable du {french(GRANTED_ON)} au "
        f"{french(validity_end(GRANTED_ON, 5))} inclus." in text
    )
    assert f"Valable jusqu'au {french(validity_end(GRANTED_ON, 5))}" in text
    assert "refusé" not in text


def test_refused_decision_letter_gives_the_reason(decided):
    decision = Decision.objects.get(requested_level__application=decided, outcome="refused")
    text = flat(" ".join(read(build_decision_letter(decision))[1]))

    assert "Décision de refus d'agrément" in text
    assert "Directeur général de l'ARS" in text
    assert "ARS-2026-443" in text
    assert f"Date de la décision {french(REFUSED_ON)}" in text
    assert "Niveau 1 — stage chez le praticien (phase socle)" in text
    assert "est refusé" in text
    assert f"demandé par la docteure {decided.doctor} pour" in text
    assert "Le temps de supervision prévu ne permet pas l'accueil d'un interne." in text
    assert "Attestation d'agrément" not in text
    assert "valable du" not in text


# --- Commission ----------------------------------------------------------------------------------


@pytest.fixture
def session_with_two_dossiers():
    staff = make_staff()
    meets_at = timezone.make_aware(datetime.datetime(2026, 11, 22, 14, 30))
    session = services.create_session(
        staff.faculty, staff.secretariat, meets_at, "Salle du conseil", [staff.commission]
    )
    first = advance(
        submitted_application(staff),
        staff,
        to=Status.IN_COMMISSION,
        session=session,
        opinions=False,
    )
    second = advance(
        submitted_application(staff, levels=("externe",), kind=Application.Kind.RENEWAL),
        staff,
        to=Status.IN_COMMISSION,
        session=session,
        opinions=False,
    )
    return staff, session, first, second


def test_agenda_lists_every_dossier_in_order(session_with_two_dossiers):
    _staff, session, first, second = session_with_two_dossiers
    built = build_agenda(session)
    text = flat(" ".join(read(built)[1]))

    assert "Ordre du jour" in text
    assert "dimanche 22 novembre 2026 à 14:30" in text
    assert "Salle du conseil" in text
    assert str(session.faculty) in text
    assert text.index(first.reference) < text.index(second.reference)
    assert f"Dr {first.doctor}" in text and f"Dr {second.doctor}" in text
    assert "Première demande" in text and "Renouvellement" in text
    assert "Niveau 1 — stage chez le praticien (phase socle)" in text
    assert "Favorable" in text  # the visit's recommendation
    assert "2 dossiers inscrits" in text


def test_minutes_show_attendance_quorum_and_each_level_opinion_with_its_vote_count(
    session_with_two_dossiers,
):
    staff, session, first, second = session_with_two_dossiers
    with pytest.raises(ValueError):
        build_minutes(session)
    # A member's own opinion, with a reason of their own: never printed in the minutes.
    level = second.requested_levels.get()
    services.give_opinion(
        session, level, staff.commission, "unfavourable", "Mon avis personnel : trop exigu."
    )
    conclude(session, first, staff.secretariat)
    services.record_commission_opinion(
        session,
        level,
        staff.secretariat,
        Review.Opinion.UNFAVOURABLE,
        "Locaux inadaptés à l'accueil d'un externe.",
    )
    with time_machine.travel(session.meets_at + datetime.timedelta(hours=2)):
        close_meeting(session, staff.secretariat)

    text = flat(" ".join(read(build_minutes(session))[1]))

    assert "Procès-verbal" in text
    assert "Défavorable" in text
    assert "Locaux inadaptés à l'accueil d'un externe." in text
    assert "0 pour, 1 contre, 0 abstention" in text  # computed from the member's opinion
    assert text.count("Favorable") >= 2
    assert f"Présents {staff.commission.get_full_name()}" in text
    assert "1 membre présent sur 1 ; quorum : 1 — atteint" in text
    assert "Mon avis personnel" not in text
    assert "Séance close le" in text and staff.secretariat.get_full_name() in text
