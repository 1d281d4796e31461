"""DSFR markup rules that, broken, hide things from people without any error."""

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR, "templates")


def templates():
    for path in TEMPLATES.rglob("*.html"):
        yield path.relative_to(TEMPLATES), path.read_text()


def test_a_button_group_with_icon_buttons_keeps_their_labels():
    """Inside `fr-btns-group`, DSFR turns a button with an icon into an icon-only 40 px square
    unless the group says where icons go (`fr-btns-group--icon-left` or `--icon-right`)."""
    offenders = []
    for name, text in templates():
        for group in re.finditer(r'<ul class="([^"]*fr-btns-group[^"]*)">(.*?)</ul>', text, re.S):
            classes, items = group.groups()
            for side in ("left", "right"):
                if f"fr-btn--icon-{side}" in items and f"fr-btns-group--icon-{side}" not in classes:
                    offenders.append(str(name))
    assert offenders == []
