"""The kinds of export: each list the portal can write as a file registers here (from its
app's `ready()`), with who may ask for it, which filters it keeps and where its rows come from.

A kind's `source(export)` returns either a `Table` (rows computed in Python, e.g. the payment
file) or a `QuerySource` (rows read from one queryset in chunks; on PostgreSQL its CSV is
written by `COPY … TO STDOUT`, see `exports.sources`)."""

from collections.abc import Callable
from dataclasses import dataclass

FORMATS = ("csv", "xlsx", "ods")

_KINDS = {}


@dataclass(frozen=True)
class ExportKind:
    slug: str
    label: object  # French, lazy
    roles: frozenset  # Membership roles in the export's faculty that may ask for it and read it
    count_label: Callable  # n -> "12 dossiers"
    clean: Callable  # (params: dict) -> the filters kept; raises ExportError when invalid
    source: Callable  # (export, progress) -> Table or QuerySource; progress(done, total)
    filename: Callable  # (export) -> "registre-agrements-2026-12-01.csv"
    describe: Callable = lambda params: ""  # the filters in French
    formats: tuple = FORMATS
    denied: object = None  # the French refusal for someone without the roles


def register(kind):
    _KINDS[kind.slug] = kind
    return kind


def get(slug):
    return _KINDS[slug]


def exists(slug):
    return slug in _KINDS


def kinds():
    return list(_KINDS.values())
