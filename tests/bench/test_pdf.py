"""Benchmark (make bench, not make test): the dossier PDF of a full dossier.

Every piece a dossier can carry (five kinds, one file each), as doctors send them: a typed CV
and a typed activity report (multi-page PDFs with embedded fonts), a scanned attestation (a
multi-page PDF of 300 ppp page images), a phone photo (12 Mpx JPEG) and a scanned PNG.
Prints the median wall and CPU times over a few builds; the CPU budget is 1.5 s.
"""

import io
import statistics
import time

import pytest
from PIL import Image, ImageDraw
from weasyprint import HTML

from applications import services
from applications.documents import build_dossier_pdf
from applications.uploads import check_upload
from tests.factories import ApplicationFactory, PracticeSiteFactory
from tests.files import upload

pytestmark = pytest.mark.django_db

RUNS = 5
CPU_BUDGET = 1.5  # seconds


def typed_pdf(title, pages):
    paragraph = "Activité de soins primaires, accueil d'étudiants et supervision. " * 40
    body = "".join(
        f"<h1>{title} — page {n}</h1><p>{paragraph}</p><p>{paragraph}</p>"
        '<p style="break-after: page"></p>'
        for n in range(1, pages + 1)
    )
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


def scan_image(size, mode="L"):
    image = Image.new(mode, size, "white")
    draw = ImageDraw.Draw(image)
    for y in range(200, size[1] - 200, 60):  # lines of "text"
        draw.rectangle([180, y, size[0] - 180 - (y * 7) % 500, y + 22], fill="black")
    return image


def scanned_pdf(pages):
    images = [scan_image((2480, 3508)) for _ in range(pages)]
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", resolution=300, save_all=True, append_images=images[1:])
    return buffer.getvalue()


def photo_jpeg():
    image = Image.radial_gradient("L").resize((4032, 3024)).convert("RGB")
    ImageDraw.Draw(image).rectangle([800, 600, 3200, 2400], outline=(20, 20, 120), width=40)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, dpi=(72, 72))
    return buffer.getvalue()


def scanned_png():
    buffer = io.BytesIO()
    scan_image((1654, 2339)).save(buffer, "PNG", dpi=(200, 200))
    return buffer.getvalue()


@pytest.fixture
def full_dossier():
    application = ApplicationFactory(
        levels=["externe", "niveau_1", "saspas", "docteur_junior"],
        practice_description="Cabinet de groupe, trois médecins. " * 20,
    )
    for n in range(3):
        PracticeSiteFactory(doctor=application.doctor, is_main=False, commune=f"Commune {n}")
    pieces = [
        ("cv", "cv.pdf", typed_pdf("Curriculum vitae", 3), "application/pdf"),
        ("no_conviction", "attestation.pdf", scanned_pdf(2), "application/pdf"),
        ("insurance", "assurance.jpg", photo_jpeg(), "image/jpeg"),
        ("training", "formation.png", scanned_png(), "image/png"),
        ("activity_report", "rapport.pdf", typed_pdf("Rapport d'activité", 8), "application/pdf"),
    ]
    for piece, name, data, content_type in pieces:
        uploaded = upload(name, data, content_type)
        services.attach_document(
            application, application.doctor.user, piece, uploaded, check_upload(uploaded)
        )
    return application


def test_dossier_pdf_build_time(full_dossier):
    cold_cpu = time.process_time()
    built = build_dossier_pdf(full_dossier)  # first build: fonts and stylesheet loaded
    cold_cpu = time.process_time() - cold_cpu
    assert built.omitted == []
    walls, cpus = [], []
    for _ in range(RUNS):
        wall, cpu = time.perf_counter(), time.process_time()
        built = build_dossier_pdf(full_dossier)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    print(
        f"\ndossier PDF, {full_dossier.documents.count()} pieces, {built.pages} pages, "
        f"{len(built.content) / 1024:.0f} KiB: median wall {statistics.median(walls):.3f} s, "
        f"median CPU {statistics.median(cpus):.3f} s (max {max(cpus):.3f} s, "
        f"first build {cold_cpu:.3f} s CPU) over {RUNS} runs"
    )
    assert statistics.median(cpus) < CPU_BUDGET
    assert cold_cpu < CPU_BUDGET
