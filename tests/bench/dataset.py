"""The large-faculty data set of `make bench-data`: faculties of 1 k, 10 k and 100 k dossiers.

Rows are written through the models with `bulk_create` (no services: 100 k submissions through
the real path would take hours; the path has its own tests). Each dossier gets a timeline that
matches its state (events from creation to where it stands, with complement requests, visits,
commission and decisions), pieces (rows only: no file is read by the pages measured), messages,
and for decided dossiers decisions and agréments. Names are generated from common first names
and surnames, accents included, so that searches are realistic; nobody real is meant.

    uv run python -m tests.bench.dataset            # the three faculties, or what is missing
    uv run python -m tests.bench.dataset --sizes 1000

A faculty already holding its dossiers is left as it is, so running it twice costs nothing.
"""

import argparse
import datetime
import os
import random
import sys
import time
import unicodedata

BENCH_PASSWORD = "bench-msu-2026"  # staff of the bench faculties, for the load test
SIZES = (1_000, 10_000, 100_000)

FIRST = (
    "Élise Hélène Chloé Léa Inès Zoé Anaïs Maëlle Céline Noémie Camille Lucie Manon Emma Jade "
    "Louis Adam Hugo Théo Raphaël Gabriel Jérôme Loïc Benoît Gaël Éric Noël Mathis Arthur Paul"
).split()
LAST = (
    "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel Lefèvre "
    "Leroy Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau "
    "Vincent Muller Lefèbvre Faure André Mercier Blanc Guérin Boyer Garnier Chevalier François "
    "Légaré Gauthier Perrin Robin Clément Morin Nicolas Henry Roussel Mathieu Gautier Masson "
    "Marchand Duval Denis Dumont Marie Lemaire Noël Meyer Dufour Meunier Brun Blanchard Giraud "
    "Joly Rivière Lucas Brunet Gaillard Barbier Arnaud Martinez Gérard Roche Renard Schmitt Roy "
    "Leroux Colin Vidal Caron Picard Roger Fabre Aubert Lemoine Renaud Dumas Lacroix Olivier "
    "Philippe Bourgeois Pierre Benoît Rey Leclerc Payet Rolland Leclercq Guillaume Lecomte Lopez "
    "Jean Dupuy Guillot Hubert Berger Carpentier Sánchez Dupuis Moulin Louis Deschamps Huet "
    "Vasseur Perez Boucher Fleury Royer Klein Jacquet Adam Paris Poirier Marty Aubry Guyot "
    "Carré Charles Renault Charpentier Ménard Maillard Baron Bertin Bailly Hervé Schneider "
    "Fernandez Le Gall Collet Léger Bouvier Julien Prévost Millet Perrot Daniel Le Roux Cousin"
).split()

# (share, path of states the dossier went through, ending in its current state)
PATH = [
    "draft",
    "submitted",
    "admissible",
    "visit_scheduled",
    "visit_done",
    "in_commission",
    "decided",
]
SPREAD = [
    ("draft", 0.03),
    ("submitted", 0.03),
    ("incomplete", 0.03),
    ("admissible", 0.02),
    ("visit_scheduled", 0.02),
    ("visit_done", 0.02),
    ("in_commission", 0.02),
    ("withdrawn", 0.05),
    ("decided", 0.78),
]
ACTION_TO = {
    "submitted": "submit",
    "admissible": "declare_admissible",
    "visit_scheduled": "schedule_visit",
    "visit_done": "record_visit",
    "in_commission": "send_to_commission",
    "decided": "record_decisions",
}


