"""The layout holds: no import circles between pages, reading below writing, the same URLs.

See docs/architecture.md for the direction of imports these tests enforce."""

from pathlib import Path

import pytest

from .import_graph import cycles, graph
from .url_list import named_urls

URLS_FILE = Path(__file__).with_name("urls.txt")
# Modules that views may share; every other module of applications.views is a page family.
SHARED_VIEW_MODULES = {"access", "feedback", "dossier_page"}
READERS = ("applications.selectors", "applications.documents", "applications.emails")
WRITERS = (
    "applications.services",
    "applications.views",
    "applications.forms",
    "applications.tasks",
)


@pytest.fixture(scope="module")
def edges():
    return graph()


def _is_page_or_form(module):
    parts = module.split(".")
    return "views" in parts or "forms" in parts


def _under(module, prefixes):
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def test_the_cycle_finder_finds_a_circle_and_ignores_a_chain():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_the_graph_sees_relative_and_function_level_imports(edges):
    # views/doctor.py has `from .. import selectors` at the top of the module.
    assert "applications.selectors" in edges["applications.views.doctor"]
    # A service imports its task inside the function that enqueues it: that edge counts too.
    assert "applications.tasks" in edges["applications.services.documents"]


def test_no_import_circle_of_more_than_two_modules(edges):
    assert [c for c in cycles(edges) if len(c) > 2] == []


def test_the_only_pairs_are_a_service_and_its_tasks(edges):
    for pair in cycles(edges):
        services = [m for m in pair if ".services" in m]
        tasks = [m for m in pair if m.endswith(".tasks")]
        assert len(services) == 1 and len(tasks) == 1, pair


def test_no_view_or_form_module_is_in_a_circle(edges):
    assert [c for c in cycles(edges) if any(_is_page_or_form(m) for m in c)] == []


def test_page_modules_never_import_each_other(edges):
    pages = {m for m in edges if m.startswith("applications.views.")}
    for page in pages:
        if page.rsplit(".", 1)[1] in SHARED_VIEW_MODULES:
            continue
        imported_pages = {
            m for m in edges[page] & pages if m.rsplit(".", 1)[1] not in SHARED_VIEW_MODULES
        }
        assert not imported_pages, f"{page} imports the page modules {sorted(imported_pages)}"


def test_shared_view_modules_import_no_page_module(edges):
    pages = {m for m in edges if m.startswith("applications.views.")}
    for shared in SHARED_VIEW_MODULES:
        module = f"applications.views.{shared}"
        assert {
            m for m in edges[module] & pages if m.rsplit(".", 1)[1] not in SHARED_VIEW_MODULES
        } == set()


def test_reading_never_depends_on_writing(edges):
    """Selectors, the PDF documents and the e-mails read through selectors, never services."""
    for module, targets in edges.items():
        if _under(module, READERS):
            wrong = sorted(t for t in targets if _under(t, WRITERS))
            assert not wrong, f"{module} imports {wrong}"


def test_models_import_no_service_selector_or_view(edges):
    for module, targets in edges.items():
        if _under(module, ("applications.models",)):
            wrong = sorted(t for t in targets if _under(t, WRITERS + READERS))
            assert not wrong, f"{module} imports {wrong}"


def test_every_named_url_is_where_it_was():
    """Paths are what users bookmark and e-mails link to: a refactoring keeps them all.

    A new page adds its line to tests/architecture/urls.txt (sorted) on purpose."""
    expected = URLS_FILE.read_text().splitlines()
    assert named_urls() == expected


TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
PAGE_BASES = ('{% extends "base.html" %}', '{% extends "accounts/_form_page.html" %}')


def test_every_page_says_where_it_stands_in_its_breadcrumb():
    """A page left with the layout's breadcrumb shows « Accueil » and nothing of its own."""
    bare = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if path.name != "_form_page.html"
        and path.read_text().startswith(PAGE_BASES)
        and "{% block breadcrumb" not in path.read_text()
    ]
    assert bare == []
