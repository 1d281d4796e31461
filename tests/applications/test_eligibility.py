"""Eligibility per level (DOMAIN.md), pure functions: no database."""

import datetime

import pytest

from applications.eligibility import (
    Associate,
    Profile,
    Rules,
    Site,
    add_years,
    check_level,
    same_structure,
)
from stages.levels import StageLevel

D = datetime.date
TODAY = D(2026, 11, 22)


def gp(**overrides):
    values = dict(
        degree_date=D(2010, 6, 1),
        registered_with_ordre=True,
        rpps="10001234565",
        installation_date=D(2020, 1, 1),
        general_practice=True,
        training_completed=True,
        training_commitment=False,
    )
    values.update(overrides)
    return Profile(**values)


def unmet_labels(result):
    return [check.label for check in result.unmet]


@pytest.mark.parametrize(
    ("installed", "level", "eligible"),
    [
        # Externes: one year of practice; the anniversary day itself is enough.
        (D(2025, 11, 22), StageLevel.EXTERNE, True),
        (D(2025, 11, 23), StageLevel.EXTERNE, False),
        # Internes: three years by default.
        (D(2023, 11, 22), StageLevel.NIVEAU_1, True),
        (D(2023, 11, 23), StageLevel.NIVEAU_1, False),
        (D(2023, 11, 22), StageLevel.SASPAS, True),
        (D(2023, 11, 23), StageLevel.SASPAS, False),
        (D(2023, 11, 23), StageLevel.DOCTEUR_JUNIOR, False),
    ],
)
def test_years_of_practice_boundary(installed, level, eligible):
    result = check_level(level, gp(installation_date=installed), Rules(), TODAY)
    assert result.eligible is eligible
    if not eligible:
        assert unmet_labels(result) == [
            f"Au moins {'1 an' if level == StageLevel.EXTERNE else '3 ans'} d'exercice depuis "
            "l'installation"
        ]
        assert "sera atteinte le" in result.unmet[0].reason


def test_faculty_setting_changes_the_years_required_for_internes():
    profile = gp(installation_date=D(2024, 11, 22))  # two years exactly
    assert not check_level(StageLevel.NIVEAU_1, profile, Rules(), TODAY).eligible
    assert check_level(
        StageLevel.NIVEAU_1, profile, Rules(years_required_interne=2), TODAY
    ).eligible


def test_installed_on_29_february_reaches_one_year_on_28_february():
    assert add_years(D(2024, 2, 29), 1) == D(2025, 2, 28)
    assert add_years(D(2024, 2, 29), 4) == D(2028, 2, 29)
    profile = gp(installation_date=D(2024, 2, 29))
    assert check_level(StageLevel.EXTERNE, profile, Rules(), D(2025, 2, 28)).eligible
    assert not check_level(StageLevel.EXTERNE, profile, Rules(), D(2025, 2, 27)).eligible


def test_missing_installation_date_is_reported_not_crashed():
    result = check_level(StageLevel.EXTERNE, gp(installation_date=None), Rules(), TODAY)
    assert not result.eligible
    assert "Indiquez la date de votre première installation." in [c.reason for c in result.unmet]


def test_degree_ordre_and_rpps_are_required_for_every_level():
    profile = gp(degree_date=None, registered_with_ordre=False, rpps="")
    for level in StageLevel:
        labels = unmet_labels(check_level(level, profile, Rules(), TODAY))
        assert "Diplôme d'État de docteur en médecine" in labels
        assert "Inscription au tableau de l'Ordre des médecins" in labels
        assert "Numéro RPPS" in labels


def test_general_practice_levels_are_closed_to_other_specialties_and_vice_versa():
    other = gp(general_practice=False, other_specialty="pediatrie")
    for level in (StageLevel.NIVEAU_1, StageLevel.SASPAS, StageLevel.DOCTEUR_JUNIOR):
        assert "Spécialité : médecine générale" in unmet_labels(
            check_level(level, other, Rules(), TODAY)
        )
    assert check_level(StageLevel.HORS_MG, other, Rules(), TODAY).eligible
    assert "Spécialité autre que la médecine générale" in unmet_labels(
        check_level(StageLevel.HORS_MG, gp(), Rules(), TODAY)
    )
    # Externes may be hosted by any specialty.
    assert check_level(StageLevel.EXTERNE, other, Rules(), TODAY).eligible


