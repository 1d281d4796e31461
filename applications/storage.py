"""Private storage for uploaded pieces and generated documents: never under a public URL.

Files are only served by the permission-checked views of applications.views.documents, so
these storages refuse to build a URL at all. `PrivateStorage` is what the models hold: it hands
each call to the backend STORAGES["private"] names now (the local folder by default, an
S3-compatible bucket when configured), so that settings — and tests — choose it at run time
rather than at import.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from storages.backends.s3 import S3Storage

NO_URL = "Private files have no URL; serve them through a checked view."


class PrivateFileSystemStorage(FileSystemStorage):
    """The local private folder (PRIVATE_STORAGE_ROOT, also when tests override it)."""

    def __init__(self, location=None, **kwargs):
        kwargs.pop("base_url", None)
        super().__init__(location=location, **kwargs)

    @property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_STORAGE_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError(NO_URL)


class PrivateS3Storage(S3Storage):
    """A private bucket: objects without public ACL, never overwritten, read only through the
    portal's views (which stream them), so no URL is ever handed out."""

    default_acl = "private"
    file_overwrite = False
    querystring_auth = True

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError(NO_URL)


class PrivateStorage(Storage):
    """The storage of every private file field: STORAGES["private"], looked up at each call."""

    @staticmethod
    def backend():
        return storages["private"]

    def _open(self, name, mode="rb"):
        return self.backend().open(name, mode)

    def _save(self, name, content):
        return self.backend().save(name, content)

    def get_available_name(self, name, max_length=None):
        return self.backend().get_available_name(name, max_length=max_length)

    def generate_filename(self, filename):
        return self.backend().generate_filename(filename)

    def delete(self, name):
        return self.backend().delete(name)

    def exists(self, name):
        return self.backend().exists(name)

    def listdir(self, path):
        return self.backend().listdir(path)

    def size(self, name):
        return self.backend().size(name)

    def get_modified_time(self, name):
        return self.backend().get_modified_time(name)

    def url(self, name):
        raise ValueError(NO_URL)


PRIVATE = PrivateStorage()
