"""Business actions on dossiers. Views call these; no view sets a status itself.

Each state change runs in one transaction, locks the dossier row, checks the actor's role and
the state against workflow.TRANSITIONS (common.transition, the only writer of a status), writes
an Event and enqueues its e-mails after commit.
"""

from .agrements import *  # noqa: F403
from .candidature import *  # noqa: F403
from .commission import *  # noqa: F403
from .common import *  # noqa: F403
from .decisions import *  # noqa: F403
from .documents import *  # noqa: F403
from .downloads import *  # noqa: F403
from .instruction import *  # noqa: F403
from .lifecycle import *  # noqa: F403
from .specialties import *  # noqa: F403