def test_general_practitioner_may_commit_to_training_unless_the_faculty_requires_it():
    committed = gp(training_completed=False, training_commitment=True)
    nothing = gp(training_completed=False, training_commitment=False)
    assert check_level(StageLevel.NIVEAU_1, committed, Rules(), TODAY).eligible
    assert not check_level(StageLevel.NIVEAU_1, nothing, Rules(), TODAY).eligible
    strict = Rules(training_required_general_practice=True)
    result = check_level(StageLevel.NIVEAU_1, committed, strict, TODAY)
    assert unmet_labels(result) == ["Formation pédagogique initiale suivie"]


def test_other_specialties_need_the_training_before_agrement():
    committed = gp(
        general_practice=False,
        other_specialty="dermatologie",
        training_completed=False,
        training_commitment=True,
    )
    result = check_level(StageLevel.HORS_MG, committed, Rules(), TODAY)
    assert unmet_labels(result) == ["Formation pédagogique initiale suivie"]
    assert "2 jours" in result.unmet[0].reason


def test_docteur_junior_level_opens_on_1_november_2026():
    assert not check_level(StageLevel.DOCTEUR_JUNIOR, gp(), Rules(), D(2026, 10, 31)).eligible
    assert check_level(StageLevel.DOCTEUR_JUNIOR, gp(), Rules(), D(2026, 11, 1)).eligible


def test_degree_in_the_future_is_not_a_degree():
    result = check_level(StageLevel.EXTERNE, gp(degree_date=D(2027, 1, 1)), Rules(), TODAY)
    assert "Diplôme d'État de docteur en médecine" in unmet_labels(result)


def test_the_stage_hors_mg_needs_the_specialty_chosen_from_the_list():
    result = check_level(StageLevel.HORS_MG, gp(general_practice=False), Rules(), TODAY)
    assert unmet_labels(result) == ["Spécialité choisie dans la liste"]
    assert "professeur coordonnateur" in result.unmet[0].reason
    # Externes do not depend on it.
    assert check_level(StageLevel.EXTERNE, gp(general_practice=False), Rules(), TODAY).eligible


# --- MSU associé ----------------------------------------------------------------------------

MAISON = Site("34000", "12 rue des Tilleuls", "Maison de santé des Tilleuls")


def associate(**overrides):
    values = dict(
        msu_name="Hélène Marchand",
        msu_levels=frozenset({StageLevel.NIVEAU_1, StageLevel.EXTERNE}),
        msu_sites=(MAISON,),
        own_sites=(Site("34000", "12, Rue des TILLEULS", ""),),
    )
    values.update(overrides)
    return Associate(**values)


ASSOCIATE_LINE = "MSU associé d'un MSU agréé de la même structure"


def test_an_associe_of_an_approved_msu_of_the_same_structure_is_eligible():
    result = check_level(StageLevel.NIVEAU_1, gp(associate=associate()), Rules(), TODAY)
    assert result.eligible
    assert ASSOCIATE_LINE in [check.label for check in result.checks]
    # Without the associé's dossier, no such line.
    plain = check_level(StageLevel.NIVEAU_1, gp(), Rules(), TODAY)
    assert ASSOCIATE_LINE not in [check.label for check in plain.checks]


def test_an_associe_needs_the_named_msu_approved_for_the_level_asked():
    result = check_level(StageLevel.SASPAS, gp(associate=associate()), Rules(), TODAY)
    assert unmet_labels(result) == [ASSOCIATE_LINE]
    assert "Hélène Marchand n'a pas d'agrément en cours pour ce niveau" in result.unmet[0].reason
    unknown = check_level(
        StageLevel.NIVEAU_1, gp(associate=Associate(msu_name=None)), Rules(), TODAY
    )
    assert unmet_labels(unknown) == [ASSOCIATE_LINE]
    assert "numéro RPPS du MSU agréé" in unknown.unmet[0].reason


def test_an_associe_must_practise_in_the_msus_structure():
    elsewhere = associate(own_sites=(Site("34000", "3 avenue de Lodève", ""),))
    result = check_level(StageLevel.NIVEAU_1, gp(associate=elsewhere), Rules(), TODAY)
    assert unmet_labels(result) == [ASSOCIATE_LINE]
    assert "Aucun de vos lieux d'exercice" in result.unmet[0].reason


def test_same_structure_compares_postal_code_then_address_or_name():
    assert same_structure([Site("34000", "12 rue des tilleuls")], [MAISON])
    assert same_structure([Site("34000", "Bâtiment B", "Maison de santé des tilleuls")], [MAISON])
    # Same address in another town is another structure.
    assert not same_structure([Site("30000", "12 rue des Tilleuls")], [MAISON])
    assert not same_structure([], [MAISON])
