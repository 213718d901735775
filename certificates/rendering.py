"""Certificates as PDF: a Django template rendered by WeasyPrint.

The stylesheet and font configuration are built once per process and reused;
WeasyPrint is given only ``fetcher.asset_fetcher``; user text is escaped by
the template engine and presentational hints stay off.
"""

from __future__ import annotations

import atexit
import functools
import io

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation

from .fetcher import ASSETS, asset_fetcher
from .models import Certificate


@functools.cache
def _resources():
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    # Release it before interpreter shutdown: its finaliser needs modules that
    # are gone by then (a noisy "Exception ignored" otherwise).
    atexit.register(_resources.cache_clear)
    css = CSS(
        filename=str(ASSETS / "certificate.css"),
        url_fetcher=asset_fetcher(),
        font_config=fonts,
        base_url="asset:",
    )
    # Images (the logo) decoded once per process, not once per certificate.
    return css, fonts, {}


def verify_url(certificate: Certificate) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse(
        "verify-page", args=[certificate.grouped_code]
    )


def certificate_context(certificate: Certificate) -> dict:
    import segno

    nomination = certificate.nomination
    level = nomination.award_level
    url = verify_url(certificate)
    day = timezone.localdate(certificate.created_at or nomination.cycle.published_at)
    with translation.override("id"):
        date_id = formats.date_format(day, "j F Y")
    with translation.override("en"):
        date_en = formats.date_format(day, "j F Y")
    return {
        "organisation": settings.CERTIFICATE_ORGANISATION,
        "name": certificate.recipient.name,
        "unit": certificate.recipient.org_unit.name,
        "award_id": level.name_id if level else "",
        "award_en": level.name_en if level else "",
        "category": f"{nomination.category.name_id} / {nomination.category.name_en}",
        "title": nomination.title,
        "cycle": nomination.cycle.name,
        "date_id": date_id,
        "date_en": date_en,
        "serial": certificate.serial,
        "code": certificate.grouped_code,
        "verify_url": url,
        "qr_svg": segno.make(url, error="m").svg_inline(dark="#222", scale=4, border=0),
        "signatory": settings.CERTIFICATE_SIGNATORY,
        "signatory_title": settings.CERTIFICATE_SIGNATORY_TITLE,
    }


def render_certificates(certificates: list[Certificate]) -> list[bytes]:
    """One PDF per certificate. The batch is laid out and written as one
    document (the stylesheet cascade, fonts, images and font subsets are
    shared), then split into one file per page with pikepdf (qpdf); each file
    carries its own serial as the document title."""
    from weasyprint import HTML

    css, fonts, images = _resources()
    html = render_to_string(
        "certificates/certificate.html", {"pages": [certificate_context(c) for c in certificates]}
    )
    document = HTML(string=html, base_url="asset:", url_fetcher=asset_fetcher()).render(
        stylesheets=[css],
        font_config=fonts,
        cache=images,
        presentational_hints=False,
    )
    if len(document.pages) != len(certificates):
        raise ValueError(
            f"{len(certificates)} certificates laid out on {len(document.pages)} pages"
        )
    whole = document.write_pdf()
    if len(certificates) == 1:
        return [whole]
    return _split(whole, titles=[c.serial for c in certificates])


def _split(pdf: bytes, *, titles: list[str]) -> list[bytes]:
    import pikepdf

    out = []
    with pikepdf.open(io.BytesIO(pdf)) as source:
        info = {k: v for k, v in source.docinfo.items() if k != "/Title"}
        for page, title in zip(source.pages, titles, strict=True):
            single = pikepdf.new()
            single.pages.append(page)
            for key, value in info.items():
                single.docinfo[key] = value
            single.docinfo["/Title"] = title
            buffer = io.BytesIO()
            single.save(buffer, object_stream_mode=pikepdf.ObjectStreamMode.generate)
            out.append(buffer.getvalue())
    return out


def render_certificate(certificate: Certificate) -> bytes:
    return render_certificates([certificate])[0]
