"""Private storage for uploaded pieces: never under a public URL.

Files are only served by the permission-checked view applications.views.documents.document_download,
so this storage refuses to build a URL at all. Its folder follows the PRIVATE_STORAGE_ROOT
setting, also when tests override it.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    def __init__(self, location=None, **kwargs):
        kwargs.pop("base_url", None)
        super().__init__(location=location, **kwargs)

    @property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_STORAGE_ROOT)

    @property
    def location(self):
        import os

        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no URL; serve them through a checked view.")
