"""Evidence files of a draft: added (type judged by content), removed."""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from core.errors import ConflictError, NotFoundError
from core.types import Actor
from nominations import evidence
from nominations.models import Cycle, Evidence, Nomination, StoredFile
from nominations.workflow import S

P = Cycle.Phase


def evidence_add(*, nomination: Nomination, actor: Actor, upload: UploadedFile) -> Evidence:
    """Attach a file to a draft. The type is decided by the content."""
    with transaction.atomic():
        nomination = (
            Nomination.objects.select_for_update(of=("self",))
            .select_related("cycle")
            .get(pk=nomination.pk)
        )
        if not actor.has_perm("nominations.change_nomination", nomination):
            raise NotFoundError()
        if nomination.status != S.DRAFT or nomination.cycle.phase != P.NOMINATING:
            raise ConflictError(
                _("Evidence can only be added to a draft while the cycle takes nominations.")
            )
        used = nomination.evidence.aggregate(total=Sum("size"))["total"] or 0
        content_type, sha256 = checked_upload(upload, used=used)
        item = Evidence(
            nomination=nomination,
            original_name=(upload.name or "evidence")[:255],
            content_type=content_type,
            size=upload.size or 0,
            sha256=sha256,
        )
        save_with_file(item, upload, "evidence")
    return item


def save_with_file(item: StoredFile, upload: UploadedFile, name: str) -> None:
    """Store the upload's bytes, then the row; the bytes go again if the row
    cannot be saved."""
    item.file.save(name, upload, save=False)  # type: ignore[attr-defined]
    try:
        item.save()
    except Exception:
        item.file.delete(save=False)  # type: ignore[attr-defined]
        raise


def checked_upload(upload: UploadedFile, *, used: int) -> tuple[str, str]:
    """The evidence rules for a file joining ``used`` bytes of others: at
    most ``MAX_FILE_BYTES``, ``MAX_TOTAL_BYTES`` in all, an accepted type
    judged by content. Its type and SHA-256; a ``ValidationError`` on
    ``file`` otherwise."""
    size = upload.size or 0
    if size > evidence.MAX_FILE_BYTES:
        raise ValidationError(
            {
                "file": _("The file is larger than %(mb)d MB.")
                % {"mb": evidence.MAX_FILE_BYTES // 2**20}
            }
        )
    if used + size > evidence.MAX_TOTAL_BYTES:
        raise ValidationError(
            {
                "file": _("Evidence of one nomination may total %(mb)d MB; %(left).1f MB is left.")
                % {
                    "mb": evidence.MAX_TOTAL_BYTES // 2**20,
                    "left": (evidence.MAX_TOTAL_BYTES - used) / 2**20,
                }
            }
        )
    content_type = evidence.detect_type(upload)
    if content_type is None:
        raise ValidationError(
            {
                "file": _(
                    "Only PDF, PNG, JPEG, XLSX and DOCX files are accepted (judged by content)."
                )
            }
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():  # chunks() starts at the beginning, as storage does
        digest.update(chunk)
    return content_type, digest.hexdigest()


def evidence_delete(*, item: Evidence, actor: Actor) -> None:
    with transaction.atomic():
        nomination = Nomination.objects.select_for_update().get(pk=item.nomination_id)
        if not actor.has_perm("nominations.change_nomination", nomination):
            raise NotFoundError()
        if nomination.status != S.DRAFT:
            raise ConflictError(_("Evidence can only be removed from a draft."))
        name = item.file.name
        item.delete()
        if name:
            transaction.on_commit(lambda: item.file.storage.delete(name))
