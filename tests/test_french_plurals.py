"""French plural forms: « 0 jour », « 1 jour », « 2 jours », whatever message says it, from
the catalogue of locale/fr (msu_portal.french_plurals; `make plurals` writes it anew)."""

import shutil
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils.translation import ngettext

from msu_portal import french_plurals

ROOT = french_plurals.ROOT


@pytest.mark.parametrize(("n", "said"), [(0, "0 jour"), (1, "1 jour"), (2, "2 jours")])
def test_zero_and_one_take_the_singular(n, said):
    assert ngettext("%(days)d jour", "%(days)d jours", n) % {"days": n} == said


def test_a_template_s_count_follows_the_french_rule_too():
    template = Template(
        "{% load i18n %}{% blocktranslate count n=0 %}{{ n }} e-mail non envoyé{% plural %}"
        "{{ n }} e-mails non envoyés{% endblocktranslate %}"
    )
    assert template.render(Context()) == "0 e-mail non envoyé"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext absent (xgettext)")
def test_the_catalogue_holds_every_plural_message_of_the_sources(tmp_path):
    """A plural message added without `make plurals` would say « 0 … s » again."""
    for source in ROOT.rglob("*"):
        relative = source.relative_to(ROOT)
        if relative.parts[0] in {".venv", ".git", "var", "tests", "locale", "node_modules"}:
            continue
        if source.suffix in {".py", ".html", ".txt"} and source.is_file():
            target = tmp_path / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    (tmp_path / "locale").mkdir()
    extracted = french_plurals.catalogue(french_plurals.extract(tmp_path))
    committed = Path(french_plurals.CATALOGUE).read_text()
    assert french_plurals.plural_entries(extracted) == french_plurals.plural_entries(committed)
