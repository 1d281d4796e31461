"""Demo stages for `make run`: MSUs approved through the real instruction services, the current
and previous semesters, an externe period, offers with their teams, students placed and
portfolio tutoring, so that the demo MSU (msu@example.org) has students and statements; a
placement of the previous semester shortened (late start, a suspension), and its payment
exported with the demo MSU's line paid.

Every row goes through the services (the agréments through submission, visit, commission and
decision; the stages through stages.services). All people are fictional.
"""

import datetime
from typing import NamedTuple

from django.utils import timezone

from accounts.models import Organisation, User
from applications import services as instruction
from applications.demo import (
    _doctor,
    _fresh,
    _submitted,
    at_hour,
    demo_account,
    grant_every_level,
    on,
)
from applications.models import MemberOpinion, Review, SiteVisit

from . import services
from .levels import rules_for
from .models import Period, Student

# (login, civility, first name, last name, levels, zonage of the main site)
MSUS = [
    ("msu", "MME", "Hélène", "Marchand", ["externe", "niveau_1", "docteur_junior"], "zip"),
    ("bastien.leroy", "M", "Bastien", "Leroy", ["niveau_1", "docteur_junior"], "none"),
    ("claire.dumas", "MME", "Claire", "Dumas", ["externe", "niveau_1"], "none"),
]
# (number, last name, first name, promotion, level)
STUDENTS = [
    ("22004511", "Benoît", "Lina", 2025, "niveau_1"),
    ("21003872", "Carré", "Yanis", 2024, "niveau_1"),
    ("20002215", "Delorme", "Maëlle", 2023, "docteur_junior"),
    ("23006140", "Fabre", "Noé", 2023, "externe"),
    ("22004999", "Gaillard", "Romane", 2025, "saspas"),
]


def current_semester_start(today):
    if today.month >= 11:
        return datetime.date(today.year, 11, 1)
    if today.month >= 5:
        return datetime.date(today.year, 5, 1)
    return datetime.date(today.year - 1, 11, 1)


def _previous_semester_start(start):
    if start.month == 11:
        return datetime.date(start.year, 5, 1)
    return datetime.date(start.year - 1, 11, 1)


def _commission_day(decided_on):
    return at_hour(decided_on - datetime.timedelta(days=10), 14)


class Steps(NamedTuple):
    """When each step of a demo dossier is taken, up to the commission's opinions."""

    sent: datetime.datetime
    admissible: datetime.datetime
    visit: datetime.datetime
    reported: datetime.datetime
    agenda: datetime.datetime
    opinions: datetime.datetime


def _weeks_before(meets_at, index=0):
    """A faculty's usual pace before a session: sent six weeks before, visited three weeks
    before, on the agenda five days before (`index` keeps several dossiers apart)."""
    visit = at_hour(meets_at - datetime.timedelta(days=20 + index), 10)
    return Steps(
        sent=meets_at - datetime.timedelta(days=45, hours=index),
        admissible=meets_at - datetime.timedelta(days=40, hours=index),
        visit=visit,
        reported=visit + datetime.timedelta(hours=26),
        agenda=meets_at - datetime.timedelta(days=5, hours=index),
        opinions=meets_at + datetime.timedelta(minutes=30 + 10 * index),
    )


def _same_day(day, index=0):
    """Every step on `day`, before its session's 14:00 (the day a level opened)."""
    minutes = datetime.timedelta(minutes=10 * index)
    return Steps(
        sent=at_hour(day, 8) + minutes + datetime.timedelta(minutes=5),
        admissible=at_hour(day, 9) + minutes,
        visit=at_hour(day, 10 + index),
        reported=at_hour(day, 11 + index),
        agenda=at_hour(day, 13) + minutes,
        opinions=at_hour(day, 14) + minutes + datetime.timedelta(minutes=30),
    )


