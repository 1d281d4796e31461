"""The antivirus against the real ClamAV daemon (Debian's clamav-daemon), started by the test on
its own sockets with a signature database of our own: ClamAV cannot download its signatures
here, so the database is one MD5 signature (`sigtool --md5`) of the EICAR test file, which
the test writes (never committed). Skipped when clamd is not installed, except in CI."""

import os
import shutil
import socket
import subprocess
import time

import pytest
from django.urls import reverse

from applications import antivirus
from applications.models import Document
from applications.uploads import check_upload
from tests.files import pdf_upload, upload
from tests.hostile_files import EICAR

pytestmark = pytest.mark.django_db

CLAMD = shutil.which("clamd") or "/usr/sbin/clamd"
SIGTOOL = shutil.which("sigtool") or "/usr/bin/sigtool"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def clamd(tmp_path_factory):
    if not (os.path.exists(CLAMD) and os.path.exists(SIGTOOL)):
        if os.environ.get("CI") == "true":
            pytest.fail("clamd is not installed (apt-get install clamav-daemon); CI needs it")
        pytest.skip("clamd is not installed (Debian package clamav-daemon)")
    root = tmp_path_factory.mktemp("clamd")
    database = root / "db"
    database.mkdir()
    (root / "eicar.com").write_bytes(EICAR)
    signature = subprocess.run(  # noqa: S603 — our own fixed command line
        [SIGTOOL, "--md5", str(root / "eicar.com")], capture_output=True, check=True, cwd=root
    ).stdout
    (database / "test.hdb").write_bytes(signature)
    sock, port = root / "clamd.sock", _free_port()
    (root / "clamd.conf").write_text(
        f"LocalSocket {sock}\nTCPSocket {port}\nTCPAddr 127.0.0.1\n"
        f"DatabaseDirectory {database}\nForeground yes\nLogFile {root / 'clamd.log'}\n"
    )
    process = subprocess.Popen(  # noqa: S603
        [CLAMD, "-c", str(root / "clamd.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            if sock.exists() and process.poll() is None:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    pass
            if process.poll() is not None:
                pytest.fail("clamd stopped: " + (root / "clamd.log").read_text())
            time.sleep(0.1)
        else:
            pytest.fail("clamd did not start in 30 s")
        yield {"unix": str(sock), "tcp": f"tcp://127.0.0.1:{port}"}
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(params=["unix", "tcp"])
def scanning(request, clamd, settings):
    settings.CLAMD_ADDRESS = clamd[request.param]
    return settings.CLAMD_ADDRESS


def test_the_eicar_file_is_refused_in_french_and_nothing_is_stored(
    client, doctor, draft, scanning, _private_storage
):
    client.force_login(doctor.user)
    response = client.post(
        reverse("applications:step", args=[draft.pk, "pieces"]),
        {"cv": upload("cv.pdf", EICAR), "insurance": pdf_upload("assurance.pdf")},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "l&#x27;antivirus y a détecté un programme malveillant" in page
    # The clean file of the same step is scanned and kept; the infected one is not.
    assert list(Document.objects.values_list("piece", flat=True)) == ["insurance"]


def test_a_clean_file_passes_the_scan(scanning):
    verdict = antivirus.scan(pdf_upload().read())
    assert verdict == antivirus.Verdict(infected=False)
    assert check_upload(pdf_upload()).content_type == "application/pdf"


def test_an_unreachable_daemon_refuses_the_upload_and_logs(settings, tmp_path, caplog):
    settings.CLAMD_ADDRESS = str(tmp_path / "no-clamd-here.sock")
    with pytest.raises(Exception) as error:
        check_upload(pdf_upload())
    assert error.value.code == "scan_unavailable"
    assert "n'a pas pu être vérifié par l'antivirus" in error.value.message % error.value.params
    assert "unreachable" in caplog.text


def test_no_address_no_scan(settings):
    settings.CLAMD_ADDRESS = ""
    assert not antivirus.enabled()
    with pytest.raises(Exception) as error:
        check_upload(upload("eicar.pdf", EICAR))
    assert error.value.code == "bad_type"  # refused by the type check, nothing scanned
