"""Certificates as PDF: a Django template rendered by WeasyPrint.

The stylesheet and font configuration are built once per process and reused;
WeasyPrint is given only ``fetcher.asset_fetcher``; user text is escaped by
the template engine and presentational hints stay off.
"""

from __future__ import annotations

import atexit
import functools
import io
from typing import Any, cast

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


def warm_up() -> None:
    """Build the stylesheet and font configuration now (a worker's start)."""
    _resources()


def verify_url(certificate: Certificate) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse(
        "verify-page", args=[certificate.grouped_code]
    )


def certificate_context(certificate: Certificate) -> dict:
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
        "signatory": settings.CERTIFICATE_SIGNATORY,
        "signatory_title": settings.CERTIFICATE_SIGNATORY_TITLE,
    }


def render_certificates(certificates: list[Certificate]) -> list[bytes]:
    """One PDF per certificate. The batch is laid out and written as one
    document (the stylesheet cascade, fonts, images and font subsets are
    shared), then split into one file per page with pikepdf (qpdf); each file
    carries its own serial as the document title, and its QR code."""
    from weasyprint import HTML

    css, fonts, images = _resources()
    contexts = [certificate_context(c) for c in certificates]
    html = render_to_string("certificates/certificate.html", {"pages": contexts})
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
    codes = [
        _qr_drawing(qr_modules(c["verify_url"]), _qr_place(page))
        for c, page in zip(contexts, document.pages, strict=True)
    ]
    return _split(document.write_pdf(), titles=[c.serial for c in certificates], add=codes)


QR_COLOUR = 0x22 / 0xFF  # #222, as the text around it


def _qr_place(page) -> tuple[float, float, float]:
    """Where the page's ``.qr`` box was laid out: its left and bottom edges
    and its side, in PDF points from the page's bottom-left corner."""
    for box in page._page_box.descendants(placeholders=True):
        element = getattr(box, "element", None)
        if element is not None and element.get("class") == "qr" and box.element_tag == "div":
            points = 0.75  # a CSS pixel is 3/4 of a point
            bottom = page.height - box.content_box_y() - box.height
            return box.content_box_x() * points, bottom * points, box.width * points
    raise ValueError("the certificate template has no .qr box")


def qr_modules(text: str) -> list[list[bool]]:
    """The QR code of ``text`` (error correction M) as rows of modules, dark
    ones True: zxing-cpp's encoder (zint's, in C: a third of a millisecond,
    where segno's pure-Python mask selection took five)."""
    import zxingcpp

    code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = code.to_image(scale=1, add_quiet_zones=False)  # one byte a module, 0 dark
    rows, columns = image.shape
    pixels = memoryview(cast("Any", image)).tobytes()  # a buffer; its stubs do not say so
    return [[pixels[r * columns + c] < 128 for c in range(columns)] for r in range(rows)]


def qr_runs(modules: list[list[bool]]):
    """(row, first column, end column) of each run of dark modules."""
    for r, row in enumerate(modules):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            yield r, start, c


def _qr_drawing(modules: list[list[bool]], place: tuple[float, float, float]) -> bytes:
    """The QR code as PDF drawing operators: each row's runs of dark modules
    as horizontal lines one module thick, stroked as one path (as an SVG
    drawing of it would be). WeasyPrint drew such an SVG before, and that one
    picture cost a fifth of a certificate's layout and drawing time."""
    left, bottom, side = place
    module = side / len(modules)
    top = bottom + side
    grey = f"{QR_COLOUR:.4f}"
    ops = [f"q {grey} {grey} {grey} RG {module:.4f} w 0 J"]
    for r, start, end in qr_runs(modules):
        y = top - (r + 0.5) * module
        ops.append(f"{left + start * module:.3f} {y:.3f} m {left + end * module:.3f} {y:.3f} l")
    ops.append("S Q")
    return "\n".join(ops).encode()


def _split(pdf: bytes, *, titles: list[str], add: list[bytes]) -> list[bytes]:
    """One file per page, each with its title and its page's ``add`` drawn
    on top (WeasyPrint's drawing is wrapped in q/Q, so the added operators
    start from the page's own coordinates)."""
    import pikepdf

    out = []
    with pikepdf.open(io.BytesIO(pdf)) as source:
        info = {k: v for k, v in source.docinfo.items() if k != "/Title"}
        for page, title, drawing in zip(source.pages, titles, add, strict=True):
            single = pikepdf.new()
            single.pages.append(page)
            copy = single.pages[0]
            copy.contents_add(b"q", prepend=True)
            copy.contents_add(b"Q\n" + drawing)
            for key, value in info.items():
                single.docinfo[key] = value
            single.docinfo["/Title"] = title
            buffer = io.BytesIO()
            single.save(buffer, object_stream_mode=pikepdf.ObjectStreamMode.generate)
            out.append(buffer.getvalue())
    return out


def render_certificate(certificate: Certificate) -> bytes:
    return render_certificates([certificate])[0]
