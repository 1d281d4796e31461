"""A flat picture of what the doctor gave, to tell the secretariat what changed between its
complement request and the doctor's answer."""

from django.utils.translation import gettext as _

PROFILE = [
    "civility",
    "rpps",
    "specialty",
    "specialty_other",
    "degree_date",
    "registered_with_ordre",
    "installation_date",
    "exercise_mode",
    "training_completed_on",
    "phone",
]
ENVIRONMENT = [
    "practice_description",
    "patient_mix",
    "coordination",
    "student_room",
    "student_computer",
    "supervision_time",
    "max_students",
    "pdsa",
    "co_msus",
    "associate_role",
    "associate_msu",
    "commit_training",
    "commit_charter",
    "commit_insurer",
]


def _display(instance, name):
    field = instance._meta.get_field(name)
    value = getattr(instance, name)
    if field.choices:
        return str(getattr(instance, f"get_{name}_display")())
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)


def take(application):
    """{key: [French label, shown value]} of the dossier as it stands."""
    doctor = application.doctor
    shot = {
        "name": [_("Nom et prénom"), f"{doctor.user.last_name} {doctor.user.first_name}".strip()]
    }
    for name in PROFILE:
        shot[f"doctor.{name}"] = [
            str(doctor._meta.get_field(name).verbose_name),
            _display(doctor, name),
        ]
    for name in ENVIRONMENT:
        field = application._meta.get_field(name)
        shot[f"application.{name}"] = [str(field.verbose_name), _display(application, name)]
    shot["sites"] = [
        _("Lieux d'exercice"),
        " | ".join(
            f"{s.get_kind_display()} {s.name} {s.address} {s.postal_code} {s.commune} "
            f"({s.get_zonage_display()})"
            for s in doctor.sites.all()
        ),
    ]
    shot["levels"] = [
        _("Niveaux demandés"),
        ", ".join(r.get_level_display() for r in application.requested_levels.all()),
    ]
    for doc in application.documents.all():
        shot[f"piece.{doc.piece}"] = [
            str(doc.get_piece_display()),
            f"{doc.original_name} ({doc.uploaded_at:%d/%m/%Y %H:%M:%S.%f})",
        ]
    return shot


def changes(before, after):
    """French sentences, one per thing that differs."""
    found = []
    for key in list(before) + [k for k in after if k not in before]:
        old = before.get(key, [None, ""])
        new = after.get(key, [None, ""])
        if old[1] == new[1]:
            continue
        label = new[0] or old[0]
        if key.startswith("piece."):
            if not new[1]:
                found.append(_("%(label)s : pièce retirée") % {"label": label})
            else:
                found.append(
                    _("%(label)s : nouveau fichier « %(name)s »")
                    % {"label": label, "name": new[1].rsplit(" (", 1)[0]}
                )
            continue
        found.append(
            _("%(label)s : « %(old)s » → « %(new)s »")
            % {"label": label, "old": old[1] or "—", "new": new[1] or "—"}
        )
    return found
