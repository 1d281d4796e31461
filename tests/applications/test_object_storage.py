"""Private files in an S3-compatible bucket (PRIVATE_S3_BUCKET), for a portal running on
several machines: pieces and generated PDFs go to the bucket, never to the local folder, and
are still read only through the permission-checked views.

The object store is the outside world here: moto's server mode plays it, as a real HTTP server
on a local port that django-storages and boto3 talk to as they would to any S3 service."""

import io
import socket

import boto3
import pytest
from django.urls import reverse
from pypdf import PdfReader

from applications.models import Document, GeneratedDocument
from tests.factories import DoctorFactory
from tests.workflow_helpers import make_staff, submitted_application

pytestmark = pytest.mark.django_db
moto_server = pytest.importorskip("moto.server")

BUCKET = "msu-prive-test"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def endpoint():
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=_free_port())
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(endpoint, settings):
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="essai",
        aws_secret_access_key="essai",
        region_name="eu-west-3",
    )
    client.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"}
    )
    backend = {
        "BACKEND": "applications.storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": BUCKET,
            "endpoint_url": endpoint,
            "region_name": "eu-west-3",
            "access_key": "essai",
            "secret_key": "essai",
        },
    }
    settings.STORAGES = {**settings.STORAGES, "default": backend, "private": backend}
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def _keys(client):
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_pieces_and_the_dossier_pdf_live_in_the_bucket_and_are_served_by_the_views(
    bucket, client, settings, django_capture_on_commit_callbacks
):
    staff = make_staff()
    with django_capture_on_commit_callbacks(execute=True):
        application = submitted_application(staff)
    keys = _keys(bucket)
    pieces = list(Document.objects.filter(application=application))
    assert pieces and all(piece.file.name in keys for piece in pieces)
    pdf = GeneratedDocument.objects.get(subject_key=f"dossier:{application.pk}")
    assert pdf.file.name in keys
    # Nothing lands on the local disk of this machine.
    assert not any(settings.PRIVATE_STORAGE_ROOT.rglob("*.*"))

    client.force_login(staff.secretariat)
    piece = pieces[0]
    response = client.get(reverse("applications:document", args=[application.pk, piece.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    body = b"".join(response.streaming_content)
    stored = bucket.get_object(Bucket=BUCKET, Key=piece.file.name)["Body"].read()
    assert body == stored and body.startswith(b"%PDF-")
    response = client.get(reverse("applications:dossier_pdf", args=[application.pk]))
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    assert application.doctor.rpps in "".join(page.extract_text() for page in reader.pages)


def test_no_url_is_ever_handed_out_and_others_get_a_404(bucket, client):
    staff = make_staff()
    application = submitted_application(staff)
    piece = Document.objects.filter(application=application).first()
    with pytest.raises(ValueError, match="no URL"):
        piece.file.url  # noqa: B018
    client.force_login(DoctorFactory().user)
    url = reverse("applications:document", args=[application.pk, piece.pk])
    assert client.get(url).status_code == 404
