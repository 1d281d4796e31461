"""The import of students and placements from the scolarité's file: each line accepted or
refused with its reason, the accepted ones imported in one go, nothing with "all or nothing"
when a line is refused, and a French message for a file that cannot be read."""

import datetime
import html
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from applications.models import Agrement
from applications.services import WorkflowError
from stages import imports, services
from stages.models import Placement, Student
from stages.records import ImportBatch
from tests.stages_helpers import make_msu, semester, student, team
from tests.workflow_helpers import make_staff

pytestmark = pytest.mark.django_db

HEADER = "numero_etudiant;nom;prenom;promotion;terrain;temps_partiel;email"


def csv_file(*lines, name="etudiants.csv", header=HEADER):
    return SimpleUploadedFile(name, ("\n".join([header, *lines]) + "\n").encode("utf-8"))


@pytest.fixture
def world():
    staff = make_staff()
    msu = make_msu(staff.faculty, last_name="Arnaud")
    other = make_msu(staff.faculty, last_name="Blanc")
    ending = make_msu(staff.faculty, last_name="Caron")
    period = semester(staff.faculty, staff.admin)
    big = services.create_offer(
        period, staff.admin, "niveau_1", "Cabinet Arnaud", team(msu, half_days=[8]), capacity=5
    )
    small = services.create_offer(
        period, staff.admin, "niveau_1", "Cabinet Blanc", team(other, half_days=[8]), capacity=1
    )
    short = services.create_offer(
        period, staff.admin, "niveau_1", "Cabinet Caron", team(ending, half_days=[8])
    )
    # Caron's agrément was shortened after the team was formed: it ends mid-semester.
    Agrement.objects.filter(doctor=ending).update(valid_until=datetime.date(2027, 1, 31))
    # A student already known under this number.
    services.place_student(big, staff.admin, student("21000001", "Martin", "Alix", 2025))
    # Another faculty's offer.
    staff_b = make_staff()
    period_b = semester(staff_b.faculty, staff_b.admin)
    foreign = services.create_offer(
        period_b,
        staff_b.admin,
        "niveau_1",
        "Cabinet d'ailleurs",
        team(make_msu(staff_b.faculty), half_days=[8]),
    )
    return staff, period, big, small, short, foreign


def mixed_lines(big, small, short, foreign):
    return [
        f"22000001;Petit;Noé;2025;{big.pk};non;noe.petit@example.org",  # 2: accepted
        f"22000002;Roux;Inès;2025;{small.pk};;",  # 3: accepted, fills Blanc
        f"22000003;Faure;Léo;2025;{small.pk};;",  # 4: Blanc is full
        "22000004;Giraud;Emma;2025;999999;;",  # 5: unknown offer
        f"22000005;Henry;Jade;2025;{foreign.pk};;",  # 6: another faculty's offer
        f"22000006;Moreau;Lou;2025;{short.pk};;",  # 7: Caron's agrément ends
        f"21000001;Durand;Paul;2025;{big.pk};;",  # 8: known number, another name
        f"22000001;Petit;Noé;2025;{small.pk};;",  # 9: Noé again, overlapping line 2
        "22000007;;Tom;20x5;Cabinet Arnaud;peut-être;pas-une-adresse",  # 10: shape
        "22000008;Leroy;Zoé;2024;cabinet arnaud;oui;",  # 11: accepted (label), part time
    ]


def test_the_preview_gives_each_line_its_reason_and_saves_nothing(world):
    staff, period, big, small, short, foreign = world
    batch = imports.create_batch(
        period, staff.admin, csv_file(*mixed_lines(big, small, short, foreign))
    )
    before = (Placement.objects.count(), Student.objects.count())

    results = {r.line: r for r in imports.preview(batch, staff.admin)}

    assert (Placement.objects.count(), Student.objects.count()) == before
    assert [line for line, r in results.items() if r.ok] == [2, 3, 11]
    reasons = {line: " ".join(r.reasons) for line, r in results.items()}
    assert "« Cabinet Blanc » est complet (1 étudiant sur 1)" in reasons[4]
    assert "Terrain de stage « 999999 » inconnu" in reasons[5]
    assert f"Terrain de stage « {foreign.pk} » inconnu" in reasons[6]
    assert "son agrément « Niveau 1" in reasons[7] and "prend fin le 31/01/2027" in reasons[7]
    assert "21000001 est déjà celui de Alix Martin" in reasons[8]
    assert "les deux stages se chevauchent" in reasons[9]
    assert "Il manque le nom." in reasons[10]
    assert "La promotion « 20x5 » n'est pas une année" in reasons[10]
    assert "« peut-être » n'est ni « oui » ni « non »" in reasons[10]
    assert "« pas-une-adresse » n'est pas une adresse électronique" in reasons[10]


def test_the_import_keeps_the_accepted_lines_only(world):
    staff, period, big, small, short, foreign = world
    batch = imports.create_batch(
        period, staff.admin, csv_file(*mixed_lines(big, small, short, foreign))
    )
    results = imports.run(batch, staff.admin)

    assert sum(r.ok for r in results) == 3
    placed = {
        (p.student.student_number, p.offer.label, p.part_time)
        for p in Placement.objects.select_related("student", "offer").exclude(
            student__student_number="21000001"
        )
    }
    assert placed == {
        ("22000001", "Cabinet Arnaud", False),
        ("22000002", "Cabinet Blanc", False),
        ("22000008", "Cabinet Arnaud", True),
    }
    assert Student.objects.get(student_number="22000001").email == "noe.petit@example.org"
    assert not Student.objects.filter(student_number__in=["22000003", "22000004"]).exists()
    assert Student.objects.get(student_number="21000001").last_name == "Martin"  # not renamed
    batch.refresh_from_db()
    assert batch.imported_count == 3 and batch.imported_at is not None
    with pytest.raises(WorkflowError, match="déjà été importé"):
        imports.run(batch, staff.admin)
    assert Placement.objects.count() == 4