def _before_commission(doctor, levels, session, steps, secretariat, visitor, member):
    """An initial dossier walked through the instruction onto `session`, with its opinions,
    each step at its moment of `steps`, so that its history reads in order beside its
    agrément."""
    with on(steps.sent):
        app = _submitted(doctor, levels)
    with on(steps.admissible):
        instruction.declare_admissible(_fresh(app), secretariat)
        instruction.schedule_visit(_fresh(app), secretariat, steps.visit, [visitor])
    with on(steps.reported):
        instruction.record_visit(
            _fresh(app),
            visitor,
            {field: True for field, _label in SiteVisit.CHECKLIST},
            "Cabinet adapté à l'accueil d'étudiants, temps de reprise prévu chaque jour.",
            "favourable",
        )
    with on(steps.agenda):
        item = instruction.add_to_agenda(session, _fresh(app), secretariat)
    with on(steps.opinions):
        for level in item.levels.all():
            instruction.give_opinion(session, level, member, MemberOpinion.Opinion.FAVOURABLE)
            instruction.record_commission_opinion(session, level, member, Review.Opinion.FAVOURABLE)
    return app


def _session_on(faculty, secretariat, member, meets_at):
    """A commission session meeting at `meets_at`, created a month before."""
    with on(meets_at - datetime.timedelta(days=30)):
        return instruction.create_session(
            faculty, secretariat, meets_at, "Salle du conseil", [member]
        )


def _close_and_grant(session, apps, secretariat, member, decided_on):
    """The session closed on its day, then every level of `apps` granted on `decided_on`."""
    with on(session.meets_at + datetime.timedelta(hours=2)):
        instruction.record_attendance(session, secretariat, {member.pk: "present"})
        instruction.close_session(session, secretariat)
    with on(at_hour(decided_on, 16)):
        for app in apps:
            grant_every_level(app, secretariat, decided_on)


def _granted(doctor, levels, decided_on, secretariat, visitor, member, faculty):
    """One initial dossier walked through the whole instruction, granted on `decided_on` (at
    a session of its own)."""
    session = _session_on(faculty, secretariat, member, _commission_day(decided_on))
    steps = _weeks_before(session.meets_at)
    app = _before_commission(doctor, levels, session, steps, secretariat, visitor, member)
    _close_and_grant(session, [app], secretariat, member, decided_on)


def _granted_when_opened(doctors, level, secretariat, visitor, member, faculty):
    """The MSUs' dossiers for a level that opened after their first agrément (docteur junior,
    1 November 2026): sent, visited, examined and granted on its opening day, so that the
    level's first semester is covered from its first day (the demo's compressed faculty)."""
    day = rules_for(level).available_from
    with on(at_hour(day, 8)):
        session = instruction.create_session(
            faculty, secretariat, at_hour(day, 14), "Salle du conseil", [member]
        )
    apps = [
        _before_commission(
            doctor, [level], session, _same_day(day, index), secretariat, visitor, member
        )
        for index, doctor in enumerate(doctors)
    ]
    _close_and_grant(session, apps, secretariat, member, day)


