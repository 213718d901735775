"""Evidence in S3-compatible object storage (a real S3-API server): stored in
the bucket, never on the web machine's disk, served through the service's
permission check, removed from the bucket with its row."""

from django.core.files.uploadedfile import SimpleUploadedFile

from .helpers import PDF_BYTES, nomination


def test_evidence_is_kept_in_the_bucket_and_served_only_to_those_who_may_see_it(
    api,
    object_storage,
    cycle,
    supervisor,
    subordinate,
    outsider,
    django_capture_on_commit_callbacks,
):
    bucket, _env = object_storage
    item = nomination(cycle, supervisor, [subordinate])
    url = f"/api/v1/nominations/{item.pk}/evidence"
    upload = SimpleUploadedFile("laporan.pdf", PDF_BYTES)
    created = api.as_(supervisor).post(url, {"file": upload}, format="multipart")
    assert created.status_code == 201, created.json()
    (stored,) = bucket.objects.all()
    assert stored.key.startswith(f"evidence/{item.pk}/")
    assert stored.get()["Body"].read() == PDF_BYTES

    one = f"{url}/{created.json()['id']}"
    download = api.as_(supervisor).get(one)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert api.as_(outsider).get(one).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        assert api.as_(supervisor).delete(one).status_code == 204
    assert list(bucket.objects.all()) == []
