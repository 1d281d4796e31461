"""Scanning uploads with clamd (ClamAV's daemon), when `CLAMD_ADDRESS` is set.

The INSTREAM protocol in a few lines of socket code rather than the `clamd` package: that
package has had no release since 2020 and wraps these same lines; what we need (TCP or unix
socket, a timeout, one command) fits here and is tested against the real daemon.

Fail closed: a daemon that cannot be reached, times out or answers nonsense refuses the upload
(and logs why), since accepting files unscanned whenever clamd is down would make the scan
optional for an attacker who can slow it.
"""

import logging
import socket
import struct
from dataclasses import dataclass
from urllib.parse import urlparse

from django.conf import settings

logger = logging.getLogger(__name__)

CHUNK = 64 * 1024


class ScanUnavailable(Exception):
    """clamd could not give a verdict."""


@dataclass(frozen=True)
class Verdict:
    infected: bool
    signature: str = ""


def enabled():
    return bool(getattr(settings, "CLAMD_ADDRESS", ""))


def _connect(address, timeout):
    """A socket to `tcp://host:port` or to a unix socket path (`unix:///path` or `/path`)."""
    if address.startswith("tcp://"):
        parsed = urlparse(address)
        return socket.create_connection((parsed.hostname, parsed.port or 3310), timeout=timeout)
    path = address.removeprefix("unix://")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(path)
    except OSError:
        sock.close()
        raise
    return sock


def scan(data, address=None, timeout=None):
    """The daemon's verdict on these bytes, or ScanUnavailable."""
    address = address or settings.CLAMD_ADDRESS
    timeout = timeout or settings.CLAMD_TIMEOUT_SECONDS
    try:
        with _connect(address, timeout) as sock:
            sock.sendall(b"zINSTREAM\0")
            for start in range(0, len(data), CHUNK):
                chunk = data[start : start + CHUNK]
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                received = sock.recv(4096)
                if not received:
                    break
                reply += received
    except OSError as error:
        logger.error("clamd at %s unreachable: %s", address, error)
        raise ScanUnavailable(str(error)) from error
    answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    # "stream: OK", "stream: Eicar-Signature FOUND", "INSTREAM size limit exceeded. ERROR"
    if answer.endswith(" FOUND"):
        signature = answer.removeprefix("stream:").removesuffix(" FOUND").strip()
        logger.warning("clamd found %s in an upload", signature)
        return Verdict(infected=True, signature=signature)
    if answer.endswith(": OK"):
        return Verdict(infected=False)
    logger.error("clamd at %s answered %r", address, answer)
    raise ScanUnavailable(answer)
