"""Handing work to the Celery broker without ever failing the business action.

The work itself is always a row written in the business transaction (a Notification, a
GeneratedDocument, a PaymentExport): enqueuing is only a way to do it sooner. When the broker
is down, `delay` raises; we log it and go on, and the sweepers that beat runs every minute or
two deliver whatever is still pending (docs/decisions.md, "Nothing lost when the broker or a
worker fails")."""

import functools
import logging
import threading

from django.db import connections, transaction

log = logging.getLogger(__name__)


def _eager(task):
    return bool(task.app.conf.task_always_eager)


def enqueue(task, *args):
    """Try to enqueue `task(*args)` now. Returns the AsyncResult, or None if the broker refused.

    Inline (eager) mode runs the task here: its errors are the task's own and propagate, as
    they did before, so that tests and `make run` see them."""
    if _eager(task):
        return task.delay(*args)
    try:
        return task.delay(*args)
    except Exception:  # the broker (or the network to it) is down: the sweeper catches up
        log.warning(
            "Could not enqueue %s%r; the sweeper will deliver it.", task.name, args, exc_info=True
        )
        return None


def enqueue_on_commit(task, *args):
    """Enqueue after the current transaction commits; a failure never reaches the user."""
    transaction.on_commit(functools.partial(enqueue, task, *args), robust=not _eager(task))


def enqueue_or_run_on_commit(task, *args):
    """As enqueue_on_commit, for work that leaves no row for a sweeper to find (a password
    reset: its link is a secret we do not store). When the broker refuses it, it runs beside
    the request, in a thread of its own, rather than being lost: the answer comes as soon as
    when it is queued, whatever the work finds (a reset must not tell, by its time, whether
    the address has an account). Its own failure is logged, never shown."""

    def run():
        try:
            task(*args)
        except Exception:
            log.exception("%s%r failed while run beside the request.", task.name, args)
        finally:
            connections.close_all()  # this thread's own connections

    def hand_over():
        if enqueue(task, *args) is None:
            threading.Thread(target=run, name=f"fallback-{task.name}", daemon=True).start()

    transaction.on_commit(hand_over, robust=not _eager(task))