def load_stages_demo(faculty, today=None):
    if Period.objects.filter(faculty=faculty).exists():
        return  # already loaded
    today = today or timezone.localdate()
    admin = User.objects.get(email="admin@example.org")
    secretariat = User.objects.get(email="secretariat@example.org")
    visitor = User.objects.get(email="visiteur@example.org")
    member = User.objects.get(email="commission@example.org")
    upp = Organisation.objects.filter(kind=Organisation.Kind.UPP, parent=faculty).first()
    # Agréments granted long enough ago to cover the previous and the current semesters.
    decided_on = _previous_semester_start(current_semester_start(today)) - datetime.timedelta(
        days=60
    )

    meets_at = _commission_day(decided_on)
    doctors, to_grant, session, later = {}, [], None, {}
    for index, (login, civility, first, last, levels, zonage) in enumerate(MSUS, start=40):
        user = demo_account(f"{login}@example.org", first, last)
        doctor = _doctor(user, faculty, upp, index)
        doctor.civility = civility
        doctor.save(update_fields=["civility"])
        doctor.sites.update(zonage=zonage)
        if login == "msu":  # the demo MSU's practice, named as its offers name it
            doctor.sites.update(name="MSP des Arceaux")
        if not doctor.agrements.exists():
            # One session for all of them, as a faculty holds it (not one each, the same day).
            session = session or _session_on(faculty, secretariat, member, meets_at)
            steps = _weeks_before(meets_at, len(to_grant))
            sent_on = timezone.localdate(steps.sent)
            asked = [level for level in levels if rules_for(level).open_on(sent_on)]
            to_grant.append(
                _before_commission(doctor, asked, session, steps, secretariat, visitor, member)
            )
            # A level not open yet when the first dossier was sent is asked once it opens.
            for level in levels:
                if level not in asked and rules_for(level).open_on(today):
                    later.setdefault(level, []).append(doctor)
        doctors[login] = doctor
    if session is not None:
        _close_and_grant(session, to_grant, secretariat, member, decided_on)
    for level, waiting in later.items():
        _granted_when_opened(waiting, level, secretariat, visitor, member, faculty)
    helene, bastien, claire = doctors["msu"], doctors["bastien.leroy"], doctors["claire.dumas"]

    start = current_semester_start(today)
    current = services.create_period(
        faculty, admin, Period.Kind.SEMESTER, *services.semester_bounds(start)
    )
    previous = services.create_period(
        faculty,
        admin,
        Period.Kind.SEMESTER,
        *services.semester_bounds(_previous_semester_start(start)),
    )
    # Externes: six weeks full time from the first Monday of the semester's third month.
    third_month = (start.replace(day=28) + datetime.timedelta(days=40)).replace(day=1)
    monday = third_month + datetime.timedelta(days=(7 - third_month.weekday()) % 7)
    externes = services.create_period(
        faculty, admin, Period.Kind.EXTERNE, monday, monday + datetime.timedelta(days=41)
    )

    def member_input(doctor, half_days, referent=False, pdsa=False):
        return services.MemberInput(
            doctor=doctor, half_days=half_days, referent=referent, supervises_pdsa=pdsa
        )

    students = {
        number: services.StudentInput(number, last, first, promotion)
        for number, last, first, promotion, _level in STUDENTS
    }
    binome = [member_input(helene, 5, referent=True), member_input(bastien, 4)]
    offer = services.create_offer(
        current, admin, "niveau_1", "MSP des Arceaux — niveau 1", binome, upp=upp
    )
    services.place_student(offer, admin, students["22004511"])
    offer = services.create_offer(
        previous, admin, "niveau_1", "MSP des Arceaux — niveau 1", binome, upp=upp
    )
    shortened = services.place_student(offer, admin, students["21003872"])
    # A stage as it really ran: arrived two weeks late, off sick ten days across a month end.
    services.change_placement_dates(
        shortened,
        admin,
        previous.start + datetime.timedelta(days=14),
        previous.end,
        dates_note="Arrivée retardée : choix de stage complémentaire.",
    )
    month_end = (previous.start + datetime.timedelta(days=95)).replace(day=1)
    services.add_suspension(
        shortened,
        admin,
        month_end - datetime.timedelta(days=5),
        month_end + datetime.timedelta(days=4),
        "Arrêt maladie",
    )
    if start >= datetime.date(2026, 11, 1):  # docteurs juniors exist from November 2026
        offer = services.create_offer(
            current,
            admin,
            "docteur_junior",
            "MSP des Arceaux — docteur junior",
            [member_input(helene, 3, referent=True, pdsa=True), member_input(bastien, 3)],
            upp=upp,
        )
        services.place_student(offer, admin, students["20002215"])
    offer = services.create_offer(
        externes,
        admin,
        "externe",
        "MSP des Arceaux — externes",
        [member_input(helene, 6, referent=True), member_input(claire, 4)],
        capacity=2,
        upp=upp,
    )
    services.place_student(offer, admin, students["23006140"])

    for number in ("21003872", "22004999"):
        data = students[number]
        level = next(s[4] for s in STUDENTS if s[0] == number)
        student, _ = Student.objects.get_or_create(
            faculty=faculty,
            student_number=number,
            defaults={
                "last_name": data.last_name,
                "first_name": data.first_name,
                "promotion": data.promotion,
                "level": level,
            },
        )
        services.assign_tutor(helene, student, admin, start)
    _paid_previous_semester(faculty, admin, previous, helene, today)


def _paid_previous_semester(faculty, admin, previous, helene, today):
    """The payment export of the previous semester's year, built, and Hélène Marchand's line
    paid by the accounting department (the other lines stay to pay)."""
    from exports import services as export_services
    from remuneration import services as remuneration
    from remuneration.models import PaymentLine
    from remuneration.statements import academic_year_of

    export = remuneration.request_export(faculty, admin, academic_year_of(previous.start), "xlsx")
    export_services.build_export(export.pk)
    for line in PaymentLine.objects.filter(export=export, doctor=helene, period=previous):
        remuneration.mark_paid(line, admin, today, "MANDAT-DEMO-0001")
