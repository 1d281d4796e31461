import datetime

import factory

from accounts.models import Membership, Organisation, User
from applications.models import Application, Doctor, PracticeSite, RequestedLevel

PASSWORD = "mot-de-passe-de-test-2026"


class FacultyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = Organisation.Kind.FACULTY
    name = factory.Sequence(lambda n: f"Faculté de test n° {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@example.org")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Testeur{n}")
    email_confirmed_at = factory.LazyFunction(lambda: datetime.datetime.now(datetime.UTC))
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(UserFactory):
    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if create and extracted:
            role, organisation = extracted
            Membership.objects.create(user=obj, organisation=organisation, role=role)


class DoctorFactory(factory.django.DjangoModelFactory):
    """A general practitioner whose profile is complete and eligible for every GP level."""

    class Meta:
        model = Doctor

    user = factory.SubFactory(UserFactory)
    civility = Doctor.Civility.DR_MME
    rpps = factory.Sequence(lambda n: f"{20000000000 + n:011d}")
    specialty = Doctor.Specialty.GENERAL_PRACTICE
    degree_date = datetime.date(2010, 6, 1)
    registered_with_ordre = True
    installation_date = datetime.date(2012, 1, 1)
    exercise_mode = Doctor.ExerciseMode.LIBERAL
    faculty = factory.SubFactory(FacultyFactory)
    training_completed_on = datetime.date(2013, 5, 1)


class PracticeSiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PracticeSite

    doctor = factory.SubFactory(DoctorFactory)
    kind = PracticeSite.Kind.GROUP
    address = "1 place de l'Exemple"
    postal_code = "34000"
    commune = "Montpellier"
    is_main = True


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft with everything filled in but the pieces."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    doctor = factory.SubFactory(DoctorFactory)
    faculty = factory.SelfAttribute("doctor.faculty")
    practice_description = "Cabinet de groupe, trois médecins."
    commit_training = True
    commit_charter = True
    commit_insurer = True
    certify_accuracy = True

    @factory.post_generation
    def levels(obj, create, extracted, **kwargs):
        if create:
            for level in extracted or ["niveau_1"]:
                RequestedLevel.objects.create(application=obj, level=level)

    @factory.post_generation
    def site(obj, create, extracted, **kwargs):
        if create and extracted is not False and not obj.doctor.sites.exists():
            PracticeSiteFactory(doctor=obj.doctor)
