"""Serializer fields shared by the apps' APIs."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework import serializers


class UploadField(serializers.FileField):
    """A file in a multipart body. A part sent without a file name (a plain
    form field) is taken as the file's content, as the OpenAPI ``binary``
    string it is documented as; the content is checked like any upload."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = SimpleUploadedFile("upload", data.encode())
        return super().to_internal_value(data)