def normalise(text):
    """Lower case without accents (the queue's search compares these)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _luhn_rpps(number):
    """An 11-digit RPPS whose last digit is its Luhn key."""
    body = f"1{number:09d}"
    total = 0
    for i, digit in enumerate(reversed(body)):
        value = int(digit) * (2 if i % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return body + str((10 - total % 10) % 10)


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msu_portal.settings")
    import django

    django.setup()


def faculty_name(size):
    return f"Faculté de banc d'essai ({size // 1000} k dossiers)"


def staff_email(size, role="secretariat"):
    return f"banc-{role}-{size // 1000}k@example.org"


def ensure_faculty(size):
    """The bench faculty of `size` dossiers, its UPPs and its staff (secretariat, admin)."""
    from accounts.models import Membership, Organisation, User

    faculty, _ = Organisation.objects.get_or_create(
        kind=Organisation.Kind.FACULTY, name=faculty_name(size)
    )
    upps = list(Organisation.objects.filter(kind=Organisation.Kind.UPP, parent=faculty))
    if not upps:
        upps = Organisation.objects.bulk_create(
            Organisation(
                kind=Organisation.Kind.UPP,
                name=f"UPP {city} (banc {size // 1000} k)",
                parent=faculty,
            )
            for city in ("Nord", "Sud", "Est", "Ouest", "Centre")
        )
    staff = {}
    for role in (Membership.Role.SECRETARIAT, Membership.Role.FACULTY_ADMIN):
        user = User.objects.filter(email=staff_email(size, role)).first()
        if user is None:
            user = User.objects.create_user(
                staff_email(size, role),
                BENCH_PASSWORD,
                first_name="Camille",
                last_name=f"Banc {role}",
                email_confirmed_at=datetime.datetime.now(datetime.UTC),
            )
        Membership.objects.get_or_create(user=user, organisation=faculty, role=role)
        staff[role] = user
    return faculty, upps, staff


def generate(size, seed=0, out=sys.stdout):
    """Fill the bench faculty of `size` up to `size` dossiers."""
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Membership, User
    from applications.models import (
        Agrement,
        Application,
        ComplementRequest,
        Decision,
        Doctor,
        Document,
        Event,
        Message,
        PracticeSite,
        RequestedLevel,
        SiteVisit,
    )
    from applications.text import name_key
    from stages.levels import StageLevel, rules_for

    faculty, upps, staff = ensure_faculty(size)
    existing = Application.objects.filter(faculty=faculty).count()
    if existing >= size:
        out.write(f"{faculty.name} : {existing} dossiers, déjà prêt\n")
        return faculty
    rng = random.Random(seed + size)
    secretariat = staff[Membership.Role.SECRETARIAT]
    now = timezone.now()
    started = time.perf_counter()
    chunk = 5_000
    offset = existing
    levels_all = [level.value for level in StageLevel]
    pieces = [p.value for p in Document.Piece]
    states = [s for s, _w in SPREAD]
    weights = [w for _s, w in SPREAD]
    while offset < size:
        count = min(chunk, size - offset)
        with transaction.atomic():
            users = User.objects.bulk_create(
                User(
                    email=f"banc{size // 1000}k-{offset + i}@example.org",
                    password="!",
                    first_name=rng.choice(FIRST),
                    last_name=rng.choice(LAST),
                    email_confirmed_at=now,
                )
                for i in range(count)
            )
            doctors = Doctor.objects.bulk_create(
                Doctor(
                    user=user,
                    civility=rng.choice(["M", "MME"]),
                    rpps=_luhn_rpps(size * 10 + offset + i),
                    specialty="general_practice",
                    degree_date=datetime.date(rng.randint(1985, 2018), 6, 30),
                    registered_with_ordre=True,
                    installation_date=datetime.date(rng.randint(1988, 2020), 9, 1),
                    exercise_mode="liberal",
                    faculty=faculty,
                    upp=rng.choice(upps),
                    search_name=name_key(user.first_name, user.last_name),
                )
                for i, user in enumerate(users)
            )
            PracticeSite.objects.bulk_create(
                PracticeSite(
                    doctor=doctor,
                    kind="group",
                    name=f"Cabinet {doctor.user.last_name}",
                    address=f"{rng.randint(1, 120)} rue des Écoles",
                    postal_code=f"34{rng.randint(0, 999):03d}",
                    commune=rng.choice(["Montpellier", "Béziers", "Sète", "Lodève", "Agde"]),
                    zonage=rng.choice(["none", "none", "zip", "zac", "qpv"]),
                    is_main=True,
                )
                for doctor in doctors
            )
            plans = []
            for doctor in doctors:
                state = rng.choices(states, weights)[0]
                created = now - datetime.timedelta(days=rng.randint(20, 8 * 365))
                plans.append((doctor, state, created))
            applications = Application.objects.bulk_create(
                Application(
                    doctor=doctor,
                    faculty=faculty,
                    kind=rng.choice(["initial", "initial", "renewal"]),
                    status=state,
                    practice_description="Cabinet de groupe, patientèle variée.",
                    max_students=rng.randint(1, 3),
                    commit_charter=True,
                    commit_insurer=True,
                    certify_accuracy=True,
                    created_at=created,
                    submitted_at=None if state == "draft" else created + datetime.timedelta(1),
                    status_changed_at=min(now, created + datetime.timedelta(rng.randint(1, 180))),
                    version=5,
                )
                for doctor, state, created in plans
            )
            requested, events, documents, messages, visits, requests = [], [], [], [], [], []
            for application, (_doctor, state, created) in zip(applications, plans, strict=True):
                chosen = rng.sample(levels_all[:3], rng.randint(1, 2))
                requested.extend(RequestedLevel(application=application, level=lv) for lv in chosen)
                events.append(
                    Event(
                        application=application,
                        action="create",
                        to_status="draft",
                        created_at=created,
                    )
                )
                if state == "draft":
                    continue
                path = PATH[: PATH.index(state) + 1] if state in PATH else PATH[:2]
                at = created
                previous = "draft"
                for target in path[1:]:
                    at = at + datetime.timedelta(days=rng.randint(2, 25))
                    events.append(
                        Event(
                            application=application,
                            actor=secretariat if target != "submitted" else None,
                            action=ACTION_TO[target],
                            from_status=previous,
                            to_status=target,
                            created_at=min(at, now),
                        )
                    )
                    previous = target
                if state in ("incomplete", "withdrawn") or rng.random() < 0.2:
                    requests.append(
                        ComplementRequest(
                            application=application,
                            requested_by=secretariat,
                            requested_at=created + datetime.timedelta(days=3),
                            message="Merci de joindre votre attestation d'assurance.",
                            due_date=(created + datetime.timedelta(days=33)).date(),
                            items=["piece:insurance"],
                            answered_at=None
                            if state == "incomplete"
                            else created + datetime.timedelta(days=12),
                        )
                    )
                if state in ("incomplete", "withdrawn"):
                    events.append(
                        Event(
                            application=application,
                            actor=secretariat,
                            action="request_complements" if state == "incomplete" else "withdraw",
                            from_status="submitted",
                            to_status=state,
                            created_at=min(now, created + datetime.timedelta(days=3)),
                        )
                    )
                documents.extend(
                    Document(
                        application=application,
                        piece=piece,
                        file=f"banc/{application.pk}/{piece}.pdf",
                        original_name=f"{piece}.pdf",
                        content_type="application/pdf",
                        size=rng.randint(40_000, 900_000),
                        uploaded_at=created,
                    )
                    for piece in rng.sample(pieces, rng.randint(3, min(5, len(pieces))))
                )
                if rng.random() < 0.35:
                    messages.append(
                        Message(
                            application=application,
                            author=secretariat,
                            from_doctor=False,
                            body="Votre dossier est bien reçu.",
                            created_at=created + datetime.timedelta(days=2),
                            read_at=created + datetime.timedelta(days=3),
                        )
                    )
                if state in PATH[3:]:
                    visits.append(
                        SiteVisit(
                            application=application,
                            scheduled_for=created + datetime.timedelta(days=40),
                            scheduled_by=secretariat,
                            report="Locaux adaptés." if state != "visit_scheduled" else "",
                            recommendation="favourable" if state != "visit_scheduled" else "",
                            reported_at=None
                            if state == "visit_scheduled"
                            else created + datetime.timedelta(days=41),
                        )
                    )
            levels = RequestedLevel.objects.bulk_create(requested)
            Event.objects.bulk_create(events, batch_size=5_000)
            Document.objects.bulk_create(documents, batch_size=5_000)
            Message.objects.bulk_create(messages)
            SiteVisit.objects.bulk_create(visits)
            ComplementRequest.objects.bulk_create(requests)
            by_id = {a.pk: (a, plan) for a, plan in zip(applications, plans, strict=True)}
            decided = [lv for lv in levels if by_id[lv.application_id][1][1] == "decided"]
            decisions = Decision.objects.bulk_create(
                Decision(
                    requested_level=lv,
                    authority=rules_for(lv.level).authority,
                    decided_on=(by_id[lv.application_id][0].status_changed_at).date(),
                    reference=f"ARR-{lv.application_id}-{lv.level}",
                    outcome="granted" if rng.random() < 0.93 else "refused",
                    recorded_by=secretariat,
                )
                for lv in decided
            )
            agrements = []
            for decision, lv in zip(decisions, decided, strict=True):
                if decision.outcome != "granted":
                    continue
                start = decision.decided_on
                application = by_id[lv.application_id][0]
                agrements.append(
                    Agrement(
                        doctor_id=application.doctor_id,
                        application=application,
                        decision=decision,
                        level=lv.level,
                        authority=decision.authority,
                        reference=decision.reference,
                        valid_from=start,
                        valid_until=max(
                            start, start.replace(year=start.year + 5) - datetime.timedelta(1)
                        )
                        if not (start.month == 2 and start.day == 29)
                        else datetime.date(start.year + 5, 2, 28),
                    )
                )
            Agrement.objects.bulk_create(agrements)
        offset += count
        elapsed = time.perf_counter() - started
        out.write(f"{faculty.name} : {offset}/{size} dossiers ({elapsed:.0f} s)\n")
        out.flush()
    return faculty


def _create_database():
    """CREATE DATABASE for DATABASE_URL when it is PostgreSQL and missing."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    args = parser.parse_args(argv)
    _create_database()
    _setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0)
    started = time.perf_counter()
    for size in args.sizes:
        generate(size)
    from django.db import connection

    if connection.vendor == "postgresql":
        # As autovacuum leaves a live database: after a bulk load the trigram index still holds
        # its rows in GIN's pending list, which each search then reads through (15 ms instead
        # of 1 ms for a name), and the planner, seeing that cost, scans the doctors instead.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(f"Jeu de données prêt en {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