def test_all_or_nothing_saves_nothing_when_a_line_is_refused(world):
    staff, period, big, small, short, foreign = world
    batch = imports.create_batch(
        period,
        staff.admin,
        csv_file(f"22000001;Petit;Noé;2025;{big.pk};;", "22000004;Giraud;Emma;2025;999999;;"),
        all_or_nothing=True,
    )
    with pytest.raises(WorkflowError, match="Rien n'a été importé : 1 ligne"):
        imports.run(batch, staff.admin)
    assert not Student.objects.filter(student_number="22000001").exists()
    assert Placement.objects.count() == 1
    batch.refresh_from_db()
    assert batch.imported_at is None

    clean = imports.create_batch(
        period, staff.admin, csv_file(f"22000001;Petit;Noé;2025;{big.pk};;"), all_or_nothing=True
    )
    imports.run(clean, staff.admin)
    assert Placement.objects.filter(student__student_number="22000001").count() == 1


def test_an_xlsx_file_with_numbers_typed_as_numbers_is_read(world):
    staff, period, big, *_ = world
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Numéro étudiant", "Nom", "Prénom", "Promotion", "Terrain"])
    sheet.append([22000009, "Noël", "Anaïs", 2025, big.pk])
    out = io.BytesIO()
    workbook.save(out)
    batch = imports.create_batch(
        period, staff.admin, SimpleUploadedFile("liste.xlsx", out.getvalue())
    )
    assert batch.rows[0]["numero_etudiant"] == "22000009"
    assert [r.ok for r in imports.run(batch, staff.admin)] == [True]
    assert Placement.objects.filter(student__last_name="Noël", offer=big).exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("liste.xlsx", b"PK\x03\x04 not a workbook"), "n'est pas un fichier"),
        (SimpleUploadedFile("liste.csv", b""), "est vide"),
        (SimpleUploadedFile("liste.pdf", b"%PDF-1.4 ..."), "Seuls les fichiers CSV et XLSX"),
        (SimpleUploadedFile("outil.exe", b"MZ this program"), "Seuls les fichiers CSV et XLSX"),
        (csv_file("1;2;3", header="nom;prenom;x"), "il manque : numero_etudiant, promotion"),
        (csv_file(header=HEADER), "aucune ligne d'étudiant"),
    ],
)
def test_a_malformed_file_gets_a_french_message_on_the_form(client, world, upload, message):
    staff, period, *_ = world
    client.force_login(staff.admin)
    response = client.post(reverse("stages:import_form", args=[period.pk]), {"file": upload})
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert not ImportBatch.objects.exists()


def test_the_admin_previews_then_imports_through_the_pages(client, world):
    staff, period, big, small, short, foreign = world
    client.force_login(staff.admin)
    page = client.get(reverse("stages:import_form", args=[period.pk])).content.decode()
    assert "numero_etudiant" in page and "Télécharger le modèle" in page
    assert f"<td>{big.pk}</td><td>Cabinet Arnaud</td>" in page

    template = client.get(reverse("stages:import_template"))
    assert template.content.decode("utf-8-sig").splitlines()[0] == HEADER.replace(";", ";")

    response = client.post(
        reverse("stages:import_form", args=[period.pk]),
        {
            "file": csv_file(
                f"22000001;Petit;Noé;2025;{big.pk};;", "22000004;Giraud;Emma;2025;999999;;"
            )
        },
    )
    batch = ImportBatch.objects.get()
    assert response.url == reverse("stages:import_preview", args=[batch.pk])
    preview = client.get(response.url).content.decode()
    assert "1 ligne acceptée" in preview and "1 ligne refusée" in preview
    assert "Terrain de stage « 999999 » inconnu" in preview
    assert Placement.objects.count() == 1

    done = client.post(response.url, {"confirm": "1"})
    assert done.url == reverse("stages:period", args=[period.pk])
    assert Placement.objects.filter(student__student_number="22000001").exists()
    assert "1 ligne(s) importée(s) sur 2." in client.get(done.url).content.decode()
    assert "a été importé le" in client.get(response.url).content.decode()


def test_another_faculty_admin_reaches_neither_the_period_nor_the_batch(client, world):
    staff, period, big, *_ = world
    batch = imports.create_batch(
        period, staff.admin, csv_file(f"22000001;Petit;Noé;2025;{big.pk};;")
    )
    outsider = make_staff().admin
    client.force_login(outsider)
    assert client.get(reverse("stages:import_form", args=[period.pk])).status_code == 404
    assert (
        client.post(reverse("stages:import_preview", args=[batch.pk]), {"confirm": "1"}).status_code
        == 404
    )
    with pytest.raises(WorkflowError):
        imports.run(batch, outsider)
    assert Placement.objects.count() == 1
    client.force_login(staff.secretariat)
    assert client.get(reverse("stages:import_template")).status_code == 403
