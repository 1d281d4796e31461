"""A real Celery worker process against the real Redis broker and the test database.

The worker runs `celery -A msu_portal worker` in a subprocess, pointed at the test database
(tests here use `transactional_db`, so what they write is committed and visible to it), at
the test's private-file folder and at a file e-mail backend the test reads. Without Redis and
PostgreSQL the tests skip with the reason, except in CI (CI=true), where they must run.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection
from kombu import pools

from msu_portal.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/worker/" in str(item.fspath):
            item.add_marker(pytest.mark.worker)


def _requirements():
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        return "pas de broker Redis (CELERY_BROKER_URL)"
    if connection.vendor != "postgresql":
        return "la base de test doit être PostgreSQL pour être partagée avec le worker"
    return None


# The configured broker, read before any test points the app at a private one (private_broker).
_SHARED_BROKER = os.environ.get("CELERY_BROKER_URL") or settings.CELERY_BROKER_URL


def _process_broker():
    """The configured Redis, on a database of this test process's own under pytest-xdist (gw0
    keeps the configured one, gw1 the one below...): each process flushes its queue and its
    workers take only its tasks, so the real-worker tests of two processes never meet."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw") or not _SHARED_BROKER.startswith("redis://"):
        return _SHARED_BROKER
    parts = urlsplit(_SHARED_BROKER)
    database = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(database - int(worker[2:])) % 16}"))


@pytest.fixture
def broker(transactional_db, settings):
    reason = _requirements()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    if settings.CELERY_BROKER_URL == _SHARED_BROKER:  # not already on a test's private Redis
        settings.CELERY_BROKER_URL = _process_broker()
        _use_broker(settings.CELERY_BROKER_URL)
    celery_app.conf.task_always_eager = False  # restored by the autouse fixture
    with celery_app.connection_for_write() as conn:
        conn.default_channel.client.flushdb()  # a clean queue (CI uses a db of its own)
    yield celery_app
    _use_broker(_SHARED_BROKER)


def _database_url():
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    def __init__(self, tmp_path, name, args=("-P", "solo"), **env):
        self.log_path = tmp_path / f"{name}.log"
        self.mail_dir = tmp_path / "mail"
        self.mail_dir.mkdir(exist_ok=True)
        environment = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "PRIVATE_STORAGE_ROOT": str(settings.PRIVATE_STORAGE_ROOT),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            **{key: str(value) for key, value in env.items()},
        }
        environment.pop("CELERY_RESULT_BACKEND", None)
        self.log = open(self.log_path, "w")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "msu_portal",
                "worker",
                "-l",
                "info",
                "-n",
                f"{name}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                *args,
            ],
            cwd=ROOT,
            env=environment,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.wait_for_log(r"ready\.", timeout=60)

    def output(self):
        return self.log_path.read_text()

    def wait_for_log(self, pattern, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if re.search(pattern, self.output()):
                return
            if self.process.poll() is not None:
                raise AssertionError(f"the worker stopped:\n{self.output()}")
            time.sleep(0.1)
        raise AssertionError(f"not seen in the worker log: {pattern}\n{self.output()}")

    def kill(self):
        """SIGKILL, no chance to acknowledge, clean up or finish the task."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.log.close()

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        if not self.log.closed:
            self.log.close()

    def emails(self):
        """Messages the worker wrote (the file backend appends several per file)."""
        messages = []
        for path in sorted(self.mail_dir.glob("*.log")):
            for chunk in path.read_text().split("-" * 79):
                if "Message-ID:" in chunk:
                    messages.append(chunk)
        return messages


@pytest.fixture
def start_worker(broker, tmp_path):
    workers = []

    def start(name="w1", **env):
        worker = Worker(tmp_path, name, **env)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


def wait_until(condition, timeout=60, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {message}")


class RedisServer:
    """A redis-server of the test's own, on a free port, that the test may stop and start
    (never the shared one). Append-only file on, as in docker-compose: what was queued before
    a restart is still there after it."""

    def __init__(self, tmp_path):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.dir = tmp_path / f"redis-{self.port}"
        self.dir.mkdir()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.dir),
                "--appendonly",
                "yes",
                "--save",
                "",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_until(self.answers, timeout=20, message=f"redis-server on port {self.port}")

    def answers(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: redis flushes its append-only file and exits
            self.process.wait(timeout=20)
        self.process = None

    def restart(self):
        self.stop()
        self.start()


def _use_broker(url):
    """Point this process's Celery app at `url` (the pools keep connections to the old one).
    Celery reads CELERY_BROKER_URL from the environment before its own setting."""
    if url:
        os.environ["CELERY_BROKER_URL"] = url
    else:
        os.environ.pop("CELERY_BROKER_URL", None)
    celery_app.conf.broker_url = url or None
    celery_app.conf.broker_write_url = None
    celery_app.conf.broker_read_url = None
    fresh_pools()


def fresh_pools():
    """The next publish opens new connections. kombu keeps its connection and producer pools
    per broker URL for the whole process: closing one and leaving it in kombu's registry made
    every later test on that URL fail with « Acquire on closed pool »; reset() closes and
    forgets them all."""
    pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def private_broker(transactional_db, tmp_path, settings):
    """A Redis broker of the test's own, that the test stops and starts; the test process and
    the workers it starts (after this fixture) both use it."""
    reason = _requirements()
    if reason is None and not shutil.which("redis-server"):
        reason = "redis-server introuvable (apt-get install redis-server)"
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    server = RedisServer(tmp_path)
    server.start()
    previous = os.environ.get("CELERY_BROKER_URL", "")
    settings.CELERY_BROKER_URL = server.url
    celery_app.conf.task_always_eager = False  # restored by the autouse fixture
    _use_broker(server.url)
    yield server
    _use_broker(previous)
    server.stop()
