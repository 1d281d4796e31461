"""Reading, below the services: the querysets each role may see, the role helpers, and what a
dossier, a session or a generated document looks like to its readers.

Nothing here writes, and nothing here imports services, views or tasks: services and views read
through these, never the other way round. `selectors.queue` (the secretariat's queue) is imported
on its own."""

from .agrements import *  # noqa: F403
from .candidature import *  # noqa: F403
from .commission import *  # noqa: F403
from .documents import *  # noqa: F403
from .dossiers import *  # noqa: F403
from .roles import *  # noqa: F403
