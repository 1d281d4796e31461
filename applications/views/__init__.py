"""Pages, one module per audience or page family. Page modules import `access`, `feedback`
and `dossier_page` (the shared parts of the dossier page), never each other; see
docs/architecture.md."""
