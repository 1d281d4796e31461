"""The statement PDF holds every column inside the page: text extraction does not clip, so the
test reads where each piece of text is drawn and compares it with the page's box."""

import io

import pytest
from pypdf import PdfReader

from applications.models import PracticeSite
from remuneration import exports, statements
from stages import services
from tests.stages_helpers import make_msu, semester, student, team
from tests.workflow_helpers import make_staff

pytestmark = pytest.mark.django_db


def drawn_text(pdf_bytes):
    """[(page, text, x, estimated end x, y, page width)] of every line of text, in page space."""
    found = []
    for number, page in enumerate(PdfReader(io.BytesIO(pdf_bytes)).pages):
        box = page.mediabox

        def visitor(text, cm, tm, _font, size, number=number, box=box):
            if not text.strip():
                return
            # The text matrix's origin mapped through the current matrix gives the page position.
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            # pypdf joins the runs of one line: half an em per character is less than any
            # DejaVu Sans glyph but a space, so `end` never overshoots where the text ends.
            scale = (cm[0] ** 2 + cm[1] ** 2) ** 0.5 * (tm[0] ** 2 + tm[1] ** 2) ** 0.5
            end = x + 0.5 * size * scale * len(text.strip().replace(" ", ""))
            found.append((number, " ".join(text.split()), x, end, y, float(box.width)))

        page.extract_text(visitor_text=visitor)
    return found


def widest_statement():
    """A docteur junior in a ZIP supervising out-of-hours duty: every column of amounts."""
    staff = make_staff()
    period = semester(staff.faculty, staff.admin)
    msu = make_msu(
        staff.faculty,
        levels=["docteur_junior"],
        zonage=PracticeSite.Zonage.ZIP,
        last_name="Largeur-Maximale",
    )
    other = make_msu(staff.faculty, levels=["docteur_junior"], last_name="Binôme")
    offer = services.create_offer(
        period,
        staff.admin,
        "docteur_junior",
        "Maison de santé des Trois-Fontaines",
        team(msu, other, half_days=[1, 1], pdsa={0}),
    )
    services.place_student(offer, staff.admin, student())
    return statements.statement_for(staff.faculty, msu, 2026)


def test_every_column_and_the_total_are_drawn_inside_the_page():
    statement = widest_statement()
    assert len(statement.kinds) == 4
    pieces = drawn_text(exports.statement_pdf(statement))
    outside = [(text, round(x), round(end)) for _p, text, x, end, _y, w in pieces if end > w]
    assert outside == []
    texts = [text.replace("\u00a0", " ") for _p, text, *_ in pieces]
    # The "Total" heading and the grand total are drawn (inside the page, checked above).
    assert "Total" in texts
    assert "9 000,00 €" in texts
    # Headings wrap between words: none is cut by a hyphen (« pédago-giques »).
    assert [text for text in texts if text.rstrip().endswith(("-", "\u2010", "\u00ad"))] == []
    assert "pédagogiques" in " ".join(texts)
