import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from audit.triggers import immutable
from stages.levels import StageLevel

from ..specialties import OtherSpecialty
from ..text import name_key
from ..workflow import Status


def reference_of(created_at, pk):
    """The dossier's number as the portal prints it (MSU-2026-00042)."""
    return f"MSU-{created_at:%Y}-{pk:05d}"


class Doctor(models.Model):
    """The doctor's profile, shared by all their dossiers (names live on the User)."""

    class Civility(models.TextChoices):
        DR_M = "M", _("Monsieur")
        DR_MME = "MME", _("Madame")

    class Specialty(models.TextChoices):
        GENERAL_PRACTICE = "general_practice", _("Médecine générale")
        OTHER = "other", _("Autre spécialité")

    class ExerciseMode(models.TextChoices):
        LIBERAL = "liberal", _("Libéral")
        SALARIED = "salaried", _("Salarié")
        MIXED = "mixed", _("Mixte")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="doctor"
    )
    civility = models.CharField(_("civilité"), max_length=3, choices=Civility.choices, blank=True)
    rpps = models.CharField(
        _("numéro RPPS"),
        max_length=11,
        blank=True,
        validators=[
            RegexValidator(r"^[0-9]{11}\Z", _("Le numéro RPPS compte exactement 11 chiffres."))
        ],
    )
    specialty = models.CharField(
        _("spécialité"), max_length=20, choices=Specialty.choices, blank=True
    )
    specialty_other = models.CharField(
        _("autre spécialité"), max_length=120, choices=OtherSpecialty.choices, blank=True
    )
    degree_date = models.DateField(
        _("date du diplôme d'État de docteur en médecine"), null=True, blank=True
    )
    registered_with_ordre = models.BooleanField(
        _("inscrit au tableau de l'Ordre des médecins"), default=False
    )
    installation_date = models.DateField(_("date de première installation"), null=True, blank=True)
    exercise_mode = models.CharField(
        _("mode d'exercice"), max_length=10, choices=ExerciseMode.choices, blank=True
    )
    faculty = models.ForeignKey(
        Organisation,
        verbose_name=_("faculté de rattachement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="doctors",
        limit_choices_to={"kind": Organisation.Kind.FACULTY},
    )
    training_completed_on = models.DateField(
        _("date de la formation pédagogique initiale"), null=True, blank=True
    )
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    upp = models.ForeignKey(
        Organisation,
        verbose_name=_("unité pédagogique de proximité (UPP)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="upp_doctors",
        limit_choices_to={"kind": Organisation.Kind.UPP},
    )

    # Folded "last first" names (applications.text.name_key), kept by save() and by the User
    # signal: the queue searches it with a trigram index on PostgreSQL.
    search_name = models.CharField(max_length=310, blank=True, editable=False)

    class Meta:
        verbose_name = _("médecin")
        verbose_name_plural = _("médecins")
        constraints = [
            models.UniqueConstraint(
                fields=["rpps"], condition=~models.Q(rpps=""), name="doctor_unique_rpps"
            )
        ]

    def __str__(self):
        return str(self.user)

    def save(self, *args, **kwargs):
        self.search_name = name_key(self.user.first_name, self.user.last_name)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_name"}
        super().save(*args, **kwargs)

    @property
    def titled(self):
        """« la docteure Hélène Marchand », « le docteur Paul Martin », as an official act
        names the doctor (« le docteur » when no civility was given)."""
        if self.civility == self.Civility.DR_MME:
            return _("la docteure %(name)s") % {"name": self}
        return _("le docteur %(name)s") % {"name": self}

    @property
    def feminine_ending(self):
        """The ending of an adjective about the doctor: « agréé{e} », « inscrit{e} » —
        "e", "" or "(e)" when no civility was given."""
        return {self.Civility.DR_MME: "e", self.Civility.DR_M: ""}.get(self.civility, "(e)")

    @property
    def main_site(self):
        """The main practice site (PracticeSite's ordering puts it first), or None."""
        return self.sites.first()

    @property
    def is_general_practitioner(self):
        return self.specialty == self.Specialty.GENERAL_PRACTICE


class PracticeSite(models.Model):
    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Cabinet individuel")
        GROUP = "group", _("Cabinet de groupe")
        MSP = "msp", _("Maison de santé pluriprofessionnelle")
        HEALTH_CENTRE = "health_centre", _("Centre de santé")
        LOCAL_HOSPITAL = "local_hospital", _("Hôpital de proximité (activité de soins primaires)")

    class Zonage(models.TextChoices):
        NONE = "none", _("Hors zonage")
        ZIP = "zip", _("ZIP — zone d'intervention prioritaire")
        ZAC = "zac", _("ZAC — zone d'action complémentaire")
        QPV = "qpv", _("QPV — quartier prioritaire de la ville")

    doctor = models.ForeignKey(Doctor, on_delete=models.CASCADE, related_name="sites")
    kind = models.CharField(_("type de lieu"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("nom du cabinet ou de la structure"), max_length=200, blank=True)
    address = models.CharField(_("adresse"), max_length=255)
    postal_code = models.CharField(
        _("code postal"),
        max_length=5,
        validators=[RegexValidator(r"^[0-9]{5}\Z", _("Le code postal compte 5 chiffres."))],
    )
    commune = models.CharField(_("commune"), max_length=120)
    zonage = models.CharField(_("zonage"), max_length=4, choices=Zonage.choices, default="none")
    is_main = models.BooleanField(_("lieu d'exercice principal"), default=False)

    class Meta:
        verbose_name = _("lieu d'exercice")
        verbose_name_plural = _("lieux d'exercice")
        ordering = ["-is_main", "pk"]

    def __str__(self):
        return f"{self.display_name} — {self.commune}"

    @property
    def display_name(self):
        """Its name, or its kind when it has none (« Cabinet individuel »)."""
        return self.name or str(self.get_kind_display())


class AssociateRole(models.TextChoices):
    COLLABORATOR = "collaborator", _("Collaborateur régulier")
    REPLACEMENT = "replacement", _("Remplaçant régulier")


class Application(models.Model):
    """The agrément dossier. Its status only changes through applications.services."""

    AssociateRole = AssociateRole

    class Kind(models.TextChoices):
        INITIAL = "initial", _("Première demande")
        RENEWAL = "renewal", _("Renouvellement")
        # Opened by the secretariat on agréments in force (applications.services.agrements):
        # the same path (visit, commission, decision), one requested level per agrément.
        REVIEW = "review", _("Réexamen d'agrément")

    doctor = models.ForeignKey(
        Doctor, on_delete=models.PROTECT, related_name="applications", verbose_name=_("médecin")
    )
    faculty = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="applications",
        null=True,
        verbose_name=_("faculté"),
    )
    kind = models.CharField(
        _("type de demande"), max_length=10, choices=Kind.choices, default=Kind.INITIAL
    )
    status = models.CharField(
        _("état"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )

    # Teaching environment
    practice_description = models.TextField(_("description de l'activité du cabinet"), blank=True)
    patient_mix = models.TextField(_("patientèle (âges, pathologies, actes)"), blank=True)
    coordination = models.TextField(_("coordination pluriprofessionnelle"), blank=True)
    student_room = models.BooleanField(_("une pièce disponible pour l'étudiant"), default=False)
    student_computer = models.BooleanField(
        _("un poste informatique pour l'étudiant"), default=False
    )
    supervision_time = models.TextField(_("temps de supervision et de reprise prévu"), blank=True)
    max_students = models.PositiveSmallIntegerField(
        _("nombre maximal d'étudiants accueillis en même temps"), default=1
    )
    pdsa = models.BooleanField(_("participation à la permanence des soins (PDSA)"), default=False)
    co_msus = models.TextField(_("co-MSU du binôme ou trinôme"), blank=True)

    # MSU associé: a regular collaborator or replacement of an approved MSU, in their structure.
    associate_role = models.CharField(
        _("candidature comme MSU associé"),
        max_length=12,
        choices=AssociateRole.choices,
        blank=True,
    )
    associate_msu = models.ForeignKey(
        Doctor,
        verbose_name=_("MSU agréé de la structure"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="associate_applications",
    )

    # Commitments
    commit_training = models.BooleanField(default=False)
    commit_charter = models.BooleanField(default=False)
    commit_insurer = models.BooleanField(default=False)
    certify_accuracy = models.BooleanField(default=False)

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("transmis le"), null=True, blank=True, editable=False)
    status_changed_at = models.DateTimeField(default=timezone.now, editable=False)
    # Bumped by every transition: a form posted against an older version is refused, so two
    # staff members acting at once never both succeed on the same state.
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-created_at"]
        # The queue: each tab's rows in each order come straight from an index (a tab of one
        # state from the first two, a tab of two states from its partial index), so that
        # page 200 never sorts a faculty; the counts are an index-only scan of the first.
        indexes = [
            models.Index(
                fields=["faculty", "status", "submitted_at", "id"], name="queue_by_submission"
            ),
            models.Index(
                fields=["faculty", "status", "status_changed_at", "id"], name="queue_by_state_age"
            ),
            *[
                models.Index(
                    fields=["faculty", order, "id"],
                    condition=models.Q(status__in=statuses),
                    name=f"queue_{tab}_by_{suffix}",
                )
                for tab, statuses in (
                    ("visit", ["admissible", "visit_scheduled"]),
                    ("closed", ["decided", "withdrawn"]),
                )
                for order, suffix in (("submitted_at", "submission"), ("status_changed_at", "age"))
            ],
            # The faculty dashboard (reports.dashboard): dossiers received per month (those
            # decided per month, or in each state, are read from the two above).
            models.Index(fields=["faculty", "submitted_at"], name="application_fac_submitted"),
        ]

    def __str__(self):
        return f"Dossier n° {self.pk} — {self.doctor}"

    @property
    def reference(self):
        return reference_of(self.created_at, self.pk)

    @property
    def levels(self):
        return [StageLevel(r.level) for r in self.requested_levels.all()]

    @property
    def is_associate(self):
        return bool(self.associate_role)


class RequestedLevel(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="requested_levels"
    )
    level = models.CharField(_("niveau"), max_length=20, choices=StageLevel.choices)
    # In a review dossier: the agrément this level re-examines.
    reviewed_agrement = models.ForeignKey(
        "applications.Agrement",
        verbose_name=_("agrément réexaminé"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="review_levels",
    )

    class Meta:
        verbose_name = _("niveau demandé")
        verbose_name_plural = _("niveaux demandés")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "level"], name="requested_level_unique")
        ]

    def __str__(self):
        return self.get_level_display()


def private_storage():
    """The private storage (applications.storage.PRIVATE: the backend settings name now)."""
    from ..storage import PRIVATE

    return PRIVATE


def document_path(instance, filename):
    # The name is ours, never the uploader's: the extension comes from the detected content.
    ext = PurePosixPath(filename).suffix.lower()
    return f"dossiers/{instance.application_id}/{uuid.uuid4().hex}{ext}"


class Document(models.Model):
    class Piece(models.TextChoices):
        CV = "cv", _("Curriculum vitae")
        NO_CONVICTION = (
            "no_conviction",
            _(
                "Attestation d'absence de condamnation disciplinaire ou pénale incompatible avec "
                "l'enseignement"
            ),
        )
        INSURANCE = "insurance", _("Attestation d'assurance responsabilité civile professionnelle")
        TRAINING = (
            "training",
            _("Attestation de formation pédagogique ou engagement signé à la suivre"),
        )
        ACTIVITY_REPORT = (
            "activity_report",
            _("Rapport d'activité pédagogique de la période écoulée"),
        )

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    piece = models.CharField(_("pièce"), max_length=20, choices=Piece.choices)
    file = models.FileField(storage=private_storage, upload_to=document_path, max_length=255)
    original_name = models.CharField(_("nom du fichier envoyé"), max_length=255)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("pièce justificative")
        verbose_name_plural = _("pièces justificatives")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "piece"], name="document_one_per_piece")
        ]

    def __str__(self):
        return f"{self.get_piece_display()} ({self.original_name})"


