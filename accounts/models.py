from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True, is_active=True)
        extra.setdefault("email_confirmed_at", timezone.now())
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


def full_name(first_name, last_name):
    """« Prénom Nom », or "" when neither is known."""
    return f"{first_name} {last_name}".strip()


def display_name(first_name, last_name, email):
    """How a person is named on a page: their full name, else their e-mail (a page that reads
    names as plain values, such as the queue, calls it without building a User)."""
    return full_name(first_name, last_name) or email


class User(AbstractBaseUser, PermissionsMixin):
    """A person signing in with their e-mail address.

    A doctor's account stays inactive until the address is confirmed, so that a mistyped
    address never becomes a usable account.
    """

    email = models.EmailField(_("adresse électronique"), unique=True)
    first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    last_name = models.CharField(_("nom"), max_length=150, blank=True)
    is_active = models.BooleanField(_("actif"), default=True)
    is_staff = models.BooleanField(_("accès à l'administration Django"), default=False)
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)
    email_confirmed_at = models.DateTimeField(_("adresse confirmée le"), null=True, blank=True)
    email_digest = models.BooleanField(
        _("un récapitulatif quotidien plutôt qu'un e-mail par notification"),
        default=False,
        help_text=_("Proposé aux membres des équipes de la faculté."),
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")

    def __str__(self):
        return display_name(self.first_name, self.last_name, self.email)

    def get_full_name(self):
        return full_name(self.first_name, self.last_name)

    def get_short_name(self):
        return self.first_name or self.email

    @property
    def is_doctor(self):
        return hasattr(self, "doctor")


class Organisation(models.Model):
    class Kind(models.TextChoices):
        FACULTY = "faculty", _("Faculté (UFR) et son DUMG")
        UPP = "upp", _("Unité pédagogique de proximité")
        ARS = "ars", _("Agence régionale de santé")

    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("nom"), max_length=200)
    subdivision = models.CharField(_("subdivision"), max_length=100, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("faculté de rattachement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
        help_text=_("Pour une UPP : sa faculté."),
    )
    ars = models.ForeignKey(
        "self",
        verbose_name=_("ARS compétente"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="faculties",
        limit_choices_to={"kind": "ars"},
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="organisation_unique_kind_name")
        ]

    def __str__(self):
        return self.name


class FacultySettings(models.Model):
    """Rules DOMAIN.md leaves to each faculty, with the defaults it gives."""

    faculty = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="faculty_settings",
        limit_choices_to={"kind": Organisation.Kind.FACULTY},
    )
    years_required_externe = models.PositiveSmallIntegerField(
        _("années d'installation exigées (externes)"), default=1
    )
    years_required_interne = models.PositiveSmallIntegerField(
        _("années d'installation exigées (internes)"), default=3
    )
    training_required_general_practice = models.BooleanField(
        _("formation pédagogique exigée avant l'agrément en médecine générale"),
        default=False,
        help_text=_("Sinon, un engagement écrit à la suivre suffit."),
    )
    agrement_duration_years = models.PositiveSmallIntegerField(
        _("durée de l'agrément (années)"), default=5
    )
    alert_months_in_state = models.PositiveSmallIntegerField(
        _("signaler un dossier resté plus de … mois dans le même état"), default=2
    )
    alert_months_total = models.PositiveSmallIntegerField(
        _("signaler un dossier transmis depuis plus de … mois"), default=6
    )
    # Empty: half the session's members plus one (DOMAIN.md's default).
    commission_quorum = models.PositiveSmallIntegerField(
        _("quorum de la commission (membres présents)"),
        null=True,
        blank=True,
        help_text=_("Laissez vide pour la moitié des membres de la séance plus un."),
    )
    show_commission_opinion_to_doctor = models.BooleanField(
        _("montrer au médecin l'avis de la commission une fois la séance close"), default=False
    )
    # {level: [piece codes]}: pieces a dossier must carry for each level it asks. Empty means
    # the portal's defaults (applications.pieces.DEFAULT_PIECES).
    required_pieces = models.JSONField(_("pièces exigées par niveau"), default=dict, blank=True)
    # Retention (RGPD), defaults and reasons in docs/decisions.md (issue 18); applied daily by
    # retention.services. Accounts never confirmed have no faculty: RETENTION_UNCONFIRMED_DAYS.
    retention_pieces_years = models.PositiveSmallIntegerField(
        _("pièces d'un dossier décidé conservées … ans après la fin de l'agrément"),
        default=5,
        help_text=_("La décision, les lettres et l'historique du dossier sont toujours gardés."),
    )
    retention_withdrawn_years = models.PositiveSmallIntegerField(
        _("dossier retiré : pièces et données personnelles conservées … ans après le retrait"),
        default=1,
    )
    retention_export_days = models.PositiveSmallIntegerField(
        _("exports des paiements conservés … jours"), default=7
    )
    # Weekly minimum of an offer's team, in half-days (DOMAIN.md: niveau 1 8–9 half-days a
    # week; SASPAS one or more days a week). Checked when the team's half-days are given.
    min_half_days_niveau_1 = models.PositiveSmallIntegerField(
        _("stage de niveau 1 : demi-journées par semaine au minimum"),
        default=8,
        help_text=_("Total des demi-journées de l'équipe ; 8 par défaut."),
    )
    min_half_days_saspas = models.PositiveSmallIntegerField(
        _("SASPAS : demi-journées par semaine au minimum"),
        default=2,
        help_text=_("Total des demi-journées de l'équipe ; une journée (2) par défaut."),
    )
    # The faculty's own details: page header and footer, e-mail signature, legal pages.
    dumg_name = models.CharField(
        _("nom du département de médecine générale"),
        max_length=200,
        blank=True,
        default="",
        help_text=_("Par exemple : Département de médecine générale (DUMG)."),
    )
    dumg_address = models.TextField(_("adresse postale du DUMG"), blank=True, default="")
    dumg_email = models.EmailField(
        _("adresse électronique de contact du DUMG"), blank=True, default=""
    )
    dumg_phone = models.CharField(_("téléphone du DUMG"), max_length=30, blank=True, default="")
    publication_director = models.CharField(
        _("directeur ou directrice de la publication"),
        max_length=200,
        blank=True,
        default="",
        help_text=_("Pour les mentions légales, par exemple : le doyen de la faculté."),
    )

    class Meta:
        verbose_name = _("réglages de la faculté")
        verbose_name_plural = _("réglages des facultés")

    def __str__(self):
        return f"Réglages — {self.faculty}"

    def quorum_for(self, members_count):
        """Members who must be present for the session's opinions to stand."""
        if self.commission_quorum:
            return self.commission_quorum
        return members_count // 2 + 1

    @classmethod
    def for_faculty(cls, faculty):
        """The faculty's settings, or the defaults of DOMAIN.md when none were saved."""
        if faculty is None:
            return cls()
        try:
            return faculty.faculty_settings
        except cls.DoesNotExist:
            return cls(faculty=faculty)


