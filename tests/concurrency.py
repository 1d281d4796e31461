"""Running actions at the same moment from several threads, for the tests of row locks
(PostgreSQL only: SQLite has no select_for_update)."""

import threading

import pytest
from django.db import connection

from applications.services import WorkflowError

POSTGRES_ONLY = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks (select_for_update); set DATABASE_URL to a "
        "PostgreSQL database to run",
    ),
    pytest.mark.django_db(transaction=True),
]


def run_together(*actions):
    """Run each callable in its own thread, released together; one outcome per action: "ok"
    or the refusal's message (any other exception as its repr, never lost in the thread)."""
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait(timeout=10)
            action()
            outcomes[index] = "ok"
        except WorkflowError as error:
            outcomes[index] = str(error)
        except Exception as error:
            outcomes[index] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck on a lock"
    return outcomes
