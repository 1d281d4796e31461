"""Forms laid out as DSFR expects: one field per row inside a fieldset, with its gutter."""

import re

import pytest
from django.urls import reverse

from tests.stages_helpers import semester
from tests.workflow_helpers import make_staff

from .dsfr import misplaced_in_fieldsets

pytestmark = pytest.mark.django_db


def test_the_checker_flags_a_bare_input_group_in_a_fieldset():
    html = '<fieldset class="fr-fieldset"><legend>L</legend><div class="fr-input-group"></div>'
    html += '<div class="fr-fieldset__element"><div class="fr-input-group"></div></div></fieldset>'
    assert misplaced_in_fieldsets(html) == ["<div class='fr-input-group'>"]


def test_the_faculty_settings_fields_each_sit_in_a_fieldset_element(client):
    staff = make_staff()
    client.force_login(staff.admin)
    url = reverse("applications:faculty_settings", args=[staff.faculty.pk])
    assert misplaced_in_fieldsets(client.get(url).content.decode()) == []
    # With errors too: the error messages stay inside each field's element.
    response = client.post(url, {"years_required_externe": "x", "alert_months_total": "99"})
    assert response.status_code == 400
    assert misplaced_in_fieldsets(response.content.decode()) == []


def test_the_offer_form_fields_each_sit_in_a_fieldset_element(client):
    staff = make_staff()
    period = semester(staff.faculty, staff.admin)
    client.force_login(staff.admin)
    html = client.get(reverse("stages:offer_create", args=[period.pk])).content.decode()
    assert misplaced_in_fieldsets(html) == []


def test_a_required_choice_fieldset_carries_no_aria_required():
    """`aria-required` is not allowed on a group (axe: aria-allowed-attr, critical); the legend's
    asterisk says it, and each radio of a required choice carries `required` itself."""
    from django import forms
    from django.template import Context, Template

    class Choice(forms.Form):
        answer = forms.ChoiceField(choices=[("a", "Oui"), ("b", "Non")], widget=forms.RadioSelect)
        pieces = forms.MultipleChoiceField(
            choices=[("cv", "CV")], widget=forms.CheckboxSelectMultiple
        )

    html = Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(
        Context({"form": Choice()})
    )
    assert html.count("<fieldset") == 2
    assert "aria-required" not in html
    radio = re.search(r'<input type="radio" name="answer" value="a"[^>]*>', html).group(0)
    assert " required" in radio