class Membership(models.Model):
    """A staff role of a user in an organisation (a doctor has a Doctor profile instead)."""

    class Role(models.TextChoices):
        SECRETARIAT = "secretariat", _("Secrétariat du DUMG")
        VISITOR = "visitor", _("Visiteur")
        COMMISSION = "commission", _("Membre de la commission")
        FACULTY_ADMIN = "faculty_admin", _("Administrateur de la faculté")
        # Held on a UPP (not on the faculty): told of the difficulties reported in its stages.
        UPP_COORDINATOR = "upp_coordinator", _("Coordinateur d'UPP")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("rôle")
        verbose_name_plural = _("rôles")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} ({self.organisation})"


class UserSession(models.Model):
    """One signed-in browser of a user, so that they can see where they are signed in and end
    the other sessions. Filled at login, refreshed (at most once a minute) while it is used."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="browser_sessions", verbose_name=_("compte")
    )
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(_("connecté le"), default=timezone.now)
    last_seen = models.DateTimeField(_("dernière activité"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    user_agent = models.CharField(_("navigateur"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-last_seen"]

    def __str__(self):
        return f"{self.user} — {self.ip_address or '?'}"


class SecurityEvent(models.Model):
    """An append-only line of an account's security history (second factor enrolled or reset,
    recovery code used, lockout, password changed, other sessions ended)."""

    class Kind(models.TextChoices):
        SECOND_FACTOR_ENROLLED = "second_factor_enrolled", _("Second facteur activé")
        SECOND_FACTOR_RESET = "second_factor_reset", _("Second facteur réinitialisé")
        RECOVERY_CODE_USED = "recovery_code_used", _("Code de secours utilisé")
        LOCKED_OUT = "locked_out", _("Compte bloqué après des échecs de connexion")
        PASSWORD_CHANGED = "password_changed", _("Mot de passe changé")
        SIGNED_OUT_ELSEWHERE = "signed_out_elsewhere", _("Autres sessions fermées")

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="security_events", verbose_name=_("compte")
    )
    actor = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("auteur"),
    )
    kind = models.CharField(_("événement"), max_length=40, choices=Kind.choices)
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    created_at = models.DateTimeField(_("le"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("événement de sécurité")
        verbose_name_plural = _("événements de sécurité")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.created_at:%d/%m/%Y %H:%M} {self.user} {self.kind}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Security events are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Security events are immutable")
