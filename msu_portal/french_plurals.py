"""The French catalogue of plural forms (locale/fr): `make plurals` writes it anew.

Our strings are written in French, so the portal needs no translation; but for a message with
no catalogue entry, Django's ngettext falls back to the English rule and says « 0 jours ». The
catalogue holds each plural message as its own translation, under the French rule (0 and 1 take
the singular). Made from the sources by `makemessages`, then compiled by `compilemessages`
(both need GNU gettext, a developer's tool: the compiled file is committed)."""

import os
import re
import subprocess  # nosec B404
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"
HEADER = """# Plural forms of the portal's French messages, written by `make plurals` (do not edit).
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Language: fr\\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\\n"
"""


def _chunk(lines, keyword):
    """The lines of `keyword "…"` and its continuation lines."""
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{keyword} "))
    end = start + 1
    while end < len(lines) and lines[end].startswith('"'):
        end += 1
    return lines[start:end]


def plural_entries(po_text):
    """Each plural entry of a catalogue, as its own translation."""
    entries = []
    for block in po_text.split("\n\n"):
        lines = block.strip().splitlines()
        if not any(line.startswith("msgid_plural ") for line in lines):
            continue
        flags = [line for line in lines if line.startswith("#,") and "fuzzy" not in line]
        singular, plural = _chunk(lines, "msgid"), _chunk(lines, "msgid_plural")
        entries.append(
            "\n".join(
                [
                    *flags,
                    *singular,
                    *plural,
                    re.sub(r"^msgid", "msgstr[0]", singular[0]),
                    *singular[1:],
                    re.sub(r"^msgid_plural", "msgstr[1]", plural[0]),
                    *plural[1:],
                ]
            )
        )
    return sorted(set(entries))


def catalogue(po_text):
    return "\n\n".join([HEADER.rstrip("\n"), *plural_entries(po_text)]) + "\n"


def _manage(*args, cwd=ROOT):
    env = {**os.environ, "DJANGO_DEBUG": "1"}  # a developer's command, on the embedded settings
    subprocess.run(  # nosec B603
        [sys.executable, "manage.py", *args], cwd=cwd, env=env, check=True, capture_output=True
    )


def extract(root=ROOT):
    """Every message of the sources under `root` (its locale/fr/…/django.po, rewritten)."""
    _manage(
        "makemessages",
        "-l",
        "fr",
        "--ignore=.venv",
        "--ignore=tests",
        "--no-location",
        "--no-obsolete",
        cwd=root,
    )
    return (root / CATALOGUE.relative_to(ROOT)).read_text()


def main():
    CATALOGUE.parent.mkdir(parents=True, exist_ok=True)
    CATALOGUE.write_text(catalogue(extract()))
    _manage("compilemessages", "-l", "fr", "--ignore=.venv")
    print(f"{CATALOGUE.relative_to(ROOT)} : {len(plural_entries(CATALOGUE.read_text()))} pluriels")


if __name__ == "__main__":
    main()