class EventQuerySet(models.QuerySet):
    def timeline(self):
        """What the dossier's timeline shows: not the lines only the audit log lists
        (messages, notes, downloads), which would leak a staff note to the doctor."""
        from ..events import AUDIT_ONLY

        return self.exclude(action__in=AUDIT_ONLY)


class Event(models.Model):
    """An immutable line of a dossier's timeline and audit log, of a commission session's, or
    of both (a member's opinion); applications/events.py has the French label of every action.
    `internal` events (opinions, attendance) are never shown to the doctor."""

    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    session = models.ForeignKey(
        "applications.CommissionSession",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    internal = models.BooleanField(default=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        ordering = ["created_at", "pk"]
        triggers = immutable(
            "event",
            [
                "id",
                "application",
                "session",
                "internal",
                "action",
                "from_status",
                "to_status",
                "comment",
                "created_at",
            ],
        )
        constraints = [
            models.CheckConstraint(
                condition=models.Q(application__isnull=False) | models.Q(session__isnull=False),
                name="event_has_a_subject",
            )
        ]

    def __str__(self):
        return f"{self.created_at:%d/%m/%Y %H:%M} {self.label}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Events are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Events are immutable")

    @property
    def label(self):
        from ..events import label_of

        return label_of(self.action)

    @property
    def what(self):
        """The timeline's line: what happened, then the state it left the dossier in when the
        label does not already say it (« Décisions enregistrées (état : Décidé) », but « Dossier
        transmis »). Showing the state alone made the same decision read « Décision
        enregistrée » on one line and « Décidé » on the next."""
        label = str(self.label)
        if not self.to_status:
            return label
        state = str(self.get_to_status_display())
        if state.lower() in label.lower():
            return label
        return _("%(label)s (état : %(state)s)") % {"label": label, "state": state}
