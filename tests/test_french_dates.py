"""Dates in words as French writes them: « le 1er septembre 2026 », « le 2 septembre 2026 »,
in the pages, the letters and the e-mails (both template engines)."""

import datetime

import pytest
from django.template import engines
from django.utils import timezone


def _render(source, engine="django", **context):
    return engines[engine].from_string(source).render(context)


@pytest.mark.parametrize("engine", ["django", "text"])
def test_the_first_of_a_month_is_an_ordinal_the_other_days_are_not(engine):
    template = '{{ day|date_fr:"j F Y" }}'
    assert _render(template, engine, day=datetime.date(2026, 9, 1)) == "1er septembre 2026"
    assert _render(template, engine, day=datetime.date(2026, 9, 2)) == "2 septembre 2026"
    assert _render(template, engine, day=datetime.date(2026, 9, 11)) == "11 septembre 2026"
    assert _render(template, engine, day=None) == ""


def test_a_moment_is_read_on_the_french_clock_before_its_day_is_named():
    # 23:30 in UTC on 31 August is 1:30 on 1 September in Paris.
    moment = datetime.datetime(2026, 8, 31, 23, 30, tzinfo=datetime.UTC)
    with timezone.override("Europe/Paris"):
        text = _render('{{ moment|date_fr:"l j F Y à H:i" }}', moment=moment)
    assert text == "mardi 1er septembre 2026 à 01:30"


def test_numeric_dates_are_left_as_they_are():
    assert _render('{{ day|date_fr:"d/m/Y" }}', day=datetime.date(2026, 9, 1)) == "01/09/2026"


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("Agathe Vasseur", "d'Agathe Vasseur"),
        ("Émile Roux", "d'Émile Roux"),
        ("Marc Lefèvre", "de Marc Lefèvre"),
        ("Hugues Martin", "de Hugues Martin"),
        ("", "de "),
    ],
)
def test_de_is_elided_before_a_vowel(name, said):
    from applications.text import of_name

    assert of_name(name) == said
