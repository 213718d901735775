"""Certificate issuing throughput, memory and size, against a naive baseline.

All in one run on a scratch PostgreSQL database, in interleaved rounds (the
machine is shared and noisy; medians are printed):

* naive: the same certificate (same template, data, fonts) rendered with
  ``HTML(string=…).write_pdf()``, its QR code as an inline SVG, with a
  freshly parsed stylesheet and font configuration each time, then signed
  with pyHanko's default signer loaded from the PKCS#12 file each time — the
  baseline;
* pipeline: ``certificates.services.certificates_issue_batch`` in batches of
  20, as publication queues them, in a process prepared as a worker's is
  (``certificates.worker.prepare_process``: stylesheet, fonts and signer
  loaded, the heap frozen for the garbage collector); one layout and one PDF
  write per batch, the QR codes drawn in after the layout, split per page by
  qpdf; the signature's constant CMS parts kept encoded; render, sign, store,
  database (one UPDATE for the batch);
* two worker processes against one, by wall time over the same batch;
* resident memory of one process after 100 and after 1,000 issues
  (``--memory``);
* the signed PDF's size against the unsigned one as issued.

Before timing, both sides must make the same certificate (``same_certificate``:
text, fonts, the picture pixel by pixel, the QR code read back) and poppler's
``pdfsig`` must find the pipeline's signature valid.

    .venv/bin/python bench/certificates.py [--count 40] [--rounds 5] [--memory]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from multiprocessing import get_context

from scratch import scratch_django


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def setup_data(count: int) -> list[int]:
    from data import make_org
    from django.core.management import call_command

    from certificates.models import Certificate
    from nominations import services
    from nominations.models import AwardLevel, Cycle, Nomination, Nominee

    call_command("init_signing_key", verbosity=0)
    _units, people = make_org(units=10, employees=count + 20)
    cycle = services.cycle_create(name="Anugerah Inovasi 2026")
    Cycle.objects.filter(pk=cycle.pk).update(phase="published")
    gold = AwardLevel.objects.get(cycle=cycle, code="gold")
    nominations = Nomination.objects.bulk_create(
        Nomination(
            cycle=cycle,
            category=cycle.categories.first(),
            nominator=people[0],
            title=f"Layanan izin usaha satu hari nomor {i}",
            status="published",
            award_level=gold,
        )
        for i in range(count)
    )
    Nominee.objects.bulk_create(
        Nominee(nomination=n, employee=people[i + 1], is_lead=True)
        for i, n in enumerate(nominations)
    )
    made = Certificate.objects.bulk_create(
        Certificate(nomination=n, recipient=people[i + 1]) for i, n in enumerate(nominations)
    )
    return [c.pk for c in made]


def naive(certificate_id: int) -> tuple[bytes, bytes]:
    """Render with a fresh stylesheet and sign with a freshly loaded key."""
    import io

    from django.conf import settings
    from django.template.loader import render_to_string
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from certificates import rendering
    from certificates.fetcher import ASSETS, asset_fetcher
    from certificates.selectors import certificates_for_rendering

    c = certificates_for_rendering().get(pk=certificate_id)
    context = rendering.certificate_context(c)
    html = render_to_string("certificates/certificate.html", {"pages": [context]})
    # The obvious way to put the QR code in its place: an inline SVG of the
    # same code (a line per run of dark modules, as segno draws one), laid
    # out and drawn by WeasyPrint; the pipeline draws it after the layout.
    modules = rendering.qr_modules(context["verify_url"])
    path = "".join(
        f"M{start} {r + 0.5}h{end - start}" for r, start, end in rendering.qr_runs(modules)
    )
    side = len(modules)
    svg = f'<svg class="qr" viewBox="0 0 {side} {side}"><path stroke="#222" d="{path}"/></svg>'
    html = html.replace('<div class="qr"></div>', svg)
    # WeasyPrint's documented way to use a stylesheet with @font-face rules.
    fonts = FontConfiguration()
    css = CSS(
        filename=str(ASSETS / "certificate.css"),
        url_fetcher=asset_fetcher(),
        base_url="asset:",
        font_config=fonts,
    )
    pdf = HTML(string=html, base_url="asset:", url_fetcher=asset_fetcher()).write_pdf(
        stylesheets=[css], font_config=fonts
    )
    signer = signers.SimpleSigner.load_pkcs12(
        pfx_file=str(settings.CERTIFICATE_SIGNING_KEY),
        passphrase=settings.CERTIFICATE_SIGNING_PASSPHRASE.encode(),
    )
    out = signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(pdf)),
        signers.PdfSignatureMetadata(
            field_name="Signature", subfilter=fields.SigSeedSubFilter.PADES
        ),
        signer=signer,
    )
    return pdf, out.getvalue()


def same_certificate(certificate_id: int) -> str:
    """The baseline must lay out the very certificate the pipeline does (an
    earlier version of this script timed an empty page): same text, same
    page count, same embedded fonts; the same picture (both rendered by
    poppler at 150 dpi, pixel by pixel); the same QR code read back; and the
    pipeline's signature valid for poppler's pdfsig. Returns a line saying so."""
    import io
    import subprocess
    import tempfile
    from pathlib import Path

    import zxingcpp
    from PIL import Image, ImageChops
    from pypdf import PdfReader

    from certificates import rendering, signing
    from certificates.selectors import certificates_for_rendering

    def summary(pdf: bytes) -> tuple:
        reader = PdfReader(io.BytesIO(pdf))
        fonts = sorted(
            str(f["/BaseFont"]).split("+")[-1]
            for f in reader.pages[0]["/Resources"]["/Font"].get_object().values()
        )
        return len(reader.pages), " ".join(reader.pages[0].extract_text().split()), fonts

    c = certificates_for_rendering().get(pk=certificate_id)
    naive_pdf = naive(certificate_id)[0]
    ours_pdf = rendering.render_certificate(c)
    baseline, ours = summary(naive_pdf), summary(ours_pdf)
    assert baseline == ours, (baseline, ours)
    assert c.recipient.name in ours[1], ours
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pictures = []
        for name, pdf in (("naive", naive_pdf), ("ours", ours_pdf)):
            (folder / f"{name}.pdf").write_bytes(pdf)
            subprocess.run(
                ["pdftoppm", "-r", "150", "-png", "-singlefile", f"{name}.pdf", name],
                cwd=folder,
                check=True,
            )
            pictures.append(Image.open(folder / f"{name}.png").convert("L"))
            codes = [code.text for code in zxingcpp.read_barcodes(pictures[-1])]
            assert codes == [rendering.verify_url(c)], (name, codes)
        assert pictures[0].size == pictures[1].size
        histogram = ImageChops.difference(*pictures).histogram()
        off = sum(histogram[65:])  # pixels a quarter of the grey scale or more apart
        pixels = pictures[0].size[0] * pictures[0].size[1]
        assert off <= pixels / 10_000, f"{off} of {pixels} pixels differ"
        (folder / "signed.pdf").write_bytes(signing.sign_pdf(ours_pdf))
        report = subprocess.run(
            ["pdfsig", "signed.pdf"], cwd=folder, capture_output=True, text=True, check=False
        ).stdout
        assert "Signature is Valid." in report, report
        assert "Total document signed" in report, report
    return (
        f"same certificate: text, fonts and QR code; {off} of {pixels:,} pixels differ "
        "by a quarter of the grey scale at 150 dpi; pdfsig: signature valid"
    )


def issue_range(ids: list[int]) -> float:
    import django

    django.setup()
    from django.db import connections

    connections.close_all()
    start = time.perf_counter()
    issue(ids)
    return time.perf_counter() - start


def issue(ids: list[int]) -> None:
    """As the publication jobs do: batches of ``services.BATCH_SIZE``."""
    from certificates import services

    for at in range(0, len(ids), services.BATCH_SIZE):
        chunk = ids[at : at + services.BATCH_SIZE]
        assert services.certificates_issue_batch(certificate_ids=chunk) == len(chunk)


def reset(ids):
    from certificates.models import Certificate

    Certificate.objects.filter(pk__in=ids).update(
        status="pending", file="", sha256="", issued_at=None
    )


def timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def in_pool(processes: int, chunks: list[list[int]]) -> None:
    from django.db import connections

    connections.close_all()
    with get_context("fork").Pool(processes) as pool:
        pool.map(issue_range, chunks)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--memory",
        action="store_true",
        help="also measure memory after 100 and 1,000 issues (slow)",
    )
    args = parser.parse_args()
    median = statistics.median
    with scratch_django("certs"):
        from certificates import rendering, services, signing, worker
        from certificates.selectors import certificates_for_rendering

        ids = setup_data(max(args.count, 1000 if args.memory else args.count))
        batch = ids[: args.count]
        half = len(batch) // 2
        same = same_certificate(batch[0])  # and warms the imports
        services.certificate_issue(certificate_id=batch[0])  # warm caches
        worker.prepare_process()  # as each Celery worker process starts

        # Interleaved rounds (the machine is shared and noisy); medians reported.
        rounds = []
        for _ in range(args.rounds):
            t_naive = timed(lambda: [naive(pk) for pk in batch])
            reset(batch)
            t_pipe = timed(issue, batch)
            reset(batch)
            t_one = timed(in_pool, 1, [batch])
            reset(batch)
            t_two = timed(in_pool, 2, [batch[:half], batch[half:]])
            reset(batch)
            rounds.append((t_naive, t_pipe, t_one, t_two))

        certificates = list(certificates_for_rendering().filter(pk__in=batch).order_by("pk"))
        plain = rendering.render_certificates(certificates)[0]
        signed = signing.sign_pdf(plain)
        n = len(batch)
        print(f"{n} certificates, one page each; medians of {args.rounds} interleaved rounds")
        print(same)
        print(f"{'measure':<42}{'value':>12}{'ratio':>10}")
        print(
            f"{'naive render+sign, per certificate (ms)':<42}"
            f"{median(r[0] for r in rounds) / n * 1000:>12.0f}"
        )
        print(
            f"{'pipeline (render, sign, store, db) (ms)':<42}"
            f"{median(r[1] for r in rounds) / n * 1000:>12.0f}"
            f"{median(r[0] / r[1] for r in rounds):>9.2f}×"
        )
        print(f"{'one worker process, batch (s)':<42}{median(r[2] for r in rounds):>12.2f}")
        print(
            f"{'two worker processes, batch (s)':<42}{median(r[3] for r in rounds):>12.2f}"
            f"{median(r[2] / r[3] for r in rounds):>9.2f}×"
        )
        print("   per round: pipeline " + ", ".join(f"{r[0] / r[1]:.2f}×" for r in rounds))
        print("   per round: two workers " + ", ".join(f"{r[2] / r[3]:.2f}×" for r in rounds))
        print(f"{'unsigned PDF, as issued (bytes)':<42}{len(plain):>12}")
        print(f"{'signed PDF (bytes)':<42}{len(signed):>12}{len(signed) / len(plain):>9.2f}×")
        if args.memory:
            reset(ids)
            issue(ids[:100])
            at_100 = rss_mb()
            issue(ids[100:1000])
            at_1000 = rss_mb()
            print(
                f"{'RSS after 100 / 1,000 issues (MB)':<42}{at_100:>6.0f}/{at_1000:<5.0f}"
                f"{at_1000 / at_100:>9.2f}×"
            )


if __name__ == "__main__":
    main()
